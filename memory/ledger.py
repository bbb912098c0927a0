"""The ledger: an append-only, hash-chained record of every change to a memory.

Each event holds the memory's state before and after the change. Its hash covers
the previous event's hash and a canonical serialisation of the event, in which the
content (before/after) appears only as a SHA-256 digest: erasure can then remove the
content and keep the digest, and the chain still verifies.

Appends serialise per subject by locking the subject's row, which also carries the
chain's tail (length and head hash): writers to different subjects never wait for
each other, writers to one subject never fork its chain.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from .bulk import (
    copy_instances,
    copy_json,
    copy_lines,
    copy_text,
    next_ids,
    scratch_fill,
)
from .models import CauseType, Memory, MemoryEvent, Subject, canonical_text

GENESIS = "0" * 64
# Appends this large (imports, extraction of transcripts) go in by COPY.
COPY_FROM = 50


@dataclass(frozen=True)
class Cause:
    """Who or what caused a change: a user, a message, a task, an API request..."""

    type: str
    user_id: int | None = None
    message_id: int | None = None
    ref: str = ""

    @classmethod
    def user(cls, user_id: int, ref: str = "") -> "Cause":
        return cls(CauseType.USER, user_id=user_id, ref=ref)

    @classmethod
    def message(cls, message_id: int, ref: str = "") -> "Cause":
        return cls(CauseType.MESSAGE, message_id=message_id, ref=ref)

    @classmethod
    def task(cls, ref: str) -> "Cause":
        return cls(CauseType.TASK, ref=ref)

    @classmethod
    def api(cls, user_id: int, request_id: str) -> "Cause":
        return cls(CauseType.API, user_id=user_id, ref=request_id)

    @classmethod
    def system(cls, ref: str = "") -> "Cause":
        return cls(CauseType.SYSTEM, ref=ref)


def _default(value):
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable in the ledger: {type(value).__name__}")


def canonical(value) -> bytes:
    """Serialise ``value`` the one way the hash chain reads it."""
    return canonical_text(value, default=_default).encode()


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


SNAPSHOT_FIELDS = [
    "kind",
    "key",
    "text",
    "payload",
    "status",
    "importance",
    "confidence",
    "source",
    "author_user_id",
    "author_label",
    "version",
    "superseded_by_id",
    "retention_class",
]
SNAPSHOT_TIMES = ["valid_from", "valid_to", "recorded_at", "expires_at", "published_at"]


def snapshot(memory: Memory, source_message_ids: list[int] | None = None) -> dict:
    """Return the state of a memory as the ledger records it."""
    state = {name: getattr(memory, name) for name in SNAPSHOT_FIELDS}
    state.update({name: iso(getattr(memory, name)) for name in SNAPSHOT_TIMES})
    state["id"] = memory.pk
    state["subject_id"] = memory.subject_id
    if source_message_ids is None:
        source_message_ids = (
            sorted(memory.source_messages.values_list("pk", flat=True))
            if memory.pk
            else []
        )
    state["source_message_ids"] = sorted(source_message_ids)
    # Round-trip through JSON so the digest computed now equals the one computed
    # later from what PostgreSQL gives back.
    return json.loads(canonical(state))


def content_digest(before: dict | None, after: dict | None) -> str:
    """Return the digest of an event's states: SHA-256 of their canonical JSON."""
    return content_digest_of_texts(
        None if before is None else canonical_text(before, default=_default),
        None if after is None else canonical_text(after, default=_default),
    )


def content_digest_of_texts(before: str | None, after: str | None) -> str:
    """Return ``content_digest`` of states already in canonical text: that of
    ``{"after": ..., "before": ...}``, keys sorted, written around them."""
    return hashlib.sha256(
        f'{{"after":{after or "null"},"before":{before or "null"}}}'.encode()
    ).hexdigest()


def _scalar(value: str | int | None) -> str:
    return json.dumps(value, ensure_ascii=False)


