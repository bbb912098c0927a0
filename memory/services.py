"""Writes to the memory engine. No other code saves a memory model.

Every change to a memory appends its event to the subject's ledger within the same
transaction, under the subject's lock: there is no write without its record.
"""

import json
from collections.abc import Iterable
from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef
from django.utils import timezone

from .errors import InvalidMemory, InvalidTransition, NotFound, SubjectErased
from .ledger.chain import Cause, Entry, append, subject_lock
from .ledger.replay import is_restorable
from .ledger.states import snapshot
from .models import (
    EventAction,
    Memory,
    MemoryEvent,
    MemoryKind,
    MemoryPolicy,
    MemorySource,
    MemoryStatus,
    Message,
    ProposalAction,
    Subject,
)
from .payloads import payload_clean
from .readings.references import references_follow
from .recall.indexing import embeddings_prepare, embeddings_queue
from .selectors import memory_slot_holders


@transaction.atomic
def subject_create(*, tenant_id: int, kind: str) -> Subject:
    subject = Subject(tenant_id=tenant_id, kind=kind)
    subject.full_clean()
    subject.save()
    return subject


def memory_policy_get(*, tenant_id: int) -> MemoryPolicy:
    """Return the tenant's memory policy, or the defaults if it never set one."""
    policy = MemoryPolicy.objects.filter(tenant_id=tenant_id).first()
    return policy or MemoryPolicy(tenant_id=tenant_id)


@transaction.atomic
def memory_policy_set(*, tenant_id: int, **fields) -> MemoryPolicy:
    policy, _ = MemoryPolicy.objects.get_or_create(tenant_id=tenant_id)
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    return policy


def _full_clean(memory: Memory) -> None:
    try:
        memory.full_clean(exclude=["subject", "superseded_by", "embedding"])
    except ValidationError as error:
        raise InvalidMemory(
            {
                name: [str(m) for m in messages]
                for name, messages in error.message_dict.items()
            }
        ) from error
    if not memory.text.strip():
        raise InvalidMemory({"text": "must not be empty"})
    if not 0 <= memory.importance <= 1:
        raise InvalidMemory({"importance": "must be between 0 and 1"})
    if not 0 <= memory.confidence <= 1:
        raise InvalidMemory({"confidence": "must be between 0 and 1"})
    if memory.valid_to and memory.valid_from and memory.valid_to < memory.valid_from:
        raise InvalidMemory({"valid_to": "must not be before valid_from"})


def _writable(subject: Subject) -> Subject:
    locked = subject_lock(subject.pk)
    if locked.erased_at is not None:
        raise SubjectErased("This subject's memory was erased; it takes no new memory.")
    return locked


def _build(
    *,
    subject: Subject,
    kind: str,
    text: str,
    payload: dict | None,
    source: str,
    key: str = "",
    status: str = MemoryStatus.ACTIVE,
    importance: float = 0.5,
    confidence: float = 1.0,
    valid_from: datetime | None = None,
    recorded_at: datetime | None = None,
    author_user_id: int | None = None,
    author_label: str = "",
    retention_class: str | None = None,
    expires_at: datetime | None = None,
    proposal_action: str = "",
) -> Memory:
    now = timezone.now()
    memory = Memory(
        subject=subject,
        tenant_id=subject.tenant_id,
        kind=kind,
        key=key[:200],
        text=(text or "").strip(),
        payload=payload_clean(kind, payload),
        status=status,
        importance=importance,
        confidence=confidence,
        valid_from=valid_from or now,
        recorded_at=recorded_at or now,
        source=source,
        author_user_id=author_user_id,
        author_label=author_label,
        expires_at=expires_at,
        proposal_action=proposal_action,
        created_at=now,
        updated_at=now,
    )
    if retention_class:
        memory.retention_class = retention_class
    _full_clean(memory)
    return memory


