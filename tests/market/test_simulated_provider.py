"""The offline simulated provider: a deterministic walk that moves within a day."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from market.providers.simulated import (
    SimulatedProvider,
    pseudo_start_price,
    simulated_quote,
)
from tests.market.factories import InstrumentFactory

TUESDAY_NOON_NY = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)  # 12:00 EDT
ROOT = Path(__file__).resolve().parents[2]


def at(hour, minute=0, day=10):
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_same_symbol_and_moment_give_the_same_price():
    one = SimulatedProvider({"AAPL": 190}, clock=lambda: TUESDAY_NOON_NY)
    two = SimulatedProvider({"AAPL": 190}, clock=lambda: TUESDAY_NOON_NY)
    assert one.fetch_quotes(["AAPL"]) == two.fetch_quotes(["aapl"])


def test_prices_are_the_same_in_another_process_with_another_hash_seed():
    code = (
        "from datetime import datetime, UTC; from decimal import Decimal;"
        "from market.providers.simulated import simulated_quote, pseudo_start_price;"
        "print(simulated_quote('NVDA', datetime(2026, 3, 10, 16, 7, tzinfo=UTC),"
        " Decimal('130'))[0], pseudo_start_price('ZZZZ'))"
    )
    here = f"{simulated_quote('NVDA', at(16, 7), Decimal('130'))[0]} " + str(
        pseudo_start_price("ZZZZ")
    )
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == here


def test_price_moves_within_a_session_and_is_stamped_to_the_minute():
    prices = {simulated_quote("AAPL", at(h, 7), Decimal(190)) for h in (14, 16, 18)}
    assert len({price for price, _ in prices}) == 3
    assert {as_of for _, as_of in prices} == {at(14, 7), at(16, 7), at(18, 7)}


def test_outside_the_session_the_last_close_holds():
    close = simulated_quote("AAPL", at(20, 0), Decimal(190))  # 16:00 EDT
    evening = simulated_quote("AAPL", at(23, 30), Decimal(190))
    next_early_morning = simulated_quote("AAPL", at(12, 0, day=11), Decimal(190))
    assert close == evening == next_early_morning
    assert close[1] == at(20, 0)


def test_weekend_quotes_are_fridays_close():
    friday_close = simulated_quote("AAPL", at(20, 0, day=13), Decimal(190))
    assert simulated_quote("AAPL", at(15, 0, day=14), Decimal(190)) == friday_close
    assert simulated_quote("AAPL", at(22, 0, day=15), Decimal(190)) == friday_close


def test_days_and_symbols_walk_differently():
    base = Decimal(100)
    days = {simulated_quote("AAPL", at(16, 0, day=d), base)[0] for d in (9, 10, 11)}
    names = {simulated_quote(s, TUESDAY_NOON_NY, base)[0] for s in ("A", "B", "C")}
    assert len(days) == 3 and len(names) == 3


def test_walk_stays_near_its_start_for_a_year():
    start = Decimal(250)
    day = datetime(2025, 3, 10, 16, 0, tzinfo=UTC)
    prices = [
        simulated_quote("MSFT", day + timedelta(days=i), start)[0] for i in range(365)
    ]
    assert all(Decimal(125) < p < Decimal(500) for p in prices)
    assert len(set(prices)) > 200


def test_unknown_symbols_get_a_stable_price_between_20_and_500():
    prices = [pseudo_start_price(f"X{i}") for i in range(200)]
    assert all(Decimal(20) <= p <= Decimal(500) for p in prices)
    assert pseudo_start_price("X1") == pseudo_start_price("X1")


@pytest.mark.django_db
def test_the_walk_starts_at_the_instruments_reference_price(no_network):
    InstrumentFactory(symbol="BIG", reference_price=Decimal("5000"))
    InstrumentFactory(symbol="SMALL", reference_price=Decimal("2"))
    provider = SimulatedProvider(clock=lambda: TUESDAY_NOON_NY)

    quotes = provider.fetch_quotes(["BIG", "SMALL", "UNLISTED"])

    assert Decimal(3500) < quotes["BIG"].price < Decimal(7000)
    assert Decimal("1.4") < quotes["SMALL"].price < Decimal("2.8")
    assert Decimal(20) <= quotes["UNLISTED"].price <= Decimal(600)
    assert {q.source for q in quotes.values()} == {"simulated"}


def test_bars_cover_closed_weekday_sessions_only():
    provider = SimulatedProvider({"AAPL": 190}, clock=lambda: TUESDAY_NOON_NY)
    bars = provider.fetch_bars(["AAPL"], date(2026, 3, 5), date(2026, 3, 10))["AAPL"]
    # Thu 5, Fri 6, Mon 9; today's session (Tue 10) has not closed yet.
    assert [b.date for b in bars] == [
        date(2026, 3, 5),
        date(2026, 3, 6),
        date(2026, 3, 9),
    ]
    for b in bars:
        assert b.low <= min(b.open, b.close) <= max(b.open, b.close) <= b.high


def test_bar_close_is_the_sessions_last_quote_and_next_open_follows_it():
    provider = SimulatedProvider({"AAPL": 190}, clock=lambda: at(21, 0, day=10))
    bars = provider.fetch_bars(["AAPL"], date(2026, 3, 9), date(2026, 3, 10))["AAPL"]
    assert bars[0].close == simulated_quote("AAPL", at(20, 0, day=9), Decimal(190))[0]
    assert bars[1].open == bars[0].close
