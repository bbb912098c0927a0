"""Market references: stated prices, references that follow their memory."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import message_extract
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import (
    MarketAlert,
    MarketReference,
    MemoryEvent,
    StatedPriceSource,
)
from memory.services import memory_record
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


def test_a_reference_takes_the_quote_known_when_the_memory_was_stated(aapl, subject):
    store_quote("AAPL", "95", STATED - timedelta(days=2))
    store_quote("AAPL", "100", STATED - timedelta(minutes=5))
    store_quote("AAPL", "120", STATED + timedelta(hours=1))  # after: not the stated

    ref = reference(holding(subject, quantity=10, cost_basis=50))

    assert ref.stated_price == Decimal("100")
    assert ref.stated_price_source == StatedPriceSource.QUOTE_AT_STATEMENT
    assert ref.stated_price_as_of == STATED - timedelta(minutes=5)
    assert ref.stated_at == STATED
    assert ref.tenant_id == subject.tenant_id and ref.subject_id == subject.pk


def test_without_a_quote_then_the_first_quote_after_is_used_and_said(aapl, subject):
    memory = holding(subject, quantity=10)
    assert reference(memory).stated_price is None
    assert reference(memory).stated_price_source == StatedPriceSource.PENDING

    store_quote("AAPL", "130", OPEN)
    report = refresh()

    ref = reference(memory)
    assert report.stated_prices_filled == 1
    assert ref.stated_price == Decimal("130")
    assert ref.stated_price_source == StatedPriceSource.FIRST_QUOTE_AFTER
    assert reading(memory)["stated_price"] == "130.00"


def test_a_holding_recorded_by_hand_gets_its_reference_and_is_read_once_committed(
    aapl, subject, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    store_quote("AAPL", "104", datetime.now(UTC) - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        memory = memory_record(
            subject=subject,
            kind="holding",
            text="Holds 10 AAPL",
            payload={"instrument": "AAPL", "quantity": 10},
            cause=Cause.user(7),
            valid_from=STATED,
        )
        # The write itself waits on no refresh.
        assert reading(memory) == {}

    assert len(callbacks) == 1
    assert reference(memory).stated_price == Decimal("100")
    assert reading(memory)["price"] == "104.00"
    assert reading(memory)["market_value"] == "1040.00"
    event = MemoryEvent.objects.get(memory=memory, action="refresh")
    assert event.cause_ref == "memory changed"


def test_correcting_a_holding_s_instrument_moves_its_reference(
    aapl, tsla, subject, django_capture_on_commit_callbacks
):
    from memory.services import memory_update

    store_quote("AAPL", "100", STATED)
    store_quote("TSLA", "200", STATED)
    memory = holding(subject, quantity=2)
    store_quote("AAPL", "110", OPEN)
    refresh()
    assert reading(memory)["instrument"] == "AAPL"

    with django_capture_on_commit_callbacks(execute=True):
        memory_update(
            memory=memory,
            payload={"instrument": "TSLA", "quantity": 2},
            text="Holds 2 TSLA",
            cause=Cause.user(7),
        )

    moved = reference(memory)
    assert moved.instrument.symbol == "TSLA"
    assert moved.stated_price == Decimal("200")
    assert moved.crossed == [] or all("TSLA" not in key for key in moved.crossed)
    # The AAPL reading ended with its own event; the TSLA one followed.
    refreshes = list(
        MemoryEvent.objects.filter(memory=memory, action="refresh").order_by("sequence")
    )
    ended = [e for e in refreshes if e.after == {"reading": {}}]
    assert len(ended) == 1 and "from AAPL to TSLA" in ended[0].reason
    assert reading(memory)["instrument"] == "TSLA"
    assert reading(memory)["price"] == "200.00"
    assert chain_verify(subject).ok


def test_a_moved_reference_raises_its_new_instrument_s_alerts(
    aapl, tsla, subject, django_capture_on_commit_callbacks
):
    """AAPL rose past 5 %; corrected to TSLA, TSLA rising past 5 % is news too."""
    from memory.services import memory_update

    store_quote("AAPL", "100", STATED)
    store_quote("TSLA", "200", STATED)
    memory = holding(subject, quantity=2)
    store_quote("AAPL", "110", OPEN)
    assert refresh().alerts == 1
    with django_capture_on_commit_callbacks(execute=True):
        memory_update(
            memory=memory,
            payload={"instrument": "TSLA", "quantity": 2},
            text="Holds 2 TSLA",
            cause=Cause.user(7),
        )

    store_quote("TSLA", "220", OPEN + timedelta(hours=1))
    assert refresh(now=OPEN + timedelta(hours=1)).alerts == 1

    alerts = MarketAlert.objects.order_by("pk")
    assert [(a.instrument.symbol, a.threshold_key) for a in alerts] == [
        ("AAPL", "up:5%"),
        ("TSLA", "up:5%"),
    ]
    assert "TSLA rose 10%" in alerts[1].message
    store_quote("TSLA", "225", OPEN + timedelta(hours=2))
    assert refresh(now=OPEN + timedelta(hours=2)).alerts == 0


def test_extraction_gives_a_stated_holding_its_reference(aapl, subject):
    store_quote("AAPL", "180", datetime.now(UTC) - timedelta(minutes=1))
    conversation = conversation_start(subject=subject)
    message = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text="I bought 200 shares of Apple at $150 in my IRA.",
        extract=False,
    )
    message_extract(message=message)

    ref = MarketReference.objects.get(subject=subject)
    assert ref.memory.kind == "holding"
    assert ref.instrument.symbol == "AAPL"
    assert ref.stated_price == Decimal("180")  # the market's price, not the cost
    assert ref.memory.payload["cost_basis"] == 150


# --- Derived values --------------------------------------------------------------
