"""Time travel: the ledger rebuilds a subject's memory as of any time or message."""

import random

import pytest
from django.utils import timezone

from memory.errors import InvalidTransition
from memory.ledger.chain import Cause
from memory.ledger.replay import (
    subject_state_as_of,
    subject_state_as_of_message,
    subject_state_live,
)
from memory.ledger.states import snapshot
from memory.models import Conversation, Memory, MemoryStatus, Message
from memory.selectors import memory_history
from memory.services import (
    memory_approve,
    memory_record,
    memory_reject,
    memory_restore,
    memory_retract,
    memory_supersede,
    memory_update,
    subject_create,
)

pytestmark = pytest.mark.django_db

ADVISOR = Cause.user(7)
KEYS = ["fact:home", "fact:family", "fact:work", ""]


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


def random_operation(rng: random.Random, subject, step: int) -> str:
    """Apply one random change that the memory's status allows; name it."""
    memories = list(Memory.objects.filter(subject=subject).order_by("pk"))
    by_status = {}
    for memory in memories:
        by_status.setdefault(memory.status, []).append(memory)
    active = by_status.get(MemoryStatus.ACTIVE, [])
    proposed = by_status.get(MemoryStatus.PROPOSED, [])
    choices = ["record", "record"]
    choices += ["update", "supersede", "retract"] if active else []
    choices += ["approve", "reject"] if proposed else []
    choices += ["restore"] if memories else []
    operation = rng.choice(choices)
    text = f"Statement {step} {rng.choice(['about home', 'on family', 'at work'])}"
    payload = {"detail": text, "step": step}
    if operation == "record":
        memory_record(
            subject=subject,
            kind="fact",
            key=rng.choice(KEYS),
            text=text,
            payload=payload,
            cause=ADVISOR,
            status=rng.choice([MemoryStatus.ACTIVE, MemoryStatus.PROPOSED]),
            importance=round(rng.random(), 2),
        )
    elif operation == "update":
        memory_update(
            memory=rng.choice(active + proposed),
            cause=ADVISOR,
            text=text,
            payload=payload,
            importance=round(rng.random(), 2),
        )
    elif operation == "supersede":
        memory_supersede(
            memory=rng.choice(active), cause=ADVISOR, text=text, payload=payload
        )
    elif operation == "retract":
        memory_retract(memory=rng.choice(active + proposed), cause=ADVISOR)
    elif operation == "approve":
        memory_approve(memory=rng.choice(proposed), cause=ADVISOR)
    elif operation == "reject":
        memory_reject(memory=rng.choice(proposed), cause=ADVISOR, reason="no")
    else:
        memory = rng.choice(memories)
        event = rng.choice(list(memory_history(memory=memory)))
        try:
            memory_restore(memory=memory, event=event, cause=ADVISOR)
        except InvalidTransition:
            return "restore-refused"
    return operation


@pytest.mark.parametrize("seed", [1, 2026])
def test_state_as_of_any_time_equals_the_live_state_then(subject, seed):
    rng = random.Random(seed)
    moments, lives, operations = [], [], []
    for step in range(80):
        operations.append(random_operation(rng, subject, step))
        moments.append(timezone.now())
        lives.append(subject_state_live(subject=subject, statuses=None))
    # The sequence exercises every kind of change, or the test proves little.
    assert {
        "record",
        "update",
        "supersede",
        "retract",
        "approve",
        "reject",
        "restore",
    } <= set(operations)
    assert len({len(live) for live in lives}) > 10
    for step, (moment, live) in enumerate(zip(moments, lives, strict=True)):
        assert subject_state_as_of(subject=subject, at=moment, statuses=None) == live, (
            f"step {step} ({operations[step]})"
        )
        active = {pk: s for pk, s in live.items() if s["status"] == "active"}
        assert subject_state_as_of(subject=subject, at=moment) == active


def say(conversation, parent, text):
    return Message.objects.create(
        conversation=conversation,
        subject=conversation.subject,
        parent=parent,
        role="user",
        speaker="client",
        text=text,
    )


def fact_from(message, text, **extra):
    return memory_record(
        subject=message.subject,
        kind="fact",
        text=text,
        payload={"detail": text},
        cause=Cause.message(message.pk),
        source="message",
        source_messages=[message],
        **extra,
    )


def test_state_as_of_a_message_ignores_sibling_branches(subject):
    conversation = Conversation.objects.create(subject=subject, title="Review")
    root = say(conversation, None, "We live in Lisbon.")
    home = fact_from(root, "Lives in Lisbon")
    second = say(conversation, root, "We have two children; we bought a boat.")
    memory_update(memory=home, cause=Cause.message(second.pk), importance=0.9)
    children = fact_from(second, "Has two children")
    at_second = subject_state_live(subject=subject, statuses=None)

    branch_a = say(conversation, second, "Planning to retire at 60.")
    retire = fact_from(branch_a, "Retire at 60")
    at_branch_a = subject_state_live(subject=subject, statuses=None)

    # The user edits the second message: a sibling branch with other effects.
    branch_b = say(conversation, second, "Actually, we have three children.")
    memory_supersede(
        memory=children,
        cause=Cause.message(branch_b.pk),
        text="Has three children",
        payload={"detail": "three"},
        source_messages=[branch_b],
    )
    memory_update(memory=home, cause=Cause.message(branch_b.pk), text="Lives in Porto")
    fact_from(branch_b, "Owns a boat")
    at_branch_b = subject_state_live(subject=subject, statuses=None)

    # Back on the first branch, the conversation goes on.
    after_a = say(conversation, branch_a, "And we want a house by the sea.")
    house = fact_from(after_a, "Wants a house by the sea")

    assert subject_state_as_of_message(message=second, statuses=None) == at_second
    assert subject_state_as_of_message(message=branch_a, statuses=None) == at_branch_a
    on_branch_b = {pk: s for pk, s in at_branch_b.items() if pk != retire.pk}
    assert subject_state_as_of_message(message=branch_b, statuses=None) == on_branch_b
    on_branch_a = {**at_branch_a, house.pk: snapshot(house, [after_a.pk])}
    got = subject_state_as_of_message(message=after_a, statuses=None)
    assert got == on_branch_a
    assert got[home.pk]["text"] == "Lives in Lisbon"
    assert got[children.pk]["status"] == "active"
    assert "Owns a boat" not in {s["text"] for s in got.values()}
