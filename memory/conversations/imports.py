"""Transcript imports: validated turns stored in committed batches, then indexed.

Every turn is validated before the first is stored; turns whose external id was
imported before are skipped, so importing twice changes nothing. Indexing
(embedding and extraction of every turn) follows in the background
(``import_index``), and the job says when the import is fully indexed.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from memory.background import enqueue
from memory.bulk import copy_instances, next_ids
from memory.errors import InvalidMemory, SubjectErased
from memory.extraction.pipeline import messages_extract
from memory.ledger.chain import Cause, subject_lock
from memory.models import (
    MESSAGE_ROLE_OF,
    Conversation,
    ImportJob,
    Memory,
    MemoryKind,
    Message,
    SpeakerRole,
    Subject,
)
from memory.recall.embedders import get_embedder
from memory.recall.indexing import memories_embed
from memory.services import subject_summary_consolidate

from .messages import conversation_start, episodes_create

logger = logging.getLogger(__name__)

IMPORT_INDEX = "memory.import_index"
# What extraction reads of a turn.
EXTRACTED_FIELDS = (
    "id",
    "subject_id",
    "conversation_id",
    "parent_id",
    "role",
    "speaker",
    "speaker_role",
    "text",
    "occurred_at",
    "extracted_at",
    "status",
)


@dataclass(frozen=True)
class Turn:
    speaker: str
    speaker_role: str
    text: str
    occurred_at: datetime
    external_id: str = ""

    @property
    def role(self) -> str:
        return MESSAGE_ROLE_OF[self.speaker_role]


ROLE_CHOICES = "client, advisor, analyst or assistant"


def turn_speaker_role(raw_role, speaker: str, *, subject_kind: str) -> str | None:
    """Return a turn's speaker role, or None when the turn does not say it.

    The role decides whose memory a statement is, never the spelling of the
    speaker's name: a CRM names people ("Dana Reyes"), so each turn says its
    role. A speaker literally named by a role ("client", "Advisor") needs none.
    ``user``, the older spelling, stands for the subject: the client of a
    client's transcript, the analyst of an analyst's.
    """
    role = str(raw_role or "").strip().lower()
    if role in SpeakerRole.values:
        return role
    named = speaker.strip().lower()
    if role in ("", "user") and named in SpeakerRole.values:
        return named
    if role == "user":
        return SpeakerRole.ANALYST if subject_kind == "analyst" else SpeakerRole.CLIENT
    return None


def turns_clean(
    raw_turns: Iterable[dict], *, subject_kind: str = "client"
) -> list[Turn]:
    """Validate every turn before anything is stored; name each bad field."""
    turns, errors = [], {}
    for index, raw in enumerate(raw_turns):
        where = f"turns[{index}]"
        if not isinstance(raw, dict):
            errors[where] = "must be an object with speaker, text and occurred_at"
            continue
        speaker = str(raw.get("speaker") or "").strip()
        text = raw.get("text")
        raw_role = raw.get("role")
        speaker_role = turn_speaker_role(raw_role, speaker, subject_kind=subject_kind)
        occurred = raw.get("occurred_at")
        if isinstance(occurred, str):
            occurred = parse_datetime(occurred)
        external_id = raw.get("external_id") or ""
        if not speaker:
            errors[f"{where}.speaker"] = "is required"
        elif len(speaker) > 120:
            errors[f"{where}.speaker"] = "must be at most 120 characters"
        if not isinstance(text, str) or not text.strip():
            errors[f"{where}.text"] = "is required"
        elif "\x00" in text:
            errors[f"{where}.text"] = "must not contain NUL characters"
        if speaker_role is None and speaker:
            errors[f"{where}.role"] = (
                f"must be one of: {ROLE_CHOICES} (who spoke, in which role)"
                if raw_role not in (None, "")
                else f"is required: {ROLE_CHOICES} (a speaker's name does not say it)"
            )
        if not isinstance(occurred, datetime):
            errors[f"{where}.occurred_at"] = (
                "must be a date-time such as 2026-03-14T10:30:00Z"
            )
        elif timezone.is_naive(occurred):
            errors[f"{where}.occurred_at"] = "must carry a time zone (e.g. Z or +01:00)"
        if not isinstance(external_id, str) or len(external_id) > 200:
            errors[f"{where}.external_id"] = "must be text of at most 200 characters"
        if not any(key.startswith(where) for key in errors):
            turns.append(
                Turn(
                    speaker=speaker,
                    speaker_role=speaker_role,
                    text=text.strip(),
                    occurred_at=occurred,
                    external_id=external_id,
                )
            )
    if errors:
        first, problem = next(iter(errors.items()))
        raise InvalidMemory(
            errors,
            message=f"{len(errors)} invalid field(s) in the transcript, "
            f"first {first}: {problem}",
        )
    seen = set()
    for index, turn in enumerate(turns):
        if turn.external_id:
            if turn.external_id in seen:
                raise InvalidMemory(
                    {f"turns[{index}].external_id": "appears twice in this transcript"}
                )
            seen.add(turn.external_id)
    return turns


def transcript_import(
    *,
    subject: Subject,
    turns: list[dict],
    title: str = "",
    conversation_external_id: str = "",
    requested_by_id: int | None = None,
    batch_size: int = 500,
    progress: Callable[[ImportJob], None] | None = None,
    index: bool = True,
) -> ImportJob:
    """Import a transcript as a conversation of ``subject``, in committed batches.

    Turns whose ``external_id`` this subject already has are skipped, so importing
    the same transcript twice changes nothing. Every turn is validated before the
    first is stored. Embedding and extraction follow in the background; the job
    says when the import is fully indexed.
    """
    cleaned = sorted(
        turns_clean(turns, subject_kind=subject.kind), key=lambda t: t.occurred_at
    )
    if subject.erased_at is not None:
        raise SubjectErased("This subject's memory was erased.")
    with transaction.atomic():
        # Under the subject's lock, so two imports of one conversation at once
        # find (or start) the same one.
        subject_lock(subject.pk)
        conversation = None
        if conversation_external_id:
            conversation = Conversation.objects.filter(
                subject=subject, external_id=conversation_external_id
            ).first()
        if conversation is None:
            conversation = conversation_start(
                subject=subject,
                title=title or "Imported transcript",
                origin=Conversation.Origin.IMPORT,
                external_id=conversation_external_id,
                created_by_id=requested_by_id,
            )
        if cleaned and cleaned[0].occurred_at < conversation.started_at:
            # A conversation started when its first turn was said, not when
            # the CRM sent it.
            conversation.started_at = cleaned[0].occurred_at
            conversation.save(update_fields=["started_at"])
        job = ImportJob.objects.create(
            subject=subject,
            conversation=conversation,
            requested_by_id=requested_by_id,
            turns_total=len(cleaned),
        )
    try:
        stored_ids = _import_store(
            job=job,
            conversation=conversation,
            turns=cleaned,
            batch_size=batch_size,
            progress=progress,
        )
    except Exception as error:
        # A job never stays "storing": it says it failed, and what was stored
        # (whole batches) stays; importing again skips it.
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    job.status = (
        ImportJob.Status.INDEXING if stored_ids and index else ImportJob.Status.DONE
    )
    if job.status == ImportJob.Status.DONE:
        job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "turns_stored", "turns_skipped"])
    if stored_ids and index:
        enqueue(IMPORT_INDEX, job.pk)
    return job


def _import_store(
    *,
    job: ImportJob,
    conversation: Conversation,
    turns: list[Turn],
    batch_size: int,
    progress: Callable[[ImportJob], None] | None,
) -> list[int]:
    """Store the turns not imported before, in committed batches; return their ids.

    Each batch checks again, under the subject's lock, which external ids are
    stored: an import running at the same time may have stored them since.
    """
    stored_ids: list[int] = []
    for start in range(0, len(turns), batch_size):
        batch = turns[start : start + batch_size]
        stored = _import_batch(job=job, conversation=conversation, turns=batch)
        stored_ids.extend(stored)
        job.turns_stored += len(stored)
        job.turns_skipped += len(batch) - len(stored)
        ImportJob.objects.filter(pk=job.pk).update(
            turns_stored=job.turns_stored, turns_skipped=job.turns_skipped
        )
        if progress:
            progress(job)
    return stored_ids


@transaction.atomic
def _import_batch(
    *, job: ImportJob, conversation: Conversation, turns: list[Turn]
) -> list[int]:
    subject = subject_lock(job.subject_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    # Read under the lock: what another import committed meanwhile is skipped.
    wanted = [t.external_id for t in turns if t.external_id]
    known = (
        set(
            Message.objects.filter(
                subject_id=subject.pk, external_id__in=wanted
            ).values_list("external_id", flat=True)
        )
        if wanted
        else set()
    )
    turns = [t for t in turns if not t.external_id or t.external_id not in known]
    if not turns:
        return []
    now = timezone.now()
    # Ids drawn first, so each message is inserted already linked to its parent.
    ids = next_ids(Message, len(turns))
    parent_ids = [conversation.head_id, *ids[:-1]]
    messages = [
        Message(
            pk=pk,
            parent_id=parent_id,
            conversation=conversation,
            subject=subject,
            role=t.role,
            speaker=t.speaker,
            speaker_role=t.speaker_role,
            text=t.text,
            occurred_at=t.occurred_at,
            external_id=t.external_id,
            created_at=now,
        )
        for pk, parent_id, t in zip(ids, parent_ids, turns, strict=True)
    ]
    copy_instances(Message, messages)
    conversation.head_id = ids[-1]
    conversation.save(update_fields=["head"])
    episodes = episodes_create(
        subject=subject,
        messages=messages,
        cause=Cause(type="import", user_id=job.requested_by_id, ref=f"import:{job.pk}"),
        occurred_at=now,
    )
    job.turns_embedded += sum(1 for e in episodes if e.embedding is not None)
    ImportJob.objects.filter(pk=job.pk).update(turns_embedded=job.turns_embedded)
    return [m.pk for m in messages]


def import_index(
    *, job: ImportJob, batch_size: int = 200, extractor=None, chunk: int = 2000
) -> ImportJob:
    """Embed what is not yet embedded and extract every turn of an import.

    Extraction runs in set-based passes of ``chunk`` turns (one lock, one read of
    the subject's memories, the writes and ledger events batched). Safe to run
    again after a failure: each message is extracted once. Should the model
    fail, the task retries with backoff; turns it kept failing on are parked
    (the job then ends ``failed``, its ``error`` says how many and why).
    """
    embedder = get_embedder()
    messages = Message.objects.filter(conversation_id=job.conversation_id)
    episodes = Memory.objects.filter(
        kind=MemoryKind.EPISODE, source_messages__conversation_id=job.conversation_id
    ).exclude(embedding_model=embedder.name)
    while True:
        batch = list(episodes.order_by("pk")[:batch_size])
        if not batch:
            break
        memories_embed(batch, embedder=embedder)
    job.turns_embedded = messages.count()
    ImportJob.objects.filter(pk=job.pk).update(turns_embedded=job.turns_embedded)
    pending = messages.filter(extracted_at__isnull=True).exclude(
        extraction_failure__parked_at__isnull=False
    )
    parked_before = False
    try:
        while True:
            turns = list(
                pending.order_by("occurred_at", "pk").only(*EXTRACTED_FIELDS)[:chunk]
            )
            if not turns:
                break
            report = messages_extract(
                subject_id=job.subject_id,
                messages=turns,
                extractor=extractor,
                consolidate=False,
                park_on_failure=parked_before,
            )
            parked_before = parked_before or bool(report.parked)
            ImportJob.objects.filter(pk=job.pk).update(
                turns_extracted=messages.filter(extracted_at__isnull=False).count()
            )
    finally:
        job.turns_extracted = messages.filter(extracted_at__isnull=False).count()
        ImportJob.objects.filter(pk=job.pk).update(turns_extracted=job.turns_extracted)
    subject_summary_consolidate(subject=job.subject)
    parked = messages.filter(
        extracted_at__isnull=True, extraction_failure__parked_at__isnull=False
    )
    left = parked.count()
    job.status = ImportJob.Status.FAILED if left else ImportJob.Status.DONE
    job.error = ""
    if left:
        reason = parked.values_list("extraction_failure__reason", flat=True).first()
        job.error = (
            f"{left} turn(s) could not be extracted ({reason}). They are listed "
            "under Extraction failures in the audit admin; retrying them there "
            "resumes this import."
        )
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "turns_embedded",
            "turns_extracted",
            "status",
            "error",
            "finished_at",
        ]
    )
    logger.info("Import %s indexed: %s turns", job.pk, job.turns_total)
    return job
