"""Helpers of the assistant and conversation tests: memories, quotes, turns."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from market.models import QuoteSource
from memory.conversations.messages import conversation_start
from memory.conversations.turns import turn_take
from memory.ledger.chain import Cause
from memory.models import Memory
from memory.readings.references import instruments_for_symbols, references_sync
from memory.services import memory_record
from tests.market.factories import QuoteFactory

ADVISOR_CAUSE = Cause.system("test")


def start_chat(subject, title="Chat"):
    return conversation_start(subject=subject, title=title)


def remember(
    subject, kind: str, text: str, payload: dict, *, days_ago: float = 30, **fields
) -> Memory:
    """Record a memory stated some days ago, with its market reference if any."""
    stated = timezone.now() - timedelta(days=days_ago)
    memory = memory_record(
        subject=subject,
        kind=kind,
        text=text,
        payload=payload,
        cause=ADVISOR_CAUSE,
        valid_from=stated,
        recorded_at=stated,
        **fields,
    )
    references_sync(memories=[memory])
    return memory


def quote(symbol: str, price, *, minutes_ago: float = 5, simulated: bool = False):
    """Store a quote of ``symbol`` taken some minutes ago."""
    instrument = instruments_for_symbols([symbol])[symbol]
    return QuoteFactory(
        instrument=instrument,
        price=Decimal(str(price)),
        as_of=timezone.now() - timedelta(minutes=minutes_ago),
        source=QuoteSource.SIMULATED if simulated else QuoteSource.FIXED,
    )


def ask(conversation, user, text: str, **kwargs):
    """Take a chat turn as ``user`` (the advisor, or the analyst)."""
    return turn_take(
        conversation=conversation,
        text=text,
        user_id=user.pk,
        speaker=user.get_full_name() or user.username,
        **kwargs,
    )


def marcus_memories(subject) -> dict[str, Memory]:
    """Give a client a profile, goals, preferences, holdings and a view."""
    return {
        "profile": remember(
            subject,
            "profile",
            "Aggressive risk tolerance, 25-year horizon",
            {"risk_tolerance": "aggressive", "horizon_years": 25},
            key="profile:risk",
        ),
        "goal": remember(
            subject,
            "goal",
            "Wants to buy a cabin for about $400,000 by 2028",
            {"goal": "cabin", "amount": 400000, "target_date": "2028-01-01"},
            key="goal:cabin",
        ),
        "preference": remember(
            subject,
            "preference",
            "Avoids fossil fuels",
            {"topic": "fossil fuels", "polarity": "avoids", "sectors": ["energy"]},
            key="preference:avoid:sector:energy",
        ),
        "nvda": remember(
            subject,
            "holding",
            "Holds 1,300 NVDA in the brokerage account",
            {"instrument": "NVDA", "quantity": 1300, "cost_basis": 50},
            key="holding:NVDA:brokerage",
        ),
        "aapl": remember(
            subject,
            "holding",
            "Holds 200 AAPL in the IRA",
            {"instrument": "AAPL", "quantity": 200, "cost_basis": 150},
            key="holding:AAPL:ira",
        ),
        "tsla": remember(
            subject,
            "view",
            "Bearish on TSLA, target $180 within 6 months",
            {
                "instrument": "TSLA",
                "stance": "bearish",
                "target_price": 180,
                "horizon_months": 6,
            },
            key="view:TSLA",
        ),
    }
