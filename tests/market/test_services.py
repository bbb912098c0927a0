"""Quote and bar refreshes: validation, de-duplication, faults, provider health."""

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from market.instruments import DEFAULT_INSTRUMENTS
from market.models import Instrument, PriceBar, ProviderHealth, Quote
from market.providers import BarData, ProviderError
from market.providers.fixed import FixedProvider
from market.selectors import latest_quotes
from market.services import bars_backfill, instruments_ensure, quotes_fetch
from tests.market.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
NOON = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def test_quotes_are_stored_with_utc_time_currency_and_source(aapl):
    new_york = ZoneInfo("America/New_York")
    as_of = datetime(2026, 3, 10, 10, 30, tzinfo=new_york)

    report = quotes_fetch(
        symbols=["AAPL"], provider=FixedProvider({"AAPL": "190.25"}, as_of=as_of)
    )

    assert report.stored == ["AAPL"] and report.ok
    quote = Quote.objects.get()
    assert quote.price == Decimal("190.25")
    assert quote.as_of == datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    assert quote.as_of.utcoffset() == timedelta(0)
    assert (quote.currency, quote.source) == ("USD", "fixed")


def test_currency_is_the_instruments():
    InstrumentFactory(symbol="SAP", currency="EUR", exchange="XETRA")
    quotes_fetch(symbols=["SAP"], provider=FixedProvider({"SAP": 120}, as_of=NOON))
    assert Quote.objects.get().currency == "EUR"


def test_symbols_are_deduplicated_and_unknown_ones_reported_not_fetched(aapl):
    provider = FixedProvider({"AAPL": 190, "ZZZZ": 5}, as_of=NOON)

    report = quotes_fetch(symbols=["aapl", "AAPL", " aapl ", "zzzz"], provider=provider)

    assert report.requested == ["AAPL", "ZZZZ"]
    assert report.unknown == ["ZZZZ"]
    assert provider.calls == [("quotes", ["AAPL"])]
    assert Quote.objects.count() == 1


def test_the_same_moment_is_stored_once(aapl):
    provider = FixedProvider({"AAPL": 190}, as_of=NOON)
    quotes_fetch(symbols=["AAPL"], provider=provider)

    again = quotes_fetch(symbols=["AAPL"], provider=provider)

    assert again.duplicates == ["AAPL"] and again.stored == []
    assert Quote.objects.count() == 1


@pytest.mark.parametrize(
    "garbage",
    [float("nan"), Decimal("NaN"), 0, "0.0000001", -5, float("inf"), "-Infinity", 1e12],
    ids=[
        "nan",
        "decimal-nan",
        "zero",
        "rounds-to-zero",
        "negative",
        "inf",
        "-inf",
        "huge",
    ],
)
def test_garbage_prices_are_rejected_logged_and_the_last_good_quote_kept(
    aapl, caplog, garbage
):
    quotes_fetch(symbols=["AAPL"], provider=FixedProvider({"AAPL": 190}, as_of=MORNING))
    caplog.set_level(logging.WARNING, logger="market")

    report = quotes_fetch(
        symbols=["AAPL"], provider=FixedProvider({"AAPL": garbage}, as_of=NOON)
    )

    assert "AAPL" in report.rejected and report.stored == []
    assert "Rejected fixed quote for AAPL" in caplog.text
    latest = latest_quotes(symbols=["AAPL"])["AAPL"]
    assert (latest.price, latest.as_of) == (Decimal("190"), MORNING)
    assert Quote.objects.count() == 1


def test_a_quote_from_the_future_is_rejected(aapl):
    future = datetime.now(UTC) + timedelta(hours=1)
    report = quotes_fetch(
        symbols=["AAPL"], provider=FixedProvider({"AAPL": 190}, as_of=future)
    )
    assert "future" in report.rejected["AAPL"]
    assert not Quote.objects.exists()


def test_one_garbage_price_does_not_stop_the_good_ones(aapl, msft):
    provider = FixedProvider({"AAPL": float("nan"), "MSFT": 410}, as_of=NOON)
    report = quotes_fetch(symbols=["AAPL", "MSFT"], provider=provider)
    assert report.stored == ["MSFT"] and list(report.rejected) == ["AAPL"]


def test_provider_failure_keeps_last_quote_records_health_and_is_reported(aapl):
    quotes_fetch(symbols=["AAPL"], provider=FixedProvider({"AAPL": 190}, as_of=MORNING))
    broken = FixedProvider({}, error=ProviderError("upstream down"))

    report = quotes_fetch(symbols=["AAPL"], provider=broken)

    assert "upstream down" in report.error and not report.ok
    assert report.missing == ["AAPL"]
    assert latest_quotes(symbols=["AAPL"])["AAPL"].price == Decimal("190")
    health = ProviderHealth.objects.get(provider="fixed")
    assert (health.requests, health.failures, health.consecutive_failures) == (2, 1, 1)
    assert health.last_error.endswith("upstream down")
    assert health.last_failure_at is not None


def test_provider_failure_is_raised_when_asked(aapl):
    broken = FixedProvider({}, error=TimeoutError("slow"))
    with pytest.raises(TimeoutError):
        quotes_fetch(symbols=["AAPL"], provider=broken, raise_errors=True)
    # Recorded even though the caller got the exception.
    assert ProviderHealth.objects.get(provider="fixed").failures == 1


