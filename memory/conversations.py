"""The episodic layer: conversations, their messages, and each turn's episode.

Every turn is kept verbatim as a message and as an ``episode`` memory of its
subject, searchable at once (full text immediately, and by meaning as soon as its
embedding is made: inline with a local embedder, in the background otherwise).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from . import ledger
from .bulk import copy_instances, next_ids
from .errors import InvalidMemory, SubjectErased
from .indexing import embeddings_prepare, embeddings_queue
from .ledger import Cause, Entry
from .models import (
    Conversation,
    EventAction,
    ImportJob,
    Memory,
    MemoryKind,
    MemorySource,
    MemoryStatus,
    Message,
    MessageRole,
    Subject,
)

EPISODE_IMPORTANCE = 0.3
SPEAKER_ROLES = {
    "client": MessageRole.USER,
    "advisor": MessageRole.USER,
    "analyst": MessageRole.USER,
    "user": MessageRole.USER,
    "assistant": MessageRole.ASSISTANT,
    "system": MessageRole.SYSTEM,
}


@transaction.atomic
def conversation_start(
    *,
    subject: Subject,
    title: str = "",
    origin: str = Conversation.Origin.CHAT,
    external_id: str = "",
    created_by_id: int | None = None,
) -> Conversation:
    if subject.erased_at is not None:
        raise SubjectErased("This subject's memory was erased.")
    conversation = Conversation(
        subject=subject,
        title=title[:200],
        origin=origin,
        external_id=external_id,
        created_by_id=created_by_id,
    )
    conversation.full_clean(exclude=["head"])
    conversation.save()
    return conversation


def _episode(message: Message) -> Memory:
    return Memory(
        subject_id=message.subject_id,
        tenant_id=message.subject.tenant_id,
        kind=MemoryKind.EPISODE,
        text=message.text,
        payload={
            "message": message.text,
            "speaker": message.speaker,
            "occurred_at": ledger.iso(message.occurred_at),
            "message_id": message.pk,
            "conversation_id": message.conversation_id,
            "external_id": message.external_id,
        },
        status=MemoryStatus.ACTIVE,
        importance=EPISODE_IMPORTANCE,
        confidence=1.0,
        valid_from=message.occurred_at,
        recorded_at=message.created_at,
        source=MemorySource.MESSAGE,
        author_label=f"speaker:{message.speaker}",
        created_at=message.created_at,
        updated_at=message.created_at,
    )


def _episodes_create(
    *, subject: Subject, messages: list[Message], cause: Cause, occurred_at: datetime
) -> list[Memory]:
    """Store one episode per message, linked to it, with one ledger event each."""
    for message in messages:
        message.subject = subject
    episodes = [_episode(m) for m in messages]
    # Vectors are made before the INSERT so each row is written once.
    embeddings_prepare(episodes)
    for episode, pk in zip(episodes, next_ids(Memory, len(episodes)), strict=True):
        episode.pk = pk
    copy_instances(Memory, episodes)
    through = Memory.source_messages.through
    through.objects.bulk_create(
        [
            through(memory_id=episode.pk, message_id=message.pk)
            for episode, message in zip(episodes, messages, strict=True)
        ]
    )
    ledger.append(
        subject=subject,
        entries=[
            Entry(e, EventAction.CREATE, None, ledger.snapshot(e, [m.pk]))
            for e, m in zip(episodes, messages, strict=True)
        ],
        cause=cause,
        occurred_at=occurred_at,
    )
    return episodes


def _clean_text(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidMemory({"text": "a message needs some text"})
    return text.strip()


@transaction.atomic
def message_append(
    *,
    conversation: Conversation,
    role: str,
    speaker: str,
    text: str,
    occurred_at: datetime | None = None,
    external_id: str = "",
    parent: Message | None = None,
    author_user_id: int | None = None,
    citations: list | None = None,
    extract: bool = True,
) -> Message:
    """Append a turn after ``parent`` (the head by default) and make it the head.

    The turn's episode memory is stored in the same transaction; extraction of what
    a person said follows in the background once the turn is committed.
    """
    subject = ledger.subject_lock(conversation.subject_id)
    if subject.erased_at is not None:
        raise SubjectErased("This subject's memory was erased.")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if parent is None:
        parent = conversation.head
    elif parent.conversation_id != conversation.pk:
        raise InvalidMemory({"parent": "belongs to another conversation"})
    if role not in MessageRole.values:
        raise InvalidMemory(
            {"role": f"must be one of: {', '.join(MessageRole.values)}"}
        )
    now = timezone.now()
    message = Message(
        conversation=conversation,
        subject=subject,
        parent=parent,
        role=role,
        speaker=(speaker or role)[:120],
        text=_clean_text(text),
        occurred_at=occurred_at or now,
        external_id=external_id,
        author_user_id=author_user_id,
        citations=citations or [],
        created_at=now,
    )
    message.full_clean(exclude=["conversation", "subject", "parent"])
    message.save()
    conversation.head = message
    conversation.save(update_fields=["head"])
    (episode,) = _episodes_create(
        subject=subject,
        messages=[message],
        cause=Cause.message(message.pk),
        occurred_at=now,
    )
    embeddings_queue([episode])
    if extract and role == MessageRole.USER:
        from .tasks import message_extract_task

        transaction.on_commit(lambda: message_extract_task.delay(message.pk))
    return message


# --- Transcript import ---------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    speaker: str
    role: str
    text: str
    occurred_at: datetime
    external_id: str = ""


def turns_clean(raw_turns: Iterable[dict]) -> list[Turn]:
    """Validate every turn before anything is stored; name each bad field."""
    turns, errors = [], {}
    for index, raw in enumerate(raw_turns):
        where = f"turns[{index}]"
        if not isinstance(raw, dict):
            errors[where] = "must be an object with speaker, text and occurred_at"
            continue
        speaker = str(raw.get("speaker") or "").strip()
        text = raw.get("text")
        role = str(raw.get("role") or SPEAKER_ROLES.get(speaker.lower(), "user"))
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
        if role not in MessageRole.values:
            errors[f"{where}.role"] = f"must be one of: {', '.join(MessageRole.values)}"
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
                    role=role,
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
    cleaned = sorted(turns_clean(turns), key=lambda t: t.occurred_at)
    if subject.erased_at is not None:
        raise SubjectErased("This subject's memory was erased.")
    with transaction.atomic():
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
        job = ImportJob.objects.create(
            subject=subject,
            conversation=conversation,
            requested_by_id=requested_by_id,
            turns_total=len(cleaned),
        )
    known = set(
        Message.objects.filter(subject=subject)
        .exclude(external_id="")
        .filter(external_id__in=[t.external_id for t in cleaned if t.external_id])
        .values_list("external_id", flat=True)
    )
    fresh = [t for t in cleaned if not t.external_id or t.external_id not in known]
    job.turns_skipped = len(cleaned) - len(fresh)
    stored_ids: list[int] = []
    for start in range(0, len(fresh), batch_size):
        batch = fresh[start : start + batch_size]
        stored_ids.extend(
            _import_batch(job=job, conversation=conversation, turns=batch)
        )
        job.turns_stored += len(batch)
        ImportJob.objects.filter(pk=job.pk).update(
            turns_stored=job.turns_stored, turns_skipped=job.turns_skipped
        )
        if progress:
            progress(job)
    job.status = (
        ImportJob.Status.INDEXING if stored_ids and index else ImportJob.Status.DONE
    )
    if job.status == ImportJob.Status.DONE:
        job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "turns_stored", "turns_skipped"])
    if stored_ids and index:
        from .indexing import import_index_soon

        import_index_soon(job_id=job.pk)
    return job


@transaction.atomic
def _import_batch(
    *, job: ImportJob, conversation: Conversation, turns: list[Turn]
) -> list[int]:
    subject = ledger.subject_lock(job.subject_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
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
    episodes = _episodes_create(
        subject=subject,
        messages=messages,
        cause=Cause(type="import", user_id=job.requested_by_id, ref=f"import:{job.pk}"),
        occurred_at=now,
    )
    job.turns_embedded += sum(1 for e in episodes if e.embedding is not None)
    ImportJob.objects.filter(pk=job.pk).update(turns_embedded=job.turns_embedded)
    return [m.pk for m in messages]
