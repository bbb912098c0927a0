"""Replay: the one place that rebuilds memories' states from their events.

An event's ``after`` is the memory's whole state, except a refresh's: that holds
only the reading (``{"reading": ...}``), laid over the state before it. Time
travel (as of a moment, or as of a message of a conversation), the versions a
memory can be restored to, and the version a citation names all read through
here.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Q, QuerySet

from memory.models import (
    Erasure,
    EventAction,
    Memory,
    MemoryEvent,
    MemoryStatus,
    Message,
    Subject,
)

from .canonical import iso
from .chain import GENESIS, event_hash
from .states import snapshot
from .verify import event_content_digest

# Versions a memory can be brought back to: what was said, not a market reading,
# nor a state erasure took away.
NOT_RESTORABLE = (EventAction.REFRESH, EventAction.ERASE)


def replay(events: Iterable[tuple]) -> dict[int, dict]:
    """Lay ``(memory_id, action, after)`` events over one another, oldest first.

    Return ``{memory_id: state}``: each memory as its last event left it.
    """
    states: dict[int, dict] = {}
    last_reading: dict[int, dict] = {}
    for memory_id, action, after in events:
        if memory_id is None:
            continue
        if after is None:
            states.pop(memory_id, None)
        elif action == EventAction.REFRESH:
            last_reading[memory_id] = after["reading"]
            if memory_id in states:
                states[memory_id] = {**states[memory_id], **after}
        else:
            states[memory_id] = after
            if memory_id in last_reading:
                states[memory_id]["reading"] = last_reading[memory_id]
    return states


def _filter(states: dict[int, dict], statuses) -> dict[int, dict]:
    if statuses is None:
        return states
    wanted = {str(s) for s in statuses}
    return {pk: s for pk, s in states.items() if s.get("status") in wanted}


def subject_state_as_of(
    *, subject: Subject, at: datetime, statuses=(MemoryStatus.ACTIVE,)
) -> dict[int, dict]:
    """Reconstruct a subject's memories as they stood at ``at``, from the ledger.

    Return ``{memory_id: state}`` for the memories whose status then was one of
    ``statuses`` (all of them when ``statuses`` is None).
    """
    events = (
        MemoryEvent.objects.filter(subject_id=subject.pk, occurred_at__lte=at)
        .order_by("sequence")
        .values_list("memory_id", "action", "after")
    )
    return _filter(replay(events.iterator(chunk_size=2000)), statuses)


ANCESTRY_SQL = """
WITH RECURSIVE ancestry(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM memory_message WHERE id = %s
    UNION ALL
    SELECT m.id, m.parent_id, a.depth + 1
    FROM memory_message m JOIN ancestry a ON m.id = a.parent_id
)
SELECT id FROM ancestry ORDER BY depth
"""


def message_ancestry(message: Message | int) -> list[int]:
    """Return the ids of a message and every message above it, nearest first.

    One query, however deep the conversation.
    """
    message_id = message if isinstance(message, int) else message.pk
    with connection.cursor() as cursor:
        cursor.execute(ANCESTRY_SQL, [message_id])
        return [row[0] for row in cursor.fetchall()]


def subject_state_as_of_message(
    *, message: Message, statuses=(MemoryStatus.ACTIVE,)
) -> dict[int, dict]:
    """Reconstruct the subject's memories as the conversation stood at ``message``.

    That is every change made up to the message (including what extraction later
    drew from it and from its ancestors), but none caused by later messages or by
    other branches of the conversation. Changes caused by other conversations
    (an imported call, another chat) count like any other change: by when they
    were made.
    """
    ancestry = message_ancestry(message)
    subject_events = MemoryEvent.objects.filter(subject_id=message.subject_id)
    # This conversation's messages off the message's own branch.
    elsewhere = Message.objects.filter(conversation_id=message.conversation_id).exclude(
        pk__in=ancestry
    )
    caused = subject_events.filter(cause_message_id__in=ancestry)
    last_caused = (
        caused.order_by("-sequence").values_list("sequence", flat=True).first()
    )
    last_before = (
        subject_events.filter(occurred_at__lte=message.created_at)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    cutoff = max(last_caused or 0, last_before or 0)
    events = subject_events.filter(sequence__lte=cutoff).filter(
        Q(cause_message_id__isnull=True)
        | ~Q(cause_message_id__in=elsewhere.values("pk"))
    )
    return _filter(replay(latest_events(events)), statuses)


def latest_events(events: QuerySet[MemoryEvent]) -> list[tuple]:
    """Return, of ``events``, what ``replay`` needs to rebuild each memory's end state.

    That is each memory's last event that is not a refresh (its whole state)
    and its last refresh (its reading), oldest first: replaying them gives what
    replaying every event gives, reading only two rows a memory, however many
    times a market refresh read it again.
    """
    rows = []
    for refreshes in (False, True):
        chosen = events.filter(memory_id__isnull=False)
        chosen = (
            chosen.filter(action=EventAction.REFRESH)
            if refreshes
            else chosen.exclude(action=EventAction.REFRESH)
        )
        rows += (
            chosen.order_by("memory_id", "-sequence")
            .distinct("memory_id")
            .values_list("sequence", "memory_id", "action", "after")
        )
    return [row[1:] for row in sorted(rows, key=lambda row: row[0])]


def subject_state_live(*, subject: Subject, statuses=(MemoryStatus.ACTIVE,)) -> dict:
    """Return the live state of a subject's memories in the ledger's own shape.

    That is each memory's snapshot, with its market reading where a refresh
    gave it one, as time travel reconstructs it.
    """
    memories = (
        Memory.objects.filter(subject_id=subject.pk)
        .select_related("market_reference")
        .prefetch_related("source_messages")
    )
    if statuses is not None:
        memories = memories.filter(status__in=statuses)
    states = {}
    for memory in memories:
        state = snapshot(memory, [msg.pk for msg in memory.source_messages.all()])
        if memory.reading:
            state["reading"] = memory.reading
        states[memory.pk] = state
    return states


def memory_state_at_event(*, event: MemoryEvent) -> dict | None:
    """Return the memory's whole state just after ``event``, reading included.

    None when the content was erased (the event keeps only its digest).
    """
    if event.memory_id is None:
        return None
    events = (
        MemoryEvent.objects.filter(
            subject_id=event.subject_id,
            memory_id=event.memory_id,
            sequence__lte=event.sequence,
        )
        .order_by("sequence")
        .values_list("memory_id", "action", "after")
    )
    return replay(events).get(event.memory_id)


def restorable_versions(*, memory: Memory) -> QuerySet[MemoryEvent]:
    """Return the events of a memory whose state it can be brought back to.

    What was said at some version: not a refresh (it changed only the market
    reading), not an erasure, and not a state erasure has removed.
    """
    return (
        MemoryEvent.objects.filter(
            memory_id=memory.pk, after__isnull=False, redacted_at__isnull=True
        )
        .exclude(action__in=NOT_RESTORABLE)
        .order_by("sequence")
    )


def is_restorable(event: MemoryEvent) -> bool:
    """Return whether ``event`` is one of its memory's ``restorable_versions``."""
    return (
        event.after is not None
        and event.redacted_at is None
        and event.action not in NOT_RESTORABLE
    )


