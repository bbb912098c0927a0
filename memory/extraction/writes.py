"""Write what a reconciliation decided, set-based: one pass for many messages.

The extraction's own service, as ``episodes_create`` is the episodes': rows are
built and checked as the services check them (``reconcile``), then written
together under the subject's lock — the new memories in one COPY, the changed
ones in one UPDATE, their source links in one INSERT, and their ledger events,
each caused by its message, hashed into the chain and appended in one COPY.
"""

from datetime import datetime

from django.db import connection, transaction

from memory.bulk import copy_instances
from memory.ledger.canonical import canonical
from memory.ledger.chain import (
    Cause,
    Chained,
    Draft,
    Entry,
    Tail,
    append_many,
    chain_drafts,
)
from memory.models import Memory, MemoryStatus, Subject
from memory.readings.references import references_follow
from memory.recall.indexing import embeddings_prepare, embeddings_queue

from .reconcile import Plan

EXTRACTION_REF = "extraction"
CHANGED_FIELDS = ["status", "valid_to", "superseded_by", "updated_at"]


@transaction.atomic
def plan_apply(*, subject: Subject, plan: Plan, occurred_at: datetime) -> None:
    """Write a plan's memories and append their events to the locked subject.

    ``subject`` is the row ``subject_lock`` returned in this transaction: its
    chain's tail moves with the events appended.
    """
    if plan.empty:
        return
    created = plan.created
    created_ids = {memory.pk for memory in created}
    if created:
        # Vectors are made before the INSERT so each row is written once.
        embeddings_prepare(created)
        copy_instances(Memory, created)
        through = Memory.source_messages.through
        through.objects.bulk_create(
            [through(memory_id=m, message_id=msg) for m, msg in plan.links]
        )
    changed = [m for pk, m in plan.changed.items() if pk not in created_ids]
    if changed:
        Memory.objects.bulk_update(changed, CHANGED_FIELDS)
    entries_append(subject=subject, entries=plan.entries, occurred_at=occurred_at)
    references_follow(
        memories=[
            m
            for m in created
            if m.status in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED)
        ]
    )
    embeddings_queue(created)


def _text(state: dict | None) -> str | None:
    return None if state is None else canonical(state).decode()


def entries_append(
    *, subject: Subject, entries: list[tuple[int, Entry]], occurred_at: datetime
) -> int:
    """Append events to a locked subject's chain, each caused by its message.

    ``entries`` are (message id, entry) in the order they happened; the events
    of one message share its cause. Return how many were appended.
    """
    if not entries:
        return 0
    tail = Tail(subject.tenant_id, subject.ledger_length, subject.ledger_head)
    tails = {subject.pk: tail}
    lines: list[str] = []
    for message_id, group in _by_message(entries):
        chained = chain_drafts(
            tails=tails,
            drafts={
                subject.pk: [
                    Draft(
                        None if entry.memory is None else entry.memory.pk,
                        _text(entry.before),
                        _text(entry.after),
                        entry.reason,
                        entry.action,
                    )
                    for entry in group
                ]
            },
            cause=Cause.message(message_id, ref=EXTRACTION_REF),
            occurred_at=occurred_at,
        )
        lines.extend(chained.lines)
    with connection.cursor() as cursor:
        written = append_many(
            cursor,
            Chained(lines=lines, tails=[(subject.pk, tail.length, tail.head)]),
        )
    subject.ledger_length, subject.ledger_head = tail.length, tail.head
    return written


def _by_message(entries: list[tuple[int, Entry]]):
    """Group consecutive entries by their message, keeping their order."""
    group: list[Entry] = []
    current = None
    for message_id, entry in entries:
        if group and message_id != current:
            yield current, group
            group = []
        current = message_id
        group.append(entry)
    if group:
        yield current, group