@transaction.atomic
def memory_record(
    *,
    subject: Subject,
    kind: str,
    text: str,
    payload: dict | None,
    cause: Cause,
    source: str = MemorySource.MANUAL,
    source_messages: Iterable[Message] = (),
    **fields,
) -> Memory:
    """Record a new memory of a subject, with its ``create`` event.

    ``fields`` are the optional ones of ``Memory``: key, status (active or
    proposed), importance, confidence, valid_from, recorded_at, author_user_id,
    author_label, retention_class, expires_at.
    """
    locked = _writable(subject)
    memory = _build(
        subject=locked, kind=kind, text=text, payload=payload, source=source, **fields
    )
    if memory.status not in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED):
        raise InvalidMemory({"status": "a new memory is active or proposed"})
    if memory.status == MemoryStatus.ACTIVE and memory.proposal_action:
        raise InvalidMemory({"proposal_action": "only a proposed memory has one"})
    if memory.status == MemoryStatus.PROPOSED and not memory.proposal_action:
        memory.proposal_action = ProposalAction.RECORD
    embeddings_prepare([memory])
    memory.save()
    embeddings_queue([memory])
    message_ids = _link_messages(memory, source_messages)
    append(
        subject=locked,
        entries=[
            Entry(memory, EventAction.CREATE, None, snapshot(memory, message_ids))
        ],
        cause=cause,
    )
    references_follow(memories=[memory])
    return memory


def _link_messages(memory: Memory, messages: Iterable[Message]) -> list[int]:
    ids = sorted({m.pk for m in messages})
    if ids:
        memory.source_messages.add(*ids)
    return ids


def _reload_for_change(memory: Memory) -> tuple[Subject, Memory, dict]:
    locked = _writable(memory.subject)
    current = Memory.objects.select_for_update().get(pk=memory.pk)
    return locked, current, snapshot(current)


def _after(current: Memory, before: dict) -> dict:
    """Snapshot a memory after a change that left its source messages alone."""
    # Reusing the ids read for ``before`` saves a query per snapshot.
    return snapshot(current, before["source_message_ids"])


def _reembed_if_reworded(memory: Memory, before: dict) -> None:
    """A memory's vector follows its words: remake it (or drop it to be remade)."""
    if memory.text == before.get("text"):
        return
    if not embeddings_prepare([memory]):
        memory.embedding = None
        memory.embedding_model = ""


def _save_with_event(
    subject: Subject,
    memory: Memory,
    action: str,
    before: dict,
    cause: Cause,
    reason: str = "",
) -> None:
    """Save a changed memory and append the event recording the change."""
    _reembed_if_reworded(memory, before)
    memory.updated_at = timezone.now()
    memory.save()
    embeddings_queue([memory])
    append(
        subject=subject,
        entries=[Entry(memory, action, before, _after(memory, before), reason)],
        cause=cause,
    )


@transaction.atomic
def memory_update(
    *,
    memory: Memory,
    cause: Cause,
    text: str | None = None,
    payload: dict | None = None,
    reason: str = "",
    **fields,
) -> Memory:
    """Correct a memory in place (a new version of the same fact), with its event.

    For a statement that replaces an earlier one in the world, use
    ``memory_supersede``: that keeps both.
    """
    subject, current, before = _reload_for_change(memory)
    if current.status not in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED):
        raise InvalidTransition(
            f"A {current.status} memory cannot be edited; restore a version instead.",
            extra={"memory_id": current.pk, "status": current.status},
        )
    if text is not None:
        current.text = text.strip()
    if payload is not None:
        current.payload = payload_clean(current.kind, payload)
    for name, value in fields.items():
        if name not in {
            "importance",
            "confidence",
            "valid_from",
            "key",
            "retention_class",
            "expires_at",
        }:
            raise InvalidMemory({name: "cannot be changed by an update"})
        setattr(current, name, value)
    _full_clean(current)
    after_probe = _after(current, before)
    if {**after_probe, "version": 0} == {**before, "version": 0}:
        return current  # nothing changed: no new version, no event
    current.version += 1
    _save_with_event(subject, current, EventAction.UPDATE, before, cause, reason)
    references_follow(memories=[current])
    return current


@transaction.atomic
def memory_supersede(
    *,
    memory: Memory,
    cause: Cause,
    text: str,
    payload: dict | None,
    source: str = MemorySource.MANUAL,
    source_messages: Iterable[Message] = (),
    reason: str = "",
    **fields,
) -> Memory:
    """Record what replaces ``memory`` in the world; the old one is closed, not lost.

    The old memory's validity ends where the new one's begins, it links to its
    successor, and both stay in history.
    """
    subject, current, before = _reload_for_change(memory)
    if current.status != MemoryStatus.ACTIVE:
        raise InvalidTransition(
            f"Only an active memory can be superseded; this one is {current.status}.",
            extra={"memory_id": current.pk, "status": current.status},
        )
    fields.setdefault("key", current.key)
    fields.setdefault("importance", current.importance)
    successor = _build(
        subject=subject,
        kind=current.kind,
        text=text,
        payload=payload,
        source=source,
        **fields,
    )
    embeddings_prepare([successor])
    successor.save()
    embeddings_queue([successor])
    message_ids = _link_messages(successor, source_messages)
    append(
        subject=subject,
        entries=[
            Entry(
                successor,
                EventAction.CREATE,
                None,
                snapshot(successor, message_ids),
            ),
            _close_superseded(current, before, successor=successor, reason=reason),
        ],
        cause=cause,
    )
    references_follow(memories=[successor])
    return successor


