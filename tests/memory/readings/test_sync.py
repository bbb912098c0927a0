"""The market sync: provider faults keep the last good quote; the task retries."""

from datetime import UTC, datetime, timedelta

import pytest

from market import services as market_services
from market.models import ProviderHealth, Quote
from market.providers import ProviderCoolingDown, ProviderError
from market.providers.fixed import FixedProvider
from memory.models import (
    Memory,
    MemoryEvent,
)
from memory.readings.freshness import reference_freshness
from memory.readings.sync import market_sync
from memory.tasks import market_sync_task
from tests.memory.readings.helpers import (
    OPEN,
    STATED,
    holding,
    reading,
    reference,
    refresh,
    store_quote,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "provider",
    [
        FixedProvider({}, error=ProviderError("down")),
        # Slow: it answers only after its timeout (the pause is recorded, not slept).
        FixedProvider(
            {"AAPL": "111"},
            delay_seconds=30,
            sleep=lambda seconds: None,
            error=TimeoutError("read timed out after 30 s"),
        ),
        FixedProvider({"AAPL": float("nan")}),
        FixedProvider({"AAPL": "-5"}),
        FixedProvider({"AAPL": "0"}),
        FixedProvider(
            {},
            error=ProviderCoolingDown(
                "rate limited", until=datetime.now(UTC) + timedelta(hours=1), partial={}
            ),
        ),
    ],
    ids=["down", "slow", "nan", "negative", "zero", "rate-limited"],
)
def test_a_provider_fault_keeps_the_last_good_quote_and_loses_nothing(
    aapl, subject, provider
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    store_quote("AAPL", "110", OPEN)
    refresh()
    events = MemoryEvent.objects.count()

    report = market_sync(provider=provider, now=OPEN + timedelta(hours=2))

    assert report.quotes_stored == 0
    assert report.provider_errors or report.quotes_rejected
    assert Quote.objects.filter(instrument=aapl).latest("as_of").price == 110
    assert reading(memory)["price"] == "110.00"
    assert MemoryEvent.objects.count() == events
    freshness = reference_freshness(reference(memory), now=OPEN + timedelta(hours=2))
    assert freshness["status"] == "stale" and freshness["age"] == "2 hours"
    health = ProviderHealth.objects.get(provider="fixed")
    assert health.last_failure_at is not None or report.quotes_rejected


def test_the_market_task_retries_a_failing_provider(aapl, subject, monkeypatch):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=10)
    broken = FixedProvider({}, error=ProviderError("down"))
    monkeypatch.setattr(market_services, "get_provider", lambda *args: broken)

    conf = market_sync_task.app.conf
    conf.task_eager_propagates = False
    try:
        result = market_sync_task.apply()
    finally:
        conf.task_eager_propagates = True

    assert result.failed() and isinstance(result.result, ProviderError)
    assert len(broken.calls) == 1 + market_sync_task.max_retries
    # The last good quote was still applied on every try.
    assert reading(Memory.objects.get(kind="holding"))["price"] == "100.00"


# --- Tenancy ---------------------------------------------------------------------