class HeaderHasher:
    """Hash event headers that share an action, a cause and a moment.

    An event's hash is the SHA-256 of its header in canonical JSON: ``action``,
    ``cause_message``, ``cause_ref``, ``cause_type``, ``cause_user``, ``content``
    (the content digest), ``memory``, ``occurred_at``, ``prev`` (the previous
    event's hash), ``reason``, ``sequence``, ``subject`` and ``tenant``, keys
    sorted. The header is written as text from pieces made once: a refresh
    hashes a hundred thousand events of one cause and moment.
    """

    def __init__(self, *, action: str, cause: "Cause", occurred_at: datetime):
        self._head = (
            f'{{"action":{_scalar(action)}'
            f',"cause_message":{_scalar(cause.message_id)}'
            f',"cause_ref":{_scalar(cause.ref)}'
            f',"cause_type":{_scalar(cause.type)}'
            f',"cause_user":{_scalar(cause.user_id)}'
            ',"content":'
        )
        self._occurred_at = _scalar(iso(occurred_at))
        self._reasons: dict[str, str] = {}

    def hash(
        self,
        *,
        prev: str,
        subject_id: int,
        tenant_id: int,
        sequence: int,
        memory_id: int | None,
        content: str,
        reason: str,
    ) -> str:
        """Return the hash of one event's header.

        ``prev`` and ``content`` are hexadecimal digests, which JSON writes as
        they are; any other text there (a tampered row) still hashes, only not
        to the hash stored.
        """
        reason_text = self._reasons.get(reason)
        if reason_text is None:
            reason_text = self._reasons[reason] = _scalar(reason)
        header = (
            f'{self._head}"{content}"'
            f',"memory":{"null" if memory_id is None else int(memory_id)}'
            f',"occurred_at":{self._occurred_at},"prev":"{prev}"'
            f',"reason":{reason_text},"sequence":{int(sequence)}'
            f',"subject":{int(subject_id)},"tenant":{int(tenant_id)}}}'
        )
        return hashlib.sha256(header.encode()).hexdigest()


def event_hash(event: MemoryEvent) -> str:
    hasher = HeaderHasher(
        action=event.action,
        cause=Cause(
            event.cause_type,
            user_id=event.cause_user_id,
            message_id=event.cause_message_id,
            ref=event.cause_ref,
        ),
        occurred_at=event.occurred_at,
    )
    return hasher.hash(
        prev=event.prev_hash,
        subject_id=event.subject_id,
        tenant_id=event.tenant_id,
        sequence=event.sequence,
        memory_id=event.memory_id,
        content=event.content_digest,
        reason=event.reason,
    )


def subject_lock(subject_id: int) -> Subject:
    """Lock a subject's row for this transaction: its ledger's writers queue here."""
    return Subject.objects.select_for_update().get(pk=subject_id)


@dataclass
class Entry:
    """One event to append: the memory, the action, its states, and its cause."""

    memory: Memory | None
    action: str
    before: dict | None
    after: dict | None
    reason: str = ""


def append(
    *, subject: Subject, entries: list[Entry], cause: Cause, occurred_at=None
) -> list[MemoryEvent]:
    """Append events to a locked subject's chain, in one INSERT.

    The caller holds the lock from ``subject_lock`` within its transaction.
    """
    occurred_at = occurred_at or timezone.now()
    events = []
    prev = subject.ledger_head or GENESIS
    sequence = subject.ledger_length
    for entry in entries:
        sequence += 1
        event = MemoryEvent(
            subject_id=subject.pk,
            tenant_id=subject.tenant_id,
            sequence=sequence,
            memory=entry.memory,
            action=entry.action,
            before=entry.before,
            after=entry.after,
            content_digest=content_digest(entry.before, entry.after),
            cause_type=cause.type,
            cause_user_id=cause.user_id,
            cause_message_id=cause.message_id,
            cause_ref=cause.ref,
            reason=entry.reason,
            occurred_at=occurred_at,
            prev_hash=prev,
        )
        event.hash = event_hash(event)
        prev = event.hash
        events.append(event)
    if len(events) >= COPY_FROM:
        for event, pk in zip(events, next_ids(MemoryEvent, len(events)), strict=True):
            event.pk = pk
        copy_instances(MemoryEvent, events)
    else:
        MemoryEvent.objects.bulk_create(events)
    subject.ledger_length = sequence
    subject.ledger_head = prev
    Subject.objects.filter(pk=subject.pk).update(
        ledger_length=sequence, ledger_head=prev
    )
    return events


class Draft(NamedTuple):
    """An event for ``chain_drafts``: its states already canonical JSON text."""

    memory_id: int | None
    before: str | None
    after: str | None
    reason: str = ""


@dataclass
class Tail:
    """The end of a locked subject's chain: its length and its last hash."""

    tenant_id: int
    length: int
    head: str


EVENT_COLUMNS = (
    "subject_id",
    "tenant_id",
    "sequence",
    "memory_id",
    "action",
    "before",
    "after",
    "content_digest",
    "cause_type",
    "cause_user_id",
    "cause_message_id",
    "cause_ref",
    "reason",
    "occurred_at",
    "prev_hash",
    "hash",
)


@dataclass
class Chained:
    """Events hashed into their chains, as COPY lines, and the chains' new tails."""

    lines: list[str]
    tails: list[tuple[int, int, str]]


