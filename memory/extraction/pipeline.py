"""Turn messages into memories: extract candidates, reconcile, apply or propose.

Reconciliation compares each candidate with the subject's memories in the same
slot (its ``key``): nothing new is NOTHING, a new value supersedes (never
overwrites), a retraction retracts (``reconcile``). A firm may require review:
then, and always for candidates the extractor is unsure of (a hedge, an
ambiguity), the result waits as a proposed memory. A message is extracted once:
running it twice changes nothing, and a failure leaves nothing half-written.

The extractor runs before the subject is locked (a model may take seconds; no
writer of the subject waits for it); reconciliation and the writes then run in
one transaction under the lock. Many messages of one subject (an import) go
through in one pass: one lock, one read of the subject's memories, every
candidate reconciled in memory, the writes set-based (``writes``).
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from memory import tenancy
from memory.background import enqueue
from memory.bulk import next_ids
from memory.ledger.chain import subject_lock
from memory.llm import ModelError
from memory.models import (
    ExtractionFailure,
    Memory,
    MemoryKind,
    MemoryStatus,
    Message,
    MessageRole,
    MessageStatus,
    SpeakerRole,
    Subject,
)
from memory.services import memory_policy_get

from .candidates import Candidate, PriorTurn
from .failures import ExtractionRetry, extraction_failed, failures_resolve
from .reconcile import EXTRACTION_REASON, ExtractionReport, Reconciler, holding_text
from .resolver import instrument_resolver
from .rules import RulesExtractor
from .speakers import speaker_role
from .writes import plan_apply

logger = logging.getLogger(__name__)

__all__ = [
    "EXTRACTION_REASON",
    "ExtractionReport",
    "get_extractor",
    "holding_text",
    "message_extract",
    "messages_extract",
]

SUMMARY_CONSOLIDATE = "memory.subject_summary_consolidate"
# The turns before a message that its extractor reads ("What's your horizon?"
# before "About fifteen years.").
PRIOR_TURNS = 2


def get_extractor():
    """Return the extractor the ``MEMORY_EXTRACTOR`` setting names."""
    choice = getattr(settings, "MEMORY_EXTRACTOR", "rules")
    if choice == "llm":
        # The model extractor (and the openai package) load only when chosen.
        from .llm import LLMExtractor

        return LLMExtractor.from_settings()
    return RulesExtractor(resolver=instrument_resolver())


def message_speaker_role(message: Message, subject_kind: str = "client") -> str:
    """Return the role of a message's speaker relative to its subject.

    The role the message was stored with; a message stored before roles were
    (none) falls back to what its speaker's name says.
    """
    if message.speaker_role:
        return message.speaker_role
    return speaker_role(message.speaker, subject_kind=subject_kind)


def author_label(extractor) -> str:
    return getattr(extractor, "author_label", None) or (
        f"{extractor.name}-extractor/{extractor.version}"
    )


def _not_for_extraction(message: Message) -> bool:
    """Say whether a message states nothing to extract: only people's turns do.

    The one place that says so: it is asked before the extractor runs and again
    under the subject's lock.
    """
    return message.role != MessageRole.USER or message.speaker_role in (
        SpeakerRole.ASSISTANT,
        SpeakerRole.SYSTEM,
    )


def message_extraction_state(message: Message) -> str:
    """Say where a message's extraction stands, as a page shows it.

    ``none`` (nothing to extract: a reply, a system line), ``done``, ``parked``
    (it failed and waits for a person; the reason is in the audit admin) or
    ``pending`` (the worker has not reached it yet).
    """
    if _not_for_extraction(message):
        return "none"
    if message.extracted_at is not None:
        return "done"
    parked = ExtractionFailure.objects.filter(
        message_id=message.pk, parked_at__isnull=False, resolved_at__isnull=True
    ).exists()
    return "parked" if parked else "pending"


# ----------------------------------------------------------------- entry points


def message_extract(
    *, message: Message, extractor=None, consolidate: bool = True
) -> ExtractionReport:
    """Extract and reconcile the memories stated in one message (idempotent).

    When anything changed, the subject's profile summary is consolidated after
    commit (``consolidate=False`` leaves that to a caller extracting many). A
    model failure records the attempt and raises ``ExtractionRetry`` for the
    task to retry with backoff; after the last attempt the message is parked
    and the report says why (``failed``).
    """
    message = Message.objects.select_related("subject").get(pk=message.pk)
    if message.extracted_at is not None:
        return ExtractionReport(message_id=message.pk, already_extracted=True)
    extractor = extractor or get_extractor()
    run = _Run(message.subject_id, extractor, subject=message.subject)
    said, failure = run.extract([message])
    if failure is not None:
        report = ExtractionReport(message_id=message.pk)
        run.fail(failure, report)  # raises while attempts remain
        return report
    (report,) = run.apply(said, consolidate=consolidate)
    return report


@dataclass
class BatchReport:
    """What extracting many messages of one subject did."""

    reports: list[ExtractionReport] = field(default_factory=list)
    parked: list[int] = field(default_factory=list)

    @property
    def extracted(self) -> int:
        return sum(1 for r in self.reports if not r.failed and not r.already_extracted)


def messages_extract(
    *,
    subject_id: int,
    messages: list[Message],
    extractor=None,
    consolidate: bool = True,
    park_on_failure: bool = False,
) -> BatchReport:
    """Extract many messages of one subject, in order, in one set-based pass.

    One lock, one read of the subject's memories, every candidate reconciled in
    memory, the writes and ledger events batched. Messages already extracted
    are left alone. Should the model fail on one, the messages before it are
    applied and the attempt recorded; ``ExtractionRetry`` is raised while it
    has attempts left, else (or with ``park_on_failure``) it is parked and the
    rest follow.
    """
    batch = BatchReport()
    extractor = extractor or get_extractor()
    pending = [m for m in messages if m.extracted_at is None]
    while pending:
        run = _Run(subject_id, extractor)
        said, failure = run.extract(pending)
        batch.reports += run.apply(said, consolidate=consolidate)
        if failure is None:
            break
        report = ExtractionReport(message_id=failure[0].pk)
        run.fail(failure, report, park=park_on_failure)
        batch.reports.append(report)
        batch.parked.append(failure[0].pk)
        # The model failed on the message before: the rest wait for a person.
        park_on_failure = True
        pending = pending[pending.index(failure[0]) + 1 :]
    return batch


# ----------------------------------------------------------------------- a run


@dataclass
class _Said:
    message: Message
    candidates: list[Candidate]


class _Run:
    """One pass over messages of a subject: extract without the lock, then apply."""

    def __init__(self, subject_id: int, extractor, subject=None):
        self.subject_id = subject_id
        self.extractor = extractor
        self.label = author_label(extractor)
        self.subject = subject

    def extract(
        self, messages: list[Message]
    ) -> tuple[list[_Said], tuple[Message, ModelError] | None]:
        """Return each message's candidates, up to the first model failure."""
        subject = self.subject or Subject.objects.get(pk=self.subject_id)
        people = [m for m in messages if not _not_for_extraction(m)]
        # Read only if an extractor asks: most turns need neither.
        existing = _Lazy(lambda: _current_memories(self.subject_id))
        names = _Lazy(lambda: tenancy.subject_names(self.subject_id))
        prior = _prior_turns(people, subject.kind)
        said, context = [], []
        for message in messages:
            if (
                subject.erased_at is not None
                or _not_for_extraction(message)
                or message.status == MessageStatus.ROLLED_BACK
            ):
                said.append(_Said(message, []))
                continue
            try:
                candidates = self.extractor.extract(
                    message.text,
                    role=message_speaker_role(message, subject.kind),
                    occurred_at=message.occurred_at,
                    existing=existing,
                    context=context,
                    previous=prior.get(message.pk, []),
                    subject_names=names,
                )
            except ModelError as error:
                return said, (message, error)
            said.append(_Said(message, candidates))
            context = [*context, *candidates]
        return said, None

    @transaction.atomic
    def apply(self, said: list[_Said], *, consolidate: bool) -> list[ExtractionReport]:
        """Reconcile and write what was said, under the subject's lock."""
        if not said:
            return []
        subject = subject_lock(self.subject_id)
        now = timezone.now()
        # Marked extracted first, in this transaction: another run may have
        # extracted some meanwhile, and those are left alone.
        fresh = _mark_extracted([s.message.pk for s in said], at=now)
        wanted = sum(len(s.candidates) for s in said if s.message.pk in fresh)
        reconciler = Reconciler(
            subject=subject,
            memories=_current_memories(self.subject_id) if wanted else [],
            sources=_SourcesOf(),
            policy=memory_policy_get(tenant_id=subject.tenant_id) if wanted else None,
            author_label=self.label,
            ids=iter(next_ids(Memory, wanted) if wanted else ()),
            now=now,
        )
        reports, done = [], []
        for item in said:
            report = ExtractionReport(message_id=item.message.pk)
            reports.append(report)
            message = item.message
            if message.pk not in fresh:
                report.already_extracted = True
                continue
            done.append(message.pk)
            if fresh[message.pk] == MessageStatus.ROLLED_BACK:
                # Rolled back before its extraction ran (read under the lock):
                # what it said was taken back.
                report.skipped.append("the message was rolled back")
                continue
            if subject.erased_at is not None or _not_for_extraction(message):
                continue
            reconciler.message(message, item.candidates, report)
            for skipped in report.skipped:
                logger.info(
                    "Skipped a candidate of message %s: %s", message.pk, skipped
                )
        if not reconciler.plan.empty:
            plan_apply(subject=subject, plan=reconciler.plan, occurred_at=now)
        failures_resolve(subject_id=self.subject_id, message_ids=done, at=now)
        if consolidate and any(r.changed for r in reports):
            enqueue(SUMMARY_CONSOLIDATE, self.subject_id)
        return reports

    def fail(self, failure, report: ExtractionReport, *, park: bool = False) -> None:
        """Record a model failure; raise to retry unless the message is parked."""
        message, error = failure
        recorded = extraction_failed(
            message=message, extractor_label=self.label, error=error, park=park
        )
        logger.warning(
            "Extraction of message %s failed (%s)", message.pk, recorded.reason
        )
        report.failed = recorded.reason
        if recorded.parked_at is None:
            raise ExtractionRetry(recorded.reason) from error


