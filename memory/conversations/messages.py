"""The episodic layer: conversations, their messages, and each turn's episode.

Every turn is kept verbatim as a message and as an ``episode`` memory of its
subject, searchable at once (full text immediately, and by meaning as soon as its
embedding is made: inline with a local embedder, in the background otherwise).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from memory.background import enqueue
from memory.bulk import copy_instances, next_ids_of
from memory.errors import InvalidMemory, SubjectErased
from memory.ledger.canonical import iso
from memory.ledger.chain import Cause, Entry, append, subject_lock
from memory.ledger.states import snapshot
from memory.models import (
    MESSAGE_ROLE_OF,
    Conversation,
    EventAction,
    Memory,
    MemoryEvent,
    MemoryKind,
    MemorySource,
    MemoryStatus,
    Message,
    MessageRole,
    SpeakerRole,
    Subject,
)
from memory.recall.indexing import embeddings_prepare, embeddings_queue

MESSAGE_EXTRACT = "memory.message_extract"
EPISODE_IMPORTANCE = 0.3


def default_speaker_role(role: str, subject: Subject) -> str:
    """Return the speaker role a turn has when its caller does not say it.

    The assistant's and the system's turns are theirs; a person's turn is the
    subject speaking (the client, or the analyst of an analyst's memory).
    """
    if role == MessageRole.ASSISTANT:
        return SpeakerRole.ASSISTANT
    if role == MessageRole.SYSTEM:
        return SpeakerRole.SYSTEM
    return SpeakerRole.ANALYST if subject.kind == "analyst" else SpeakerRole.CLIENT


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
            "speaker_role": message.speaker_role,
            "occurred_at": iso(message.occurred_at),
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


def episodes_create(
    *, subject: Subject, messages: list[Message], cause: Cause, occurred_at: datetime
) -> list[Memory]:
    """Store one episode per message, linked to it, with one ledger event each."""
    for message in messages:
        message.subject = subject
    episodes = [_episode(m) for m in messages]
    # Vectors are made before the INSERT so each row is written once.
    embeddings_prepare(episodes)
    drawn = next_ids_of({Memory: len(episodes), MemoryEvent: len(episodes)})
    for episode, pk in zip(episodes, drawn[Memory], strict=True):
        episode.pk = pk
    copy_instances(Memory, episodes)
    through = Memory.source_messages.through
    through.objects.bulk_create(
        [
            through(memory_id=episode.pk, message_id=message.pk)
            for episode, message in zip(episodes, messages, strict=True)
        ]
    )
    append(
        subject=subject,
        entries=[
            Entry(e, EventAction.CREATE, None, snapshot(e, [m.pk]))
            for e, m in zip(episodes, messages, strict=True)
        ],
        cause=cause,
        occurred_at=occurred_at,
        ids=drawn[MemoryEvent],
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
    speaker_role: str = "",
    message_id: int | None = None,
    author_label: str = "",
    operations: list | None = None,
    failure_reason: str = "",
) -> Message:
    """Append a turn after ``parent`` (the head by default) and make it the head.

    ``speaker_role`` says who spoke relative to the subject (an advisor typing
    about their client is ``advisor``); by default the subject speaks.

    The turn's episode memory is stored in the same transaction; extraction of what
    a person said follows in the background once the turn is committed.

    A reply says what composed it (``author_label``) and what its memory tools
    did (``operations``); its id may be drawn beforehand (``message_id``), so the
    changes its tools made name it as their cause. A failed reply
    (``failure_reason``) is kept in the transcript but is no episode: nothing
    was said.
    """
    subject = subject_lock(conversation.subject_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    return message_append_locked(
        just_locked=True,
        subject=subject,
        conversation=conversation,
        role=role,
        speaker=speaker,
        text=text,
        occurred_at=occurred_at,
        external_id=external_id,
        parent=parent,
        author_user_id=author_user_id,
        citations=citations,
        extract=extract,
        speaker_role=speaker_role,
        message_id=message_id,
        author_label=author_label,
        operations=operations,
        failure_reason=failure_reason,
    )


def message_append_locked(
    *,
    subject: Subject,
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
    speaker_role: str = "",
    message_id: int | None = None,
    author_label: str = "",
    operations: list | None = None,
    failure_reason: str = "",
    just_locked: bool = False,
) -> Message:
    """``message_append`` for a caller that holds the subject's lock (from
    ``subject_lock``) and the conversation's row (``select_for_update``), in its
    transaction: a turn appends its message and its reply under one lock.

    ``just_locked`` says ``subject`` came from ``subject_lock`` with nothing
    written since, so its chain's tail need not be read again.
    """
    if not just_locked:
        # Read again: a service may have moved the chain's tail since (its own
        # lock of the same row, in this transaction, waits for nothing).
        subject = subject_lock(subject.pk)
    if subject.erased_at is not None:
        raise SubjectErased("This subject's memory was erased.")
    if parent is not None and parent.conversation_id != conversation.pk:
        raise InvalidMemory({"parent": "belongs to another conversation"})
    if role not in MessageRole.values:
        raise InvalidMemory(
            {"role": f"must be one of: {', '.join(MessageRole.values)}"}
        )
    speaker_role = speaker_role or default_speaker_role(role, subject)
    if MESSAGE_ROLE_OF.get(speaker_role) != role:
        raise InvalidMemory(
            {"speaker_role": f"a {role} turn cannot be spoken by the {speaker_role}"}
        )
    now = timezone.now()
    message = Message(
        conversation=conversation,
        subject=subject,
        parent_id=conversation.head_id if parent is None else parent.pk,
        role=role,
        speaker=(speaker or speaker_role)[:120],
        speaker_role=speaker_role,
        text=_clean_text(text),
        occurred_at=occurred_at or now,
        external_id=external_id,
        author_user_id=author_user_id,
        citations=citations or [],
        author_label=author_label[:200],
        operations=operations or [],
        failure_reason=failure_reason,
        created_at=now,
    )
    if message_id is not None:
        message.pk = message_id  # drawn from the sequence: unique already
    message.full_clean(
        exclude=["conversation", "subject", "parent"],
        validate_unique=message_id is None,
    )
    message.save(force_insert=True)
    conversation.head = message
    conversation.save(update_fields=["head"])
    if not failure_reason:
        (episode,) = episodes_create(
            subject=subject,
            messages=[message],
            cause=Cause.message(message.pk),
            occurred_at=now,
        )
        embeddings_queue([episode])
    if extract and role == MessageRole.USER:
        enqueue(MESSAGE_EXTRACT, message.pk)
    return message
