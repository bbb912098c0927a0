"""Reading quotes and history: latest quotes in one query, ages, market hours."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from market.models import PriceBar
from market.selectors import is_market_open, latest_quotes, price_history, quote_age
from tests.market.factories import InstrumentFactory, QuoteFactory

T0 = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.django_db
def test_latest_quotes_returns_each_newest_quote_in_one_query(
    django_assert_num_queries,
):
    instruments = [InstrumentFactory(symbol=s) for s in ("AAPL", "MSFT", "NVDA")]
    for n, instrument in enumerate(instruments):
        for minutes in (0, 30, 10):
            QuoteFactory(
                instrument=instrument,
                price=Decimal(100 + n * 10 + minutes),
                as_of=T0 + timedelta(minutes=minutes),
            )

    with django_assert_num_queries(1):
        latest = latest_quotes(symbols=["aapl", "MSFT", "NVDA", "NONE"])
        symbols = {quote.instrument.symbol for quote in latest.values()}

    assert symbols == {"AAPL", "MSFT", "NVDA"}
    assert {s: q.price for s, q in latest.items()} == {
        "AAPL": Decimal(130),
        "MSFT": Decimal(140),
        "NVDA": Decimal(150),
    }


@pytest.mark.django_db
def test_latest_quotes_by_instrument_ids_and_source(django_assert_num_queries):
    aapl = InstrumentFactory(symbol="AAPL")
    QuoteFactory(instrument=aapl, price=Decimal(1), as_of=T0, source="simulated")
    QuoteFactory(instrument=aapl, price=Decimal(2), as_of=T0 + timedelta(minutes=1))

    with django_assert_num_queries(1):
        simulated = latest_quotes(instrument_ids=[aapl.id], source="simulated")
    assert simulated["AAPL"].price == Decimal(1)
    assert latest_quotes(instrument_ids=[aapl.id])["AAPL"].price == Decimal(2)


def test_latest_quotes_needs_a_filter():
    with pytest.raises(ValueError):
        latest_quotes()


def test_quote_age():
    quote = QuoteFactory.build(as_of=T0)
    assert quote_age(quote, T0 + timedelta(minutes=20)) == timedelta(minutes=20)
    assert quote_age(quote, T0 - timedelta(minutes=5)) == timedelta(0)


@pytest.mark.parametrize(
    ("local", "open_"),
    [
        (datetime(2026, 3, 10, 9, 29), False),
        (datetime(2026, 3, 10, 9, 30), True),
        (datetime(2026, 3, 10, 15, 59, 59), True),
        (datetime(2026, 3, 10, 16, 0), False),
        (datetime(2026, 3, 14, 11, 0), False),  # Saturday
        (datetime(2026, 3, 15, 11, 0), False),  # Sunday
        (datetime(2026, 3, 16, 11, 0), True),  # Monday
    ],
)
def test_regular_session_in_new_york(local, open_):
    instrument = InstrumentFactory.build(symbol="AAPL")
    assert is_market_open(instrument, local.replace(tzinfo=NEW_YORK)) is open_


def test_the_same_utc_time_is_before_the_open_in_winter_and_after_it_in_summer():
    instrument = InstrumentFactory.build(symbol="AAPL")
    assert not is_market_open(instrument, datetime(2026, 1, 15, 14, 0, tzinfo=UTC))
    assert is_market_open(instrument, datetime(2026, 7, 15, 14, 0, tzinfo=UTC))


def test_a_moment_in_another_zone_is_converted():
    instrument = InstrumentFactory.build(symbol="AAPL")
    tokyo = ZoneInfo("Asia/Tokyo")
    # Wednesday 00:30 in Tokyo is Tuesday 11:30 in New York.
    assert is_market_open(instrument, datetime(2026, 3, 11, 0, 30, tzinfo=tokyo))


def test_exchange_time_zone_of_the_instrument_is_used():
    london = InstrumentFactory.build(symbol="VOD", exchange_timezone="Europe/London")
    assert is_market_open(london, datetime(2026, 3, 10, 10, 0, tzinfo=UTC))
    assert not is_market_open(
        InstrumentFactory.build(symbol="X"), datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    )


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        is_market_open(
            InstrumentFactory.build(symbol="AAPL"), datetime(2026, 3, 10, 12)
        )


@pytest.mark.django_db
def test_price_history_is_the_range_oldest_first():
    aapl = InstrumentFactory(symbol="AAPL")
    other = InstrumentFactory(symbol="MSFT")
    for day in (12, 10, 11, 9):
        for instrument in (aapl, other):
            PriceBar.objects.create(
                instrument=instrument,
                date=date(2026, 3, day),
                open=1,
                high=1,
                low=1,
                close=day,
                source="fixed",
            )
    history = price_history(
        symbol="aapl", start=date(2026, 3, 10), end=date(2026, 3, 12)
    )
    assert [(b.date.day, b.close) for b in history] == [(10, 10), (11, 11), (12, 12)]
