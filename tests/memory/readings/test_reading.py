"""Readings: what a quote says of a holding or a view."""

from datetime import UTC, datetime, timedelta

import pytest

from memory.ledger.canonical import iso
from memory.models import (
    MarketAlert,
    Memory,
)
from tests.memory.readings.helpers import (
    OPEN,
    STATED,
    holding,
    reading,
    refresh,
    store_quote,
    view,
)

pytestmark = pytest.mark.django_db


def test_a_holding_reads_its_market_value_and_unrealised_gain(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=200, cost_basis=150, account="ira")
    store_quote("AAPL", "190.5", OPEN)

    refresh()

    assert reading(memory) == {
        "instrument": "AAPL",
        "price": "190.50",
        "currency": "USD",
        "as_of": iso(OPEN),
        "source": "fixed",
        "simulated": False,
        "stated_price": "100.00",
        "move_since_stated": 0.905,
        "quantity": 200,
        "cost_basis": "150.00",
        "market_value": "38100.00",
        "unrealised_gain": "8100.00",
        "unrealised_gain_pct": 0.27,
    }
    after = Memory.objects.get(pk=memory.pk)
    # What was said stays: only the reading moves.
    assert after.text == memory.text and after.payload == memory.payload


def test_a_holding_without_cost_basis_has_no_gain(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=3)
    store_quote("AAPL", "90", OPEN)
    refresh()
    assert reading(memory)["market_value"] == "270.00"
    assert "unrealised_gain" not in reading(memory)
    assert reading(memory)["move_since_stated"] == -0.1


def test_a_view_reads_its_move_and_distance_to_target(tsla, subject):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=200)
    store_quote("TSLA", "125", OPEN)

    refresh()

    got = reading(memory)
    assert got["move_since_stated"] == 0.25
    assert got["distance_to_target"] == 0.6  # (200 - 125) / 125
    assert got["target_reached"] is False
    assert got["invalidated"] is False
    assert got["stance"] == "bullish" and got["target_price"] == "200.00"


@pytest.mark.parametrize(
    ("stance", "target", "price", "reached"),
    [
        ("bullish", 120, "119.99", False),
        ("bullish", 120, "120", True),
        ("bearish", 80, "80.01", False),
        ("bearish", 80, "80", True),
    ],
)
def test_target_reached_at_the_target_in_the_view_direction(
    tsla, subject, stance, target, price, reached
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance=stance, target_price=target)
    store_quote("TSLA", price, OPEN)
    refresh()
    assert reading(memory)["target_reached"] is reached
    assert MarketAlert.objects.filter(kind="target_reached").exists() is reached


@pytest.mark.parametrize(
    ("stance", "price", "invalidated"),
    [
        ("bullish", "90", False),  # exactly twice the 5 % threshold: not more
        ("bullish", "89.99", True),
        ("bearish", "110", False),
        ("bearish", "110.01", True),
        ("neutral", "89.99", True),
        ("neutral", "110.01", True),
        ("neutral", "109", False),
    ],
)
def test_a_view_is_invalidated_by_a_move_against_it_beyond_twice_the_threshold(
    tsla, subject, stance, price, invalidated
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance=stance)
    store_quote("TSLA", price, OPEN)
    refresh()
    got = reading(memory)
    assert got["invalidated"] is invalidated
    assert bool(got["invalidated_reason"]) is invalidated
    assert MarketAlert.objects.filter(kind="invalidated").exists() is invalidated


def test_a_view_is_invalidated_when_its_horizon_passes_without_the_target(
    tsla, subject
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=150, horizon_months=1)
    store_quote("TSLA", "101", OPEN)

    refresh(now=STATED + timedelta(days=20))
    assert reading(memory)["invalidated"] is False
    assert reading(memory)["horizon_date"] == "2026-04-09"

    refresh(now=datetime(2026, 4, 10, 12, tzinfo=UTC))
    assert reading(memory)["invalidated"] is True
    assert "horizon" in reading(memory)["invalidated_reason"]


def test_a_reached_target_is_not_invalidated_by_a_later_fall(tsla, subject):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=110)
    store_quote("TSLA", "111", OPEN)
    refresh()
    store_quote("TSLA", "80", OPEN + timedelta(hours=1))
    refresh(now=OPEN + timedelta(hours=1))
    assert reading(memory)["target_reached"] is True
    assert reading(memory)["invalidated"] is False


# --- Staleness -------------------------------------------------------------------
