"""As of a message: other conversations' changes count by their time, and two
events a memory rebuild its state as fast as every event would."""

import random
from datetime import timedelta

import pytest

from memory.conversations.imports import import_index, transcript_import
from memory.conversations.messages import conversation_start, message_append
from memory.ledger.chain import Cause
from memory.ledger.replay import (
    latest_events,
    replay,
    restorable_versions,
    subject_state_as_of_message,
)
from memory.models import Memory, MemoryEvent
from memory.services import (
    memory_record,
    memory_restore,
    memory_retract,
    memory_supersede,
    memory_update,
    subject_create,
)
from tests.memory.readings.helpers import OPEN, holding, refresh, store_quote

pytestmark = pytest.mark.django_db


def test_a_chat_as_of_its_message_sees_what_an_earlier_import_taught():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(
        subject=subject,
        turns=[
            {
                "speaker": "client",
                "text": "I own 1,200 shares of Nvidia at $45 in my brokerage account.",
                "occurred_at": "2025-03-01T10:00:00Z",
            }
        ],
        index=False,
    )
    import_index(job=job)
    chat = conversation_start(subject=subject, title="Chat")
    asked = message_append(
        conversation=chat, role="user", speaker="advisor", text="What does he hold?"
    )
    later = conversation_start(subject=subject, title="Later call")
    said = message_append(conversation=later, role="user", speaker="c", text="Hi")
    memory_record(
        subject=subject,
        kind="fact",
        text="Said hello later",
        payload={},
        cause=Cause.message(said.pk),
    )
    texts = {s["text"] for s in subject_state_as_of_message(message=asked).values()}
    # What the import's extraction drew, caused by another conversation's message.
    assert any("NVDA" in text for text in texts)
    # A change another conversation made afterwards is not yet there.
    assert "Said hello later" not in texts
    texts = {s["text"] for s in subject_state_as_of_message(message=said).values()}
    assert "Said hello later" in texts


def test_the_latest_events_replay_to_what_every_event_replays_to():
    """Two rows a memory stand for its whole history, refreshes and all."""
    subject = subject_create(tenant_id=1, kind="client")
    rng = random.Random(11)
    now = OPEN
    for _ in range(80):
        now += timedelta(minutes=20)
        active = list(Memory.objects.filter(subject=subject, status="active"))
        choice = rng.choice(["record", "refresh", "refresh", "change", "end", "back"])
        if choice == "record" or not active:
            holding(subject, quantity=rng.randint(1, 500), cost_basis=100)
        elif choice == "refresh":
            store_quote("AAPL", rng.choice(["90", "101.5", "120", "150"]), now)
            refresh(now=now)
        elif choice == "change":
            memory = rng.choice(active)
            payload = {**memory.payload, "quantity": rng.randint(1, 500)}
            if rng.random() < 0.5:
                memory_update(memory=memory, cause=Cause.user(1), payload=payload)
            else:
                memory_supersede(
                    memory=memory, cause=Cause.user(1), text="Restated", payload=payload
                )
        elif choice == "end":
            memory_retract(memory=rng.choice(active), cause=Cause.user(1))
        else:
            memory = Memory.objects.filter(subject=subject).order_by("?").first()
            versions = list(restorable_versions(memory=memory))
            if versions:
                memory_restore(
                    memory=memory, event=rng.choice(versions), cause=Cause.user(1)
                )
    events = MemoryEvent.objects.filter(subject=subject)
    assert events.filter(action="refresh").count() > 10
    last = events.order_by("-sequence").values_list("sequence", flat=True).first()
    for cutoff in range(1, last + 1, 7):
        upto = events.filter(sequence__lte=cutoff)
        every = replay(
            upto.order_by("sequence").values_list("memory_id", "action", "after")
        )
        assert replay(latest_events(upto)) == every, cutoff