def test_a_success_clears_the_run_of_failures(aapl):
    for _ in range(3):
        quotes_fetch(symbols=["AAPL"], provider=FixedProvider({}, error=OSError("x")))
    quotes_fetch(symbols=["AAPL"], provider=FixedProvider({"AAPL": 1}, as_of=NOON))
    health = ProviderHealth.objects.get(provider="fixed")
    assert (health.requests, health.failures, health.consecutive_failures) == (4, 3, 0)
    assert health.last_success_at > health.last_failure_at


def test_slow_provider_is_waited_for_through_the_injected_sleep(aapl):
    waits = []
    provider = FixedProvider(
        {"AAPL": 1}, as_of=NOON, delay_seconds=30, sleep=waits.append
    )
    quotes_fetch(symbols=["AAPL"], provider=provider)
    assert waits == [30]


def test_refresh_uses_the_configured_provider(aapl, settings):
    settings.MARKET_QUOTE_PROVIDER = "simulated"
    report = quotes_fetch(symbols=["AAPL"])
    assert report.provider == "simulated"
    assert Quote.objects.get().source == "simulated"


def test_instruments_ensure_creates_then_updates():
    instruments_ensure(
        specs=[{"symbol": "abc", "name": "ABC Corp", "aliases": ["Abc"]}]
    )
    instruments_ensure(specs=[{"symbol": "ABC", "reference_price": 12.5}])

    instrument = Instrument.objects.get()
    assert instrument.symbol == "ABC"
    assert (instrument.name, instrument.aliases) == ("ABC Corp", ["Abc"])
    assert instrument.reference_price == Decimal("12.5")


def test_instruments_ensure_rejects_an_invalid_spec_whole():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        instruments_ensure(
            specs=[{"symbol": "OK", "name": "Fine"}, {"symbol": "BAD", "name": ""}]
        )
    assert not Instrument.objects.exists()


def test_default_instruments_are_all_valid_and_unambiguous():
    symbols = [spec["symbol"] for spec in DEFAULT_INSTRUMENTS]
    assert len(symbols) >= 60 and len(set(symbols)) == len(symbols)
    aliases = [a.lower() for spec in DEFAULT_INSTRUMENTS for a in spec["aliases"]]
    assert len(aliases) == len(set(aliases)), "an alias names two instruments"
    assert {"Alphabet", "Google"} <= set(
        next(s for s in DEFAULT_INSTRUMENTS if s["symbol"] == "GOOGL")["aliases"]
    )

    instruments_ensure(specs=DEFAULT_INSTRUMENTS)
    instruments_ensure(specs=DEFAULT_INSTRUMENTS)  # idempotent

    assert Instrument.objects.count() == len(symbols)
    assert not Instrument.objects.filter(reference_price__isnull=True).exists()


def bar(day, o, h, low, c, volume=1000, symbol="AAPL"):
    return BarData(
        symbol, day, Decimal(o), Decimal(h), Decimal(low), Decimal(c), volume, "fixed"
    )


def test_backfill_stores_bars_and_corrects_a_day_stored_before_its_close(aapl):
    first = FixedProvider(
        {},
        bars={
            "AAPL": [
                bar(date(2026, 3, 9), 1, 2, 1, 2),
                bar(date(2026, 3, 10), 2, 3, 2, 2.5),
            ]
        },
    )
    bars_backfill(symbols=["AAPL"], days=5, provider=first, today=date(2026, 3, 10))
    later = FixedProvider({}, bars={"AAPL": [bar(date(2026, 3, 10), 2, 4, 2, 3.5)]})

    report = bars_backfill(
        symbols=["AAPL"], days=5, provider=later, today=date(2026, 3, 10)
    )

    assert report.bars_written == {"AAPL": 1}
    closes = dict(PriceBar.objects.values_list("date", "close"))
    assert closes == {date(2026, 3, 9): Decimal("2"), date(2026, 3, 10): Decimal("3.5")}


def test_backfill_rejects_broken_bars(aapl, caplog):
    provider = FixedProvider(
        {},
        bars={
            "AAPL": [
                bar(date(2026, 3, 5), 10, 9, 8, 10),  # high below open
                bar(date(2026, 3, 6), 10, 11, 9, float("nan")),
                bar(date(2026, 3, 9), 10, 11, 0, 10),  # zero low
                bar(date(2026, 3, 10), 10, 11, 9, 10.5),
            ]
        },
    )
    report = bars_backfill(
        symbols=["AAPL"], days=10, provider=provider, today=date(2026, 3, 10)
    )
    assert report.rejected == 3
    assert list(PriceBar.objects.values_list("date", flat=True)) == [date(2026, 3, 10)]
    assert "Rejected fixed bar of AAPL" in caplog.text


def test_backfill_asks_for_the_window_of_days(aapl):
    provider = FixedProvider({"AAPL": 100})
    report = bars_backfill(
        symbols=["AAPL"], days=7, provider=provider, today=date(2026, 3, 10)
    )
    assert (report.start, report.end) == (date(2026, 3, 3), date(2026, 3, 10))
    assert PriceBar.objects.count() == 6  # weekdays from Tue 3 to Tue 10 March


def test_backfill_provider_failure_is_reported(aapl):
    report = bars_backfill(
        symbols=["AAPL"], provider=FixedProvider({}, error=ProviderError("down"))
    )
    assert "down" in report.error and not PriceBar.objects.exists()
