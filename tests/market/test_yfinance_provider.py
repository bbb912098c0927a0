"""The yfinance adapter on the frames yfinance 1.7 really returns; no network."""

import logging
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import requests
from yfinance.exceptions import YFRateLimitError

from market.models import ProviderHealth, Quote
from market.providers import ProviderCoolingDown, ProviderError
from market.providers.yfinance import (
    YFinanceProvider,
    bars_from_frame,
    is_rate_limit,
    quotes_from_frame,
    yf_download,
)
from market.services import quotes_fetch
from tests.market import yf_frames
from tests.market.factories import InstrumentFactory

NOW = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # 15:00 in New York (EDT)


def minute_rows(start, closes):
    """Return one-minute history rows from a New York wall-clock start."""
    first = pd.Timestamp(start)
    return [
        (first + pd.Timedelta(minutes=i), c, c + 0.5, c - 0.5, c, 1000 + i)
        for i, c in enumerate(closes)
    ]


class FakeDownload:
    """Stand in for ``yf.download``: answer from frames or errors, in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if callable(answer) and not isinstance(answer, pd.DataFrame):
            answer = answer(kwargs)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def offline_answer(kwargs):
    return yf_frames.download({symbol: None for symbol in kwargs["tickers"]})


def provider(download, **options):
    sleeps = []
    options.setdefault("cooldown_until", lambda: None)
    built = YFinanceProvider(
        download=download,
        sleep=sleeps.append,
        clock=lambda: NOW,
        chunk_pause_seconds=options.pop("chunk_pause_seconds", 1.0),
        **options,
    )
    return built, sleeps


def two_tickers_frame(**download_options):
    aapl = yf_frames.history(minute_rows("2026-03-10 14:57", [190.1, 190.2, 190.25]))
    # MSFT traded up to 14:58 only: its 14:59 row is NaN after the union reindex.
    msft = yf_frames.history(minute_rows("2026-03-10 14:57", [410.0, 411.5]))
    return yf_frames.download({"AAPL": aapl, "MSFT": msft}, **download_options)


def test_multi_ticker_frame_gives_each_last_close_at_its_bar_time_in_utc():
    frame = two_tickers_frame()
    assert list(frame.columns.names) == ["Price", "Ticker"]
    assert str(frame.index.tz) == "America/New_York"

    quotes = quotes_from_frame(frame, ["AAPL", "MSFT"])

    assert quotes["AAPL"].price == Decimal("190.2500")
    assert quotes["AAPL"].as_of == datetime(2026, 3, 10, 18, 59, tzinfo=UTC)
    assert quotes["MSFT"].price == Decimal("411.5000")
    assert quotes["MSFT"].as_of == datetime(2026, 3, 10, 18, 58, tzinfo=UTC)
    assert quotes["MSFT"].as_of.utcoffset() == timedelta(0)
    assert {q.source for q in quotes.values()} == {"yfinance"}


def test_winter_bar_time_converts_with_standard_time_offset():
    frame = yf_frames.download(
        {"AAPL": yf_frames.history(minute_rows("2026-01-15 10:00", [180.0]))}
    )
    quote = quotes_from_frame(frame, ["AAPL"])["AAPL"]
    assert quote.as_of == datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # EST is UTC-5


def test_group_by_ticker_layout_reads_the_same():
    frame = two_tickers_frame(group_by="ticker")
    assert list(frame.columns.names) == ["Ticker", "Price"]
    assert quotes_from_frame(frame, ["AAPL", "MSFT"]) == quotes_from_frame(
        two_tickers_frame(), ["AAPL", "MSFT"]
    )


def test_failed_ticker_all_nan_column_is_no_data_never_zero():
    aapl = yf_frames.history(minute_rows("2026-03-10 14:58", [190.0, 190.5]))
    frame = yf_frames.download({"AAPL": aapl, "DELISTED": None})
    assert frame[("Close", "DELISTED")].isna().all()
    assert ("Adj Close", "DELISTED") in frame.columns

    quotes = quotes_from_frame(frame, ["AAPL", "DELISTED"])

    assert set(quotes) == {"AAPL"}


@pytest.mark.parametrize("multi_level_index", [True, False])
def test_single_ticker_frames(multi_level_index):
    aapl = yf_frames.history(minute_rows("2026-03-10 11:00", [189.0, 189.75]))
    frame = yf_frames.download({"AAPL": aapl}, multi_level_index=multi_level_index)
    assert isinstance(frame.columns, pd.MultiIndex) is multi_level_index

    quote = quotes_from_frame(frame, ["AAPL"])["AAPL"]

    assert quote.price == Decimal("189.7500")
    assert quote.as_of == datetime(2026, 3, 10, 15, 1, tzinfo=UTC)


def test_offline_empty_frame_means_no_data():
    frame = yf_frames.download({"AAPL": None, "MSFT": None})
    assert frame.empty
    yf, _ = provider(FakeDownload(frame))
    assert yf.fetch_quotes(["AAPL", "MSFT"]) == {}


@pytest.mark.django_db
def test_offline_refresh_keeps_last_quote_and_marks_provider_unhealthy(aapl):
    Quote.objects.create(
        instrument=aapl,
        price=Decimal("185"),
        currency="USD",
        as_of=NOW - timedelta(days=1),
        source="yfinance",
    )
    offline = yf_frames.download({"AAPL": None})
    yf, _ = provider(FakeDownload(offline))

    report = quotes_fetch(symbols=["AAPL"], provider=yf)

    assert report.missing == ["AAPL"] and not report.stored
    assert "no data" in report.error
    assert list(Quote.objects.values_list("price", flat=True)) == [Decimal("185")]
    health = ProviderHealth.objects.get(provider="yfinance")
    assert (health.failures, health.consecutive_failures) == (1, 1)


def test_prices_are_rounded_to_hundredths_of_a_cent_not_float_noise():
    aapl = yf_frames.history(minute_rows("2026-03-10 14:59", [190.1199951171875]))
    quote = quotes_from_frame(yf_frames.download({"AAPL": aapl}), ["AAPL"])["AAPL"]
    assert quote.price == Decimal("190.1200")


def test_currency_comes_from_the_instrument_else_usd():
    frame = two_tickers_frame()
    quotes = quotes_from_frame(frame, ["AAPL", "MSFT"], {"MSFT": "EUR"})
    assert (quotes["AAPL"].currency, quotes["MSFT"].currency) == ("USD", "EUR")


def test_download_is_asked_for_tz_aware_minute_bars():
    download = FakeDownload(two_tickers_frame())
    yf, _ = provider(download)
    yf.fetch_quotes(["aapl", "msft"])
    call = download.calls[0]
    assert call["ignore_tz"] is False
    assert call["interval"] == "1m"
    assert call["progress"] is False
    assert sorted(call["tickers"]) == ["AAPL", "MSFT"]


def test_symbols_are_deduplicated_upper_cased_and_chunked():
    symbols = [f"S{i:03d}" for i in range(95)]
    requested = symbols + [s.lower() for s in symbols[:10]] + [" s000 "]
    download = FakeDownload(offline_answer)
    yf, sleeps = provider(download, chunk_size=40)

    yf.fetch_quotes(requested)

    sizes = [len(call["tickers"]) for call in download.calls]
    assert sizes == [40, 40, 15]
    fetched = [s for call in download.calls for s in call["tickers"]]
    assert fetched == symbols
    assert sleeps == [1.0, 1.0]  # a pause between chunks, none after the last


def test_chunk_size_and_pause_come_from_settings(settings):
    settings.MARKET_YF_CHUNK_SIZE = 3
    settings.MARKET_YF_CHUNK_PAUSE_SECONDS = 0.25
    download = FakeDownload(offline_answer)
    sleeps = []
    yf = YFinanceProvider(
        download=download, sleep=sleeps.append, cooldown_until=lambda: None
    )
    yf.fetch_quotes(["A", "B", "C", "D"])
    assert [len(c["tickers"]) for c in download.calls] == [3, 1]
    assert sleeps == [0.25]


def http_429():
    response = requests.Response()
    response.status_code = 429
    return requests.HTTPError("429 Client Error: Too Many Requests", response=response)


@pytest.mark.parametrize("rate_limit", [YFRateLimitError, http_429])
def test_rate_limits_are_retried_with_exponential_backoff(rate_limit):
    frame = two_tickers_frame()
    download = FakeDownload(rate_limit(), rate_limit(), rate_limit(), frame)
    yf, sleeps = provider(download, random=lambda: 0.5)

    quotes = yf.fetch_quotes(["AAPL", "MSFT"])

    assert set(quotes) == {"AAPL", "MSFT"}
    assert len(download.calls) == 4
    # Equal jitter: half the cap plus a random share of the other half.
    assert sleeps == [1.5, 3.0, 6.0]


def test_backoff_jitter_varies_and_stays_within_its_cap():
    yf, _ = provider(FakeDownload(None), random=random.Random(7).random)
    delays = [yf.backoff_delay(attempt) for attempt in range(1, 9)]
    caps = [2, 4, 8, 16, 32, 60, 60, 60]
    assert all(cap / 2 <= d <= cap for d, cap in zip(delays, caps, strict=True))
    assert len({round(d / cap, 6) for d, cap in zip(delays, caps, strict=True)}) > 1


def test_rate_limit_recognised_in_its_forms():
    assert is_rate_limit(YFRateLimitError())
    assert is_rate_limit(http_429())
    assert is_rate_limit(SimpleNamespace(status_code=429) and Exception("HTTP 429"))
    assert not is_rate_limit(ValueError("bad frame"))
    assert not is_rate_limit(ConnectionError("connection refused"))


def test_other_errors_are_not_retried():
    download = FakeDownload(ConnectionError("connection refused"))
    yf, sleeps = provider(download)
    with pytest.raises(ProviderError):
        yf.fetch_quotes(["AAPL"])
    assert len(download.calls) == 1 and sleeps == []


def test_one_failing_chunk_does_not_lose_the_others():
    good = two_tickers_frame()
    download = FakeDownload(good, ConnectionError("reset"))
    yf, _ = provider(download, chunk_size=2)
    quotes = yf.fetch_quotes(["AAPL", "MSFT", "NVDA"])
    assert set(quotes) == {"AAPL", "MSFT"}


def test_repeated_rate_limits_start_a_cool_down_keeping_earlier_chunks():
    download = FakeDownload(two_tickers_frame(), YFRateLimitError())
    yf, sleeps = provider(download, chunk_size=2, random=lambda: 1.0)

    with pytest.raises(ProviderCoolingDown) as raised:
        yf.fetch_quotes(["AAPL", "MSFT", "NVDA", "TSLA"])

    assert len(download.calls) == 1 + 4  # first chunk, then four tries
    assert sleeps == [1.0, 2.0, 4.0, 8.0]  # chunk pause, then three backoffs
    assert raised.value.until == NOW + timedelta(minutes=15)
    assert set(raised.value.partial) == {"AAPL", "MSFT"}


@pytest.mark.django_db
def test_cool_down_is_recorded_in_provider_health_and_respected(caplog):
    for symbol in ("AAPL", "MSFT", "NVDA", "TSLA"):
        InstrumentFactory(symbol=symbol)
    download = FakeDownload(two_tickers_frame(), YFRateLimitError())
    yf = YFinanceProvider(
        download=download, sleep=lambda s: None, chunk_size=2, chunk_pause_seconds=0
    )

    report = quotes_fetch(symbols=["AAPL", "MSFT", "NVDA", "TSLA"], provider=yf)

    assert sorted(report.stored) == ["AAPL", "MSFT"]
    assert report.missing == ["NVDA", "TSLA"]
    assert "rate limited" in report.error
    health = ProviderHealth.objects.get(provider="yfinance")
    assert health.cooldown_until == report.cooldown_until
    assert (
        timedelta(minutes=14)
        < health.cooldown_until - datetime.now(UTC)
        <= timedelta(minutes=15)
    )
    assert "YFRateLimitError" in health.last_error
    assert (health.requests, health.failures) == (1, 1)

    calls_before = len(download.calls)
    caplog.set_level(logging.WARNING, logger="market")
    assert yf.fetch_quotes(["AAPL"]) == {}
    again = quotes_fetch(symbols=["AAPL"], provider=yf)

    assert len(download.calls) == calls_before
    assert "cooling down" in again.error
    assert "cooling down" in caplog.text
    assert Quote.objects.count() == 2


@pytest.mark.django_db
def test_cool_down_ends_at_its_time(aapl):
    ProviderHealth.objects.create(
        provider="yfinance", cooldown_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    download = FakeDownload(two_tickers_frame())
    yf = YFinanceProvider(download=download, sleep=lambda s: None)
    report = quotes_fetch(symbols=["AAPL"], provider=yf)
    assert report.stored == ["AAPL"]
    assert ProviderHealth.objects.get().consecutive_failures == 0


def test_daily_bars_from_a_naive_daily_frame():
    days = ["2026-03-06", "2026-03-09", "2026-03-10"]
    aapl = yf_frames.history(
        [
            (d, 100.0 + i, 102.0 + i, 99.0 + i, 101.0 + i, 5_000_000)
            for i, d in enumerate(days)
        ],
        daily=True,
    )
    msft = yf_frames.history(
        [("2026-03-09", 400.0, 405.0, 398.0, 404.0, 2_000_000)], daily=True
    )
    frame = yf_frames.download(
        {"AAPL": aapl, "MSFT": msft, "GONE": None}, ignore_tz=True
    )
    assert frame.index.tz is None

    bars = bars_from_frame(frame, ["AAPL", "MSFT", "GONE"])

    assert [bar.date for bar in bars["AAPL"]] == [
        date(2026, 3, 6),
        date(2026, 3, 9),
        date(2026, 3, 10),
    ]
    assert bars["AAPL"][-1].close == Decimal("103.0000")
    assert bars["AAPL"][-1].volume == 5_000_000
    assert [bar.date for bar in bars["MSFT"]] == [date(2026, 3, 9)]  # NaN days skipped
    assert "GONE" not in bars


def test_bars_are_asked_with_an_inclusive_end():
    download = FakeDownload(offline_answer)
    yf, _ = provider(download)
    yf.fetch_bars(["AAPL"], date(2026, 1, 1), date(2026, 3, 10))
    call = download.calls[0]
    assert (call["start"], call["end"]) == ("2026-01-01", "2026-03-11")
    assert call["interval"] == "1d"


class FakeTicker:
    """Replace ``yfinance.Ticker`` inside ``yf.download``: history from a table."""

    histories: dict = {}

    def __init__(self, ticker):
        self.ticker = ticker.upper()
        self._price_history = None

    def history(self, **kwargs):
        answer = self.histories[self.ticker]
        if isinstance(answer, BaseException):
            raise answer
        return answer.copy()


@pytest.fixture
def fake_ticker(monkeypatch, no_network):
    import yfinance.multi

    monkeypatch.setattr(yfinance.multi, "Ticker", FakeTicker)
    FakeTicker.histories = {}
    return FakeTicker


def test_yf_download_matches_these_frames(fake_ticker):
    """The frames these tests build are the ones the real yf.download returns."""
    aapl = yf_frames.history(minute_rows("2026-03-10 14:57", [190.1, 190.2, 190.25]))
    msft = yf_frames.history(minute_rows("2026-03-10 14:57", [410.0, 411.5]))
    fake_ticker.histories = {
        "AAPL": aapl,
        "MSFT": msft,
        "GONE": ValueError("possibly delisted"),
    }

    real = yf_download(
        tickers=["AAPL", "MSFT", "GONE"],
        period="5d",
        interval="1m",
        group_by="column",
        auto_adjust=True,
        actions=False,
        threads=False,
        ignore_tz=False,
        progress=False,
        multi_level_index=True,
    )
    built = yf_frames.download({"AAPL": aapl, "MSFT": msft, "GONE": None})

    pd.testing.assert_frame_equal(real.sort_index(axis=1), built.sort_index(axis=1))
    assert np.isnan(real[("Close", "GONE")]).all()


def test_yf_download_raises_when_yfinance_swallowed_a_rate_limit(fake_ticker):
    fake_ticker.histories = {
        "AAPL": yf_frames.history(minute_rows("2026-03-10 14:57", [190.1])),
        "MSFT": YFRateLimitError(),
    }
    with pytest.raises(YFRateLimitError):
        yf_download(
            tickers=["AAPL", "MSFT"], period="5d", interval="1m", progress=False
        )
