"""Helpers of the readings tests: quotes, memories that name instruments, refresh."""

from datetime import UTC, datetime, timedelta

from market import services as market_services
from market.providers.fixed import FixedProvider
from memory.ledger.chain import Cause
from memory.models import (
    MarketReference,
    Memory,
)
from memory.readings.references import references_sync
from memory.readings.refresh import readings_refresh
from memory.services import memory_record

# A Tuesday, 11:00 in New York: the market trades.
OPEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
# A Saturday: it does not.
CLOSED = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
STATED = OPEN - timedelta(days=1)


def store_quote(symbol: str, price, as_of: datetime) -> None:
    """Store a quote the way a refresh does: through the fixed provider."""
    report = market_services.quotes_fetch(
        symbols=[symbol], provider=FixedProvider({symbol: price}, as_of=as_of)
    )
    assert report.stored == [symbol], report


def remember(subject, kind: str, payload: dict, *, stated_at=STATED, text=None):
    memory = memory_record(
        subject=subject,
        kind=kind,
        text=text or f"{kind} of {payload.get('instrument')}",
        payload=payload,
        cause=Cause.system("test"),
        valid_from=stated_at,
        recorded_at=stated_at,
    )
    references_sync(memories=[memory])
    return memory


def holding(subject, **payload):
    return remember(subject, "holding", {"instrument": "AAPL", **payload})


def view(subject, **payload):
    return remember(subject, "view", {"instrument": "TSLA", **payload})


def reading(memory) -> dict:
    return Memory.objects.get(pk=memory.pk).reading


def reference(memory) -> MarketReference:
    return MarketReference.objects.select_related("instrument").get(memory=memory)


def refresh(now=OPEN, **kwargs):
    return readings_refresh(now=now, **kwargs)