# --- Citations -------------------------------------------------------------------

# What names the version a citation relied on; all that stays of it on erasure.
CITATION_IDENTITY = ("memory", "version", "event", "sequence", "hash")


def memory_versions_current(*, memory_ids: Iterable[int]) -> dict[int, MemoryEvent]:
    """Return each memory's newest event: the version a reply relies on now.

    One query (the ``(memory, sequence)`` index); only the event's identity is
    loaded, not its states.
    """
    ids = sorted({int(pk) for pk in memory_ids})
    if not ids:
        return {}
    events = (
        MemoryEvent.objects.filter(memory_id__in=ids)
        .order_by("memory_id", "-sequence")
        .distinct("memory_id")
        .only("id", "memory_id", "subject_id", "sequence", "hash", "action")
    )
    return {event.memory_id: event for event in events}


def _event_verifies(event: MemoryEvent, cited_hash: str) -> bool:
    """Tell whether an event is the one cited and still what the chain says."""
    if event.hash != cited_hash or event_hash(event) != event.hash:
        return False
    # As its chain version reads it: since version 2 the reason is content too.
    if event.redacted_at is None and event.content_digest != event_content_digest(
        event
    ):
        return False
    previous = (
        MemoryEvent.objects.filter(
            subject_id=event.subject_id, sequence=event.sequence - 1
        )
        .values_list("hash", flat=True)
        .first()
    )
    return event.prev_hash == (previous if event.sequence > 1 else GENESIS)


def _erasure_of(event: MemoryEvent) -> dict | None:
    """Return who erased a memory's content, when and why (the ledger says it)."""
    erase = (
        MemoryEvent.objects.filter(memory_id=event.memory_id, action=EventAction.ERASE)
        .order_by("sequence")
        .first()
    )
    subject_erasure = (
        Erasure.objects.filter(subject_id=event.subject_id)
        .order_by("-erased_at")
        .first()
    )
    if erase is None and subject_erasure is None:
        return None
    record = {
        "event": None if erase is None else erase.pk,
        "hash": None if erase is None else erase.hash,
        "erased_at": iso(erase.occurred_at if erase else subject_erasure.erased_at),
        "reason": erase.reason if erase else subject_erasure.reason,
        "cause_type": None if erase is None else erase.cause_type,
        "cause_ref": None if erase is None else erase.cause_ref,
        "requested_by_user_id": None if erase is None else erase.cause_user_id,
        "subject_erasure": None,
    }
    if subject_erasure is not None:
        record["subject_erasure"] = {
            "id": subject_erasure.pk,
            "erased_at": iso(subject_erasure.erased_at),
            "reason": subject_erasure.reason,
            "requested_by_user_id": subject_erasure.requested_by_user_id,
        }
    return record


def citation_resolve(*, citation: dict, tenant_id: int) -> dict:
    """Resolve a reply's citation to what the reply saw, however long ago.

    The cited event is looked up within the tenant and checked against the
    chain (its hash, its content's digest, its link to the event before it).
    A memory superseded or changed since resolves to its state just after the
    cited event (reading included), with what it is now beside it; an erased
    one to the digest the chain keeps and the record of its erasure.
    """
    result = {
        "memory": citation.get("memory"),
        "version": citation.get("version"),
        "event": citation.get("event"),
        "hash": citation.get("hash"),
        "status": "not_found",
        "verified": False,
        "state": None,
        "current": None,
        "digest": None,
        "erasure": None,
    }
    try:
        event_id, memory_id = int(citation["event"]), int(citation["memory"])
    except (KeyError, TypeError, ValueError):
        return result
    event = MemoryEvent.objects.filter(pk=event_id, tenant_id=tenant_id).first()
    if event is None or event.memory_id != memory_id:
        return result
    result["verified"] = _event_verifies(event, str(citation.get("hash") or ""))
    result["digest"] = event.content_digest
    result["current"] = (
        Memory.objects.filter(pk=memory_id)
        .values("status", "version", "superseded_by_id")
        .first()
    )
    if event.redacted_at is not None:
        result["status"] = "erased"
        result["erasure"] = _erasure_of(event)
        return result
    result["status"] = "resolved"
    result["state"] = memory_state_at_event(event=event)
    return result