def chain_drafts(
    *,
    tails: dict[int, Tail],
    drafts: dict[int, list[Draft]],
    action: str,
    cause: Cause,
    occurred_at: datetime,
) -> Chained:
    """Hash events of one action and cause into many subjects' chains.

    The same events ``append`` writes (same digests, same hashes), as lines for
    ``chained_write``; ``tails`` move to the chains' new ends. Pure computation:
    the caller holds every subject's lock (``subject_lock``) and writes the
    result in the same transaction.
    """
    hasher = HeaderHasher(action=action, cause=cause, occurred_at=occurred_at)
    fixed = "\t".join(
        map(copy_text, (cause.type, cause.user_id, cause.message_id, cause.ref))
    )
    occurred = occurred_at.isoformat()
    reasons: dict[str, str] = {}
    chained = Chained(lines=[], tails=[])
    lines = chained.lines
    for subject_id, entries in drafts.items():
        if not entries:
            continue
        tail = tails[subject_id]
        prev, sequence, tenant_id = tail.head or GENESIS, tail.length, tail.tenant_id
        for draft in entries:
            sequence += 1
            digest = content_digest_of_texts(draft.before, draft.after)
            event_hash = hasher.hash(
                prev=prev,
                subject_id=subject_id,
                tenant_id=tenant_id,
                sequence=sequence,
                memory_id=draft.memory_id,
                content=digest,
                reason=draft.reason,
            )
            reason = reasons.get(draft.reason)
            if reason is None:
                reason = reasons[draft.reason] = copy_text(draft.reason)
            before = "\\N" if draft.before is None else copy_json(draft.before)
            after = "\\N" if draft.after is None else copy_json(draft.after)
            lines.append(
                f"{subject_id}\t{tenant_id}\t{sequence}\t{copy_text(draft.memory_id)}"
                f"\t{action}\t{before}\t{after}\t{digest}\t{fixed}"
                f"\t{reason}\t{occurred}\t{prev}\t{event_hash}"
            )
            prev = event_hash
        tail.length, tail.head = sequence, prev
        chained.tails.append((subject_id, sequence, prev))
    return chained


def chained_write(cursor, chained: Chained) -> int:
    """Write chained events in one COPY, move their chains' tails; return how many."""
    if not chained.lines:
        return 0
    copy_lines(cursor, MemoryEvent._meta.db_table, EVENT_COLUMNS, chained.lines)
    scratch_fill(
        cursor,
        "ledger_tail",
        "id bigint, length bigint, head text",
        ("id", "length", "head"),
        [f"{pk}\t{length}\t{head}" for pk, length, head in chained.tails],
    )
    cursor.execute(
        "UPDATE memory_subject s SET ledger_length = v.length, ledger_head = v.head "
        "FROM ledger_tail v WHERE s.id = v.id"
    )
    return len(chained.lines)


@dataclass
class ChainReport:
    subject_id: int
    events_checked: int
    broken_event_id: int | None = None
    broken_sequence: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def chain_verify(subject: Subject, *, batch_size: int = 2000) -> ChainReport:
    """Walk a subject's chain and return the first event that does not verify."""
    report = ChainReport(subject_id=subject.pk, events_checked=0)
    prev = GENESIS
    expected_sequence = 0
    events = MemoryEvent.objects.filter(subject_id=subject.pk).order_by("sequence")
    for event in events.iterator(chunk_size=batch_size):
        expected_sequence += 1
        problem = event_problem(event, expected_sequence=expected_sequence, prev=prev)
        if problem:
            report.broken_event_id = event.pk
            report.broken_sequence = event.sequence
            report.problem = problem
            return report
        report.events_checked += 1
        prev = event.hash
    length, head = Subject.objects.values_list("ledger_length", "ledger_head").get(
        pk=subject.pk
    )
    problem = tail_problem(
        events_seen=expected_sequence, prev=prev, length=length, head=head
    )
    if problem:
        report.problem = problem
        report.broken_sequence = expected_sequence + 1
    return report


def event_problem(event: MemoryEvent, *, expected_sequence: int, prev: str) -> str:
    """Return what is wrong with an event at its place in the chain, or ""."""
    if event.sequence != expected_sequence:
        return f"sequence {event.sequence} where {expected_sequence} was due"
    if event.prev_hash != prev:
        return "does not link to the event before it"
    if event.redacted_at is None and event.content_digest != content_digest(
        event.before, event.after
    ):
        return "content does not match its digest"
    if event.hash != event_hash(event):
        return "hash does not match the event"
    return ""


def tail_problem(*, events_seen: int, prev: str, length: int, head: str) -> str:
    """Return what is wrong with the chain's end against the subject's record."""
    if (length, head or GENESIS) == (events_seen, prev):
        return ""
    # Events were removed from the end, or the tail was rewritten.
    return (
        f"the chain ends at event {events_seen} but the subject records {length} events"
    )
