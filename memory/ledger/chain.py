"""The chain: causes, the subject lock, and the appends every change goes through.

Each event's hash covers the previous event's hash and its canonical header, in
which the content appears only as its digest (``canonical``). Since chain
version 2 the content is the states before and after *and the reason*: a reason
is typed by people ("client asked to drop it: moving to Lisbon"), and erasure
must be able to remove it while the chain still verifies. Version 1 events (the
reason hashed as text in the header) keep verifying as they were written; every
new event is version 2 (``CHAIN_VERSION``), its version in its header.
Appends serialise per subject by locking the subject's row, which also carries
the chain's tail (length and head hash): writers to different subjects never
wait for each other, writers to one subject never fork its chain.

There is one way to hash events (``chain_drafts``) and one way to write them
(``append_many``, a COPY): ``append`` (a service's few events of one subject)
and the market refresh (a hundred thousand events of many subjects) both use it.
Only a handful of one subject's events (a turn's episode) go in one INSERT
that moves the tail too: the same rows, in one round trip instead of three.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import connection
from django.utils import timezone

from memory.bulk import copy_json, copy_lines, copy_text, next_ids, scratch_fill
from memory.models import CauseType, Memory, MemoryEvent, Subject

from .canonical import (
    _default,
    canonical_text,
    content_digest_of_texts,
    iso,
    reason_text,
)

GENESIS = "0" * 64
# The header layout new events are written in; ``verify`` reads every version.
CHAIN_VERSION = 2


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


def _scalar(value: str | int | None) -> str:
    return json.dumps(value, ensure_ascii=False)


class HeaderHasher:
    """Hash event headers that share an action, a cause and a moment.

    An event's hash is the SHA-256 of its header in canonical JSON: ``action``,
    ``cause_message``, ``cause_ref``, ``cause_type``, ``cause_user``, ``content``
    (the content digest), ``memory``, ``occurred_at``, ``prev`` (the previous
    event's hash), ``sequence``, ``subject``, ``tenant`` and ``version`` (2),
    keys sorted; the reason is inside the content digest. A version 1 header
    has ``reason`` (as text) between ``prev`` and ``sequence``, and no
    ``version``. The header is written as text from pieces made once: a refresh
    hashes a hundred thousand events of one cause and moment.
    """

    def __init__(
        self,
        *,
        action: str,
        cause: "Cause",
        occurred_at: datetime,
        version: int = CHAIN_VERSION,
    ):
        if version not in (1, 2):
            raise ValueError(f"no chain version {version}")
        self._version = version
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
        reason: str = "",
    ) -> str:
        """Return the hash of one event's header.

        ``prev`` and ``content`` are hexadecimal digests, which JSON writes as
        they are; any other text there (a tampered row) still hashes, only not
        to the hash stored. ``reason`` is read by version 1 headers only.
        """
        if self._version == 1:
            reason_json = self._reasons.get(reason)
            if reason_json is None:
                reason_json = self._reasons[reason] = _scalar(reason)
            middle = f',"reason":{reason_json},"sequence":{int(sequence)}'
            end = "}"
        else:
            middle = f',"sequence":{int(sequence)}'
            end = ',"version":2}'
        header = (
            f'{self._head}"{content}"'
            f',"memory":{"null" if memory_id is None else int(memory_id)}'
            f',"occurred_at":{self._occurred_at},"prev":"{prev}"{middle}'
            f',"subject":{int(subject_id)},"tenant":{int(tenant_id)}{end}'
        )
        return hashlib.sha256(header.encode()).hexdigest()


def event_hash(event: MemoryEvent) -> str:
    """Return the hash an event's own columns give (``verify`` compares it)."""
    hasher = HeaderHasher(
        action=event.action,
        cause=Cause(
            event.cause_type,
            user_id=event.cause_user_id,
            message_id=event.cause_message_id,
            ref=event.cause_ref,
        ),
        occurred_at=event.occurred_at,
        version=event.chain_version,
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


class Draft(NamedTuple):
    """An event to chain: its memory, its states as canonical JSON text, why.

    ``action`` is the draft's own, or (None) the one ``chain_drafts`` is given.
    """

    memory_id: int | None
    before: str | None
    after: str | None
    reason: str = ""
    action: str | None = None


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
    "chain_version",
)


@dataclass
class Chained:
    """Events hashed into their chains, as COPY lines, and the chains' new tails.

    ``events`` holds, per line, what a caller may want back of the event:
    (subject, sequence, memory, action, digest, prev, hash).
    """

    lines: list[str]
    tails: list[tuple[int, int, str]]
    events: list[tuple] | None = None


def chain_drafts(
    *,
    tails: dict[int, Tail],
    drafts: dict[int, list[Draft]],
    action: str | None = None,
    cause: Cause,
    occurred_at: datetime,
    keep_events: bool = False,
) -> Chained:
    """Hash events of one cause and moment into many subjects' chains.

    Return them as lines for ``append_many``; ``tails`` move to the chains' new
    ends. Pure computation: the caller holds every subject's lock
    (``subject_lock``) and writes the result in the same transaction.
    """
    hashers: dict[str, HeaderHasher] = {}
    fixed = "\t".join(
        map(copy_text, (cause.type, cause.user_id, cause.message_id, cause.ref))
    )
    occurred = occurred_at.isoformat()
    # Per reason: its COPY text and its JSON text (the content digest's).
    reasons: dict[str, tuple[str, str]] = {}
    chained = Chained(lines=[], tails=[], events=[] if keep_events else None)
    lines = chained.lines
    for subject_id, entries in drafts.items():
        if not entries:
            continue
        tail = tails[subject_id]
        prev, sequence, tenant_id = tail.head or GENESIS, tail.length, tail.tenant_id
        for draft in entries:
            sequence += 1
            event_action = draft.action or action
            hasher = hashers.get(event_action)
            if hasher is None:
                hasher = hashers[event_action] = HeaderHasher(
                    action=event_action, cause=cause, occurred_at=occurred_at
                )
            reason = reasons.get(draft.reason)
            if reason is None:
                reason = reasons[draft.reason] = (
                    copy_text(draft.reason),
                    reason_text(draft.reason),
                )
            digest = content_digest_of_texts(draft.before, draft.after, reason[1])
            event_hash = hasher.hash(
                prev=prev,
                subject_id=subject_id,
                tenant_id=tenant_id,
                sequence=sequence,
                memory_id=draft.memory_id,
                content=digest,
            )
            before = "\\N" if draft.before is None else copy_json(draft.before)
            after = "\\N" if draft.after is None else copy_json(draft.after)
            lines.append(
                f"{subject_id}\t{tenant_id}\t{sequence}\t{copy_text(draft.memory_id)}"
                f"\t{event_action}\t{before}\t{after}\t{digest}\t{fixed}"
                f"\t{reason[0]}\t{occurred}\t{prev}\t{event_hash}\t{CHAIN_VERSION}"
            )
            if keep_events:
                chained.events.append(
                    (subject_id, sequence, draft.memory_id, event_action, digest)
                    + (prev, event_hash)
                )
            prev = event_hash
        tail.length, tail.head = sequence, prev
        chained.tails.append((subject_id, sequence, prev))
    return chained


def append_many(cursor, chained: Chained, *, ids: list[int] | None = None) -> int:
    """Write chained events in one COPY and move their chains' tails.

    ``ids``, when given, are the events' primary keys (drawn with ``next_ids``),
    one per line. Return how many events were written.
    """
    if not chained.lines:
        return 0
    columns, lines = EVENT_COLUMNS, chained.lines
    if ids is not None:
        columns = ("id", *EVENT_COLUMNS)
        lines = [f"{pk}\t{line}" for pk, line in zip(ids, lines, strict=True)]
    copy_lines(cursor, MemoryEvent._meta.db_table, columns, lines)
    if len(chained.tails) == 1:
        ((pk, length, head),) = chained.tails
        cursor.execute(
            "UPDATE memory_subject SET ledger_length = %s, ledger_head = %s "
            "WHERE id = %s",
            [length, head, pk],
        )
    else:
        scratch_fill(
            cursor,
            "ledger_tail",
            "id bigint, length bigint, head text",
            ("id", "length", "head"),
            [f"{pk}\t{length}\t{head}" for pk, length, head in chained.tails],
        )
        cursor.execute(
            "UPDATE memory_subject s SET ledger_length = v.length, "
            "ledger_head = v.head FROM ledger_tail v WHERE s.id = v.id"
        )
    return len(lines)


# Up to this many events, one INSERT that moves the tail too (one round trip)
# beats a COPY and an UPDATE (three): a turn appends one event at a time.
FEW_EVENTS = 8
# ``json`` columns: the canonical text kept byte for byte, as the COPY writes it.
_JSON_COLUMNS = ("before", "after")


def _insert_few(cursor, subject, chained, drafts, ids, cause, occurred_at) -> None:
    """Write a few chained events of one subject, and its new tail, at once.

    The same rows ``append_many`` writes: the values its COPY lines hold.
    """
    columns = ("id", *EVENT_COLUMNS)
    row = (
        "("
        + ", ".join(
            "%s::json" if column in _JSON_COLUMNS else "%s" for column in columns
        )
        + ")"
    )
    params = []
    for pk, draft, event in zip(ids, drafts, chained.events, strict=True):
        subject_id, sequence, memory_id, action, digest, prev, hash_ = event
        params += [
            pk, subject_id, subject.tenant_id, sequence, memory_id, action,
            draft.before, draft.after, digest, cause.type, cause.user_id,
            cause.message_id, cause.ref, draft.reason, occurred_at, prev, hash_,
            CHAIN_VERSION,
        ]  # fmt: skip
    ((subject_id, length, head),) = chained.tails
    cursor.execute(
        f"WITH written AS (INSERT INTO {MemoryEvent._meta.db_table} "
        f"({', '.join(columns)}) VALUES {', '.join([row] * len(ids))}) "
        "UPDATE memory_subject SET ledger_length = %s, ledger_head = %s "
        "WHERE id = %s",
        [*params, length, head, subject_id],
    )


@dataclass
class Entry:
    """One event to append: the memory, the action, its states, and its cause."""

    memory: Memory | None
    action: str
    before: dict | None
    after: dict | None
    reason: str = ""


def _state_text(state: dict | None) -> str | None:
    return None if state is None else canonical_text(state, default=_default)


def append(
    *,
    subject: Subject,
    entries: list[Entry],
    cause: Cause,
    occurred_at=None,
    ids: list[int] | None = None,
) -> list[MemoryEvent]:
    """Append events to a locked subject's chain; return them, with their ids.

    The caller holds the lock from ``subject_lock`` within its transaction.
    ``ids``, when given, are the events' primary keys, drawn beforehand (with
    ``next_ids_of``, beside other rows' ids), one per entry.
    """
    if not entries:
        return []
    occurred_at = occurred_at or timezone.now()
    tail = Tail(subject.tenant_id, subject.ledger_length, subject.ledger_head)
    drafts = [
        Draft(
            None if entry.memory is None else entry.memory.pk,
            _state_text(entry.before),
            _state_text(entry.after),
            entry.reason,
            entry.action,
        )
        for entry in entries
    ]
    chained = chain_drafts(
        tails={subject.pk: tail},
        drafts={subject.pk: drafts},
        cause=cause,
        occurred_at=occurred_at,
        keep_events=True,
    )
    if ids is None:
        ids = next_ids(MemoryEvent, len(drafts))
    elif len(ids) != len(drafts):
        raise ValueError("append needs one drawn id per entry")
    with connection.cursor() as cursor:
        if len(drafts) <= FEW_EVENTS:
            _insert_few(cursor, subject, chained, drafts, ids, cause, occurred_at)
        else:
            append_many(cursor, chained, ids=ids)
    subject.ledger_length, subject.ledger_head = tail.length, tail.head
    events = []
    for pk, entry, (_, sequence, memory_id, action, digest, prev, hash_) in zip(
        ids, entries, chained.events, strict=True
    ):
        event = MemoryEvent(
            pk=pk,
            subject_id=subject.pk,
            tenant_id=subject.tenant_id,
            sequence=sequence,
            memory_id=memory_id,
            action=action,
            before=entry.before,
            after=entry.after,
            content_digest=digest,
            cause_type=cause.type,
            cause_user_id=cause.user_id,
            cause_message_id=cause.message_id,
            cause_ref=cause.ref,
            reason=entry.reason,
            occurred_at=occurred_at,
            prev_hash=prev,
            hash=hash_,
            chain_version=CHAIN_VERSION,
        )
        event._state.adding = False
        event._state.db = connection.alias
        events.append(event)
    return events