def _close_superseded(
    holder: Memory, before: dict, *, successor: Memory, reason: str = ""
) -> Entry:
    """Close a memory its successor replaces in the world; return its event.

    Its validity ends where the successor's begins, and it links to it. The
    caller holds both rows locked and appends the entry.
    """
    holder.status = MemoryStatus.SUPERSEDED
    holder.valid_to = max(successor.valid_from, holder.valid_from)
    holder.superseded_by = successor
    holder.updated_at = timezone.now()
    holder.save()
    return Entry(holder, EventAction.SUPERSEDE, before, _after(holder, before), reason)


@transaction.atomic
def memory_retract(
    *, memory: Memory, cause: Cause, reason: str = "", valid_to: datetime | None = None
) -> Memory:
    """Mark a memory as no longer true (or never true), keeping it in history."""
    subject, current, before = _reload_for_change(memory)
    _retract_in_place(current, valid_to or timezone.now())
    _save_with_event(subject, current, EventAction.RETRACT, before, cause, reason)
    return current


@transaction.atomic
def memory_approve(
    *,
    memory: Memory,
    cause: Cause,
    text: str | None = None,
    payload: dict | None = None,
) -> Memory:
    """Apply a proposed memory, optionally edited.

    A proposal to record supersedes what holds its slot, as ``memory_supersede``
    closes it; a proposal to retract retracts what holds its slot with
    ``memory_retract``, as of when it was said, and is then ``applied``.
    """
    subject, current, before = _reload_for_change(memory)
    if current.status != MemoryStatus.PROPOSED:
        raise InvalidTransition(
            f"Only a proposed memory can be approved; this one is {current.status}.",
            extra={"memory_id": current.pk, "status": current.status},
        )
    if text is not None:
        current.text = text.strip()
    if payload is not None:
        current.payload = payload_clean(current.kind, payload)
    retracting = current.proposal_action == ProposalAction.RETRACT
    holders = (
        memory_slot_holders(subject_id=subject.pk, key=current.key, for_update=True)
        if current.key
        else []
    )
    current.status = MemoryStatus.APPLIED if retracting else MemoryStatus.ACTIVE
    current.version += 1
    current.updated_at = timezone.now()
    _full_clean(current)
    _reembed_if_reworded(current, before)
    current.save()
    embeddings_queue([current])
    entries = [Entry(current, EventAction.APPROVE, before, _after(current, before))]
    if not retracting:
        entries += [
            _close_superseded(holder, snapshot(holder), successor=current)
            for holder in holders
            if holder.pk != current.pk and holder.key == current.key
        ]
    append(subject=subject, entries=entries, cause=cause)
    if retracting:
        for holder in holders:
            memory_retract(memory=holder, cause=cause, valid_to=current.valid_from)
    else:
        references_follow(memories=[current])
    return current


@transaction.atomic
def memory_reject(*, memory: Memory, cause: Cause, reason: str = "") -> Memory:
    subject, current, before = _reload_for_change(memory)
    if current.status != MemoryStatus.PROPOSED:
        raise InvalidTransition(
            f"Only a proposed memory can be rejected; this one is {current.status}.",
            extra={"memory_id": current.pk, "status": current.status},
        )
    current.status = MemoryStatus.REJECTED
    current.valid_to = timezone.now()
    _save_with_event(subject, current, EventAction.REJECT, before, cause, reason)
    return current


RESTORABLE = [
    "text",
    "payload",
    "status",
    "importance",
    "confidence",
    "key",
    "retention_class",
]


def _why_not_restorable(event: MemoryEvent) -> str:
    if event.redacted_at is not None:
        return "That version's content was erased; it cannot be restored."
    if event.action == EventAction.REFRESH:
        return (
            "A refresh changed only the market reading, not what was said: "
            "choose a version it followed."
        )
    return "That event has no recorded state to restore."


