"""Freshness: stale by age or move, on-read refresh, search hits' freshness."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from market import services as market_services
from market.providers.fixed import FixedProvider
from memory.ledger.chain import Cause
from memory.models import (
    MarketReference,
)
from memory.readings.freshness import memories_fresh_for_reply, reference_freshness
from memory.recall.search import memory_search
from memory.services import memory_policy_set, memory_record
from tests.memory.readings.helpers import (
    CLOSED,
    OPEN,
    STATED,
    holding,
    reading,
    reference,
    refresh,
    store_quote,
)

pytestmark = pytest.mark.django_db


def read_at(subject, price, as_of, *, now):
    store_quote("AAPL", price, as_of)
    refresh(now=now)
    return reference(MarketReference.objects.get(subject=subject).memory)


def test_stale_by_age_exactly_at_the_market_hours_limit_is_fresh(aapl, subject):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "100", OPEN, now=OPEN)

    at_limit = reference_freshness(ref, now=OPEN + timedelta(minutes=15))
    past_limit = reference_freshness(ref, now=OPEN + timedelta(minutes=15, seconds=1))

    assert at_limit["status"] == "fresh" and at_limit["reasons"] == []
    assert past_limit["status"] == "stale"
    assert past_limit["age_seconds"] == 15 * 60 + 1
    assert "old" in past_limit["reasons"][0]


def test_stale_by_age_uses_the_closed_market_limit_and_the_firm_policy(aapl, subject):
    memory_policy_set(tenant_id=1, stale_after_minutes=60)
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "100", CLOSED, now=CLOSED)

    assert reference_freshness(ref, now=CLOSED + timedelta(minutes=60))["status"] == (
        "fresh"
    )
    late = reference_freshness(ref, now=CLOSED + timedelta(minutes=61))
    assert late["status"] == "stale"
    assert late["max_age_seconds"] == 3600


@pytest.mark.parametrize(
    ("price", "status"),
    [("105", "fresh"), ("105.01", "stale"), ("95", "fresh"), ("94.99", "stale")],
)
def test_stale_by_a_move_beyond_the_threshold(aapl, subject, price, status):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, price, OPEN, now=OPEN)
    freshness = reference_freshness(ref, now=OPEN)
    assert freshness["status"] == status
    assert freshness["move_since_stated"] == float(Decimal(price) / 100 - 1)


def test_a_tighter_firm_threshold_makes_a_smaller_move_stale(aapl, subject):
    memory_policy_set(tenant_id=1, move_threshold=Decimal("0.02"))
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "102.5", OPEN, now=OPEN)
    assert reference_freshness(ref, now=OPEN)["status"] == "stale"


# --- Alerts ------------------------------------------------------------------------


@pytest.fixture
def no_provider(monkeypatch):
    """A provider that records any call; the on-read path must make none."""
    provider = FixedProvider({"AAPL": "1"})
    monkeypatch.setattr(market_services, "get_provider", lambda *args: provider)
    return provider


def test_on_read_applies_the_newest_stored_quote_without_a_provider(
    aapl, subject, no_provider, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    store_quote("AAPL", "101", OPEN - timedelta(hours=1))
    refresh(now=OPEN - timedelta(hours=1))
    store_quote("AAPL", "102", OPEN - timedelta(minutes=5))

    with django_capture_on_commit_callbacks() as callbacks:
        (fresh,) = memories_fresh_for_reply(memories=[memory], now=OPEN)

    assert no_provider.calls == []
    assert fresh["memory_id"] == memory.pk
    assert fresh["applied"] is True
    assert fresh["status"] == "fresh" and fresh["price"] == "102.00"
    assert fresh["age_seconds"] == 300 and fresh["refresh_queued"] is False
    assert reading(memory)["market_value"] == "1020.00"
    assert callbacks == []


def test_on_read_with_only_an_old_quote_uses_it_says_its_age_and_queues(
    aapl, subject, no_provider, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    plain = memory_record(
        subject=subject,
        kind="fact",
        text="Likes sailing",
        payload={},
        cause=Cause.system(),
    )
    now = OPEN + timedelta(hours=3)

    with django_capture_on_commit_callbacks() as callbacks:
        result = memories_fresh_for_reply(memories=[plain, memory], now=now)

    (fresh,) = result
    assert no_provider.calls == []
    assert fresh["status"] == "stale" and fresh["price"] == "100.00"
    assert fresh["age"] == "27 hours" and fresh["refresh_queued"] is True
    assert len(callbacks) == 1

    # The queued work: fetch the symbol's quote, then re-read its references.
    no_provider.set_price("AAPL", "104", as_of=datetime.now(UTC).replace(microsecond=0))
    callbacks[0]()
    assert [kind for kind, _ in no_provider.calls] == ["quotes"]
    assert reading(memory)["price"] == "104.00"


# --- Faults ---------------------------------------------------------------------


def test_search_hits_carry_their_market_freshness(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10, text="Holds 10 AAPL in the IRA")
    memory_record(
        subject=subject,
        kind="fact",
        text="Holds season tickets",
        payload={},
        cause=Cause.system(),
    )
    store_quote("AAPL", "100", datetime.now(UTC) - timedelta(minutes=1))
    refresh(now=datetime.now(UTC))

    hits = memory_search(subject=subject, query="holds")

    by_id = {hit.memory.pk: hit for hit in hits}
    assert by_id[memory.pk].freshness["symbol"] == "AAPL"
    assert by_id[memory.pk].freshness["price"] == "100.00"
    assert [hit.freshness for hit in hits if hit.memory.pk != memory.pk] == [None]