def _mark_extracted(message_ids: list[int], *, at) -> dict[int, str]:
    """Mark messages extracted unless they were; return those this run marked,
    with their status as it stands under the lock.

    One statement for a batch of thousands: it locks, checks and marks.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Message._meta.db_table} SET extracted_at = %s "
            "WHERE id = ANY(%s) AND extracted_at IS NULL RETURNING id, status",
            [at, message_ids],
        )
        return dict(cursor.fetchall())


class _Lazy(Sequence):
    """A list read from the database the first time anything looks at it."""

    def __init__(self, load):
        self._load, self._items = load, None

    def _loaded(self) -> list:
        if self._items is None:
            self._items = list(self._load())
        return self._items

    def __getitem__(self, index):
        return self._loaded()[index]

    def __len__(self) -> int:
        return len(self._loaded())

    def __iter__(self):
        return iter(self._loaded())


class _SourcesOf(dict):
    """The source message ids of memories, read when a change first needs them."""

    def get(self, memory_id, default=None):
        if memory_id not in self:
            through = Memory.source_messages.through
            self[memory_id] = sorted(
                through.objects.filter(memory_id=memory_id).values_list(
                    "message_id", flat=True
                )
            )
        return self[memory_id]


def _current_memories(subject_id: int) -> list[Memory]:
    """Return a subject's active and proposed memories (not episodes).

    Under the subject's lock they are what the subject holds: every writer of a
    memory takes that lock first.
    """
    memories = Memory.objects.filter(
        subject_id=subject_id,
        status__in=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
    ).exclude(kind=MemoryKind.EPISODE)
    return list(memories.order_by("pk"))


def _prior_turns(messages: Iterable[Message], subject_kind: str) -> dict:
    """Return, per message, the turns just before it (nearest first)."""
    messages = list(messages)
    known = {m.pk: m for m in messages}
    wanted = {m.parent_id for m in messages if m.parent_id}
    for _ in range(PRIOR_TURNS):
        missing = wanted - set(known)
        if not missing:
            break
        for parent in Message.objects.filter(pk__in=missing).select_related("parent"):
            known[parent.pk] = parent
            if parent.parent is not None:
                known.setdefault(parent.parent.pk, parent.parent)
        wanted = {known[pk].parent_id for pk in wanted if pk in known}
        wanted.discard(None)
    prior = {}
    for message in messages:
        turns, parent_id = [], message.parent_id
        while parent_id and len(turns) < PRIOR_TURNS and parent_id in known:
            parent = known[parent_id]
            role = (
                SpeakerRole.ASSISTANT
                if parent.role != MessageRole.USER
                else message_speaker_role(parent, subject_kind)
            )
            turns.append(PriorTurn(role=role, text=parent.text))
            parent_id = parent.parent_id
        prior[message.pk] = turns
    return prior