@transaction.atomic
def memory_restore(
    *,
    memory: Memory,
    event: MemoryEvent,
    cause: Cause,
    reason: str = "",
    action: str = EventAction.RESTORE,
) -> Memory:
    """Bring a memory back to the version recorded after ``event``, as a new event.

    History is not rewritten: the restore is one more version, pointing back.
    """
    subject, current, before = _reload_for_change(memory)
    _restore_in_place(current, event)
    _save_with_event(subject, current, action, before, cause, reason)
    references_follow(memories=[current])
    return current


def _restore_in_place(memory: Memory, event: MemoryEvent) -> None:
    """Lay the version ``event`` recorded over a memory locked for it (checked
    to be that memory's and restorable, then validated); not saved."""
    if event.memory_id != memory.pk:
        raise NotFound("That version belongs to another memory.")
    if not is_restorable(event):
        raise InvalidTransition(
            _why_not_restorable(event), extra={"event_id": event.pk}
        )
    _state_apply(memory, event.after)
    _full_clean(memory)


def _state_apply(memory: Memory, state: dict) -> None:
    """Lay a recorded version's restorable fields over a memory: a new version."""
    for name in RESTORABLE:
        setattr(memory, name, state[name])
    memory.proposal_action = state.get("proposal_action", "")
    for name in ("valid_from", "valid_to", "expires_at"):
        value = state.get(name)
        setattr(memory, name, datetime.fromisoformat(value) if value else None)
    if memory.status == MemoryStatus.ACTIVE:
        memory.superseded_by = None
    memory.version += 1


# --- Many memories of one subject at once (a conversation's rollback) ------------


def _locked_many(subject: Subject, memory_ids: Iterable[int]):
    """Lock a subject and some of its memories; return them with their sources."""
    locked = _writable(subject)
    ids = sorted(set(memory_ids))
    through = Memory.source_messages.through
    # Each memory's source messages come with it: one round trip, not two.
    sources_of = ArraySubquery(
        through.objects.filter(memory_id=OuterRef("pk")).values("message_id")
    )
    memories = {
        memory.pk: memory
        # Vectors are most of a row's bytes, and no change here reads them.
        for memory in Memory.objects.select_for_update()
        .filter(subject_id=locked.pk, pk__in=ids)
        .defer("embedding", "search_vector")
        .annotate(source_ids=sources_of)
        .order_by("pk")
    }
    missing = [pk for pk in ids if pk not in memories]
    if missing:
        raise NotFound(
            "Those memories are not this subject's.", extra={"memory_ids": missing}
        )
    sources = {pk: list(memory.source_ids) for pk, memory in memories.items()}
    return locked, memories, sources


# (column, SQL type) written for many memories at once by ``_columns_write``.
RESTORED_COLUMNS = [
    ("text", "text"),
    ("payload", "jsonb"),
    ("status", "text"),
    ("importance", "float8"),
    ("confidence", "float8"),
    ("key", "text"),
    ("retention_class", "text"),
    ("proposal_action", "text"),
    ("valid_from", "timestamptz"),
    ("valid_to", "timestamptz"),
    ("expires_at", "timestamptz"),
    ("superseded_by_id", "bigint"),
    ("version", "integer"),
    ("updated_at", "timestamptz"),
]


def _columns_write(memories: list[Memory], columns: list[tuple[str, str]]) -> None:
    """Write some columns of many memories in one UPDATE, each row its own values.

    Django's ``bulk_update`` builds a CASE per column per row: for a rollback's
    hundreds of rows it costs more than all the rest of the rollback.
    """
    if not memories:
        return
    arrays = [[memory.pk for memory in memories]]
    for column, kind in columns:
        values = [getattr(memory, column) for memory in memories]
        if kind == "jsonb":
            values = [json.dumps(value) for value in values]
        arrays.append(values)
    names = ["id", *(column for column, _ in columns)]
    types = ["bigint", *("text" if kind == "jsonb" else kind for _, kind in columns)]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    assignments = ", ".join(
        f"{column} = v.{column}" + ("::jsonb" if kind == "jsonb" else "")
        for column, kind in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE memory_memory m SET {assignments} "
            f"FROM unnest({unnest}) AS v({', '.join(names)}) WHERE m.id = v.id",
            arrays,
        )


# A service of the rollback's own transaction: it fails with it, whole, so it
# needs no savepoint of its own (two round trips saved).
@transaction.atomic(savepoint=False)
def memories_revert(
    *,
    subject: Subject,
    retract: Iterable[int] = (),
    restore: dict[int, MemoryEvent] | None = None,
    cause: Cause,
    reason: str = "",
) -> list[MemoryEvent]:
    """Retract some memories of one subject and bring others back to recorded
    versions, as ``memory_retract`` and ``memory_restore`` do each.

    ``restore`` maps each memory's id to the event whose state it returns to.
    One lock, one read, one write and one append for them all; return the
    events: the retractions, then the restores, each in the order of the
    memories' ids.
    """
    retract, restore = set(retract), restore or {}
    if retract & set(restore):
        raise InvalidMemory({"memory_ids": "a memory is retracted or restored"})
    if not retract and not restore:
        return []
    locked, memories, sources = _locked_many(subject, [*retract, *restore])
    now = timezone.now()
    retractions, restores, reworded = [], [], []
    for memory in memories.values():
        before = snapshot(memory, sources[memory.pk])
        if memory.pk in retract:
            _retract_in_place(memory, now)
            memory.updated_at = now
            retractions.append(
                Entry(
                    memory, EventAction.RETRACT, before, _after(memory, before), reason
                )
            )
            continue
        _restore_in_place(memory, restore[memory.pk])
        memory.updated_at = now
        if memory.text != before["text"]:
            reworded.append(memory)
        restores.append(
            Entry(memory, EventAction.RESTORE, before, _after(memory, before), reason)
        )
    if reworded and not embeddings_prepare(reworded):
        for memory in reworded:
            memory.embedding, memory.embedding_model = None, ""
    # One UPDATE for both: a retracted row carries its own values for the
    # columns only a restore changes.
    _columns_write(list(memories.values()), RESTORED_COLUMNS)
    if reworded:
        Memory.objects.bulk_update(reworded, ["embedding", "embedding_model"])
        embeddings_queue(reworded)
    events = append(
        subject=locked, entries=retractions + restores, cause=cause, occurred_at=now
    )
    references_follow(memories=[entry.memory for entry in restores])
    return events


def _retract_in_place(memory: Memory, valid_to: datetime) -> None:
    """Retract a memory locked for it, true until ``valid_to`` (never before it
    became true); not saved."""
    if memory.status not in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED):
        raise InvalidTransition(
            f"A {memory.status} memory cannot be retracted.",
            extra={"memory_id": memory.pk, "status": memory.status},
        )
    memory.status = MemoryStatus.RETRACTED
    memory.valid_to = (
        max(valid_to, memory.valid_from) if memory.valid_from else valid_to
    )


@transaction.atomic
def view_publish(*, memory: Memory, cause: Cause, publish: bool = True) -> Memory:
    """Publish an analyst's active view as the firm's house view (or withdraw it)."""
    subject, current, before = _reload_for_change(memory)
    if current.kind != MemoryKind.VIEW or subject.kind != "analyst":
        raise InvalidTransition("Only an analyst's view can be a house view.")
    if current.status != MemoryStatus.ACTIVE:
        raise InvalidTransition(f"A {current.status} view cannot be published.")
    if bool(current.published_at) == publish:
        return current
    current.published_at = timezone.now() if publish else None
    current.version += 1
    reason = "published as house view" if publish else "house view withdrawn"
    _save_with_event(subject, current, EventAction.UPDATE, before, cause, reason)
    return current


SUMMARY_KIND_ORDER = ["profile", "goal", "preference", "holding", "view", "fact"]


@transaction.atomic
def subject_summary_consolidate(*, subject: Subject) -> Subject:
    """Rewrite a subject's profile summary from its active semantic memories."""
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    memories = subject.memories.filter(status=MemoryStatus.ACTIVE).exclude(
        kind=MemoryKind.EPISODE
    )
    by_kind: dict[str, list[str]] = {}
    for memory in memories.order_by("-importance", "-recorded_at").only("kind", "text"):
        by_kind.setdefault(memory.kind, []).append(memory.text)
    lines = []
    for kind in SUMMARY_KIND_ORDER:
        if by_kind.get(kind):
            lines.append(f"{MemoryKind(kind).label}: " + "; ".join(by_kind[kind][:8]))
    subject.summary = "\n".join(lines)
    subject.summary_updated_at = timezone.now()
    subject.save(update_fields=["summary", "summary_updated_at"])
    return subject
