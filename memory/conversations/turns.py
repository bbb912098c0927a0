"""A turn: the user's message, the twin's reply with its citations, in one go.

``turn_take`` stores what the user typed as a child of the conversation's head,
gathers what grounds the reply (the hybrid search and the subject's standing
context, readings brought up to the freshest stored quote), composes the reply,
and stores it with citations of the exact versions it relied on. Extraction of
the user's message is queued for when the turn commits; the subject access is
logged (surface "chat").

It is one transaction under the subject's lock, so concurrent turns on one
subject queue and never fork its chain. The composer runs in a savepoint: if it
fails (a model error or timeout, or anything unexpected), whatever its tools
wrote is undone, the user's message is kept, and the reply is stored as failed
with its reason; ``turn_retry`` answers it again.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from memory.assistant import get_composer
from memory.assistant.citations import citations_build
from memory.assistant.composer import Composer, ReplyFailed
from memory.assistant.grounding import grounding_gather
from memory.assistant.tools import MemoryTools
from memory.bulk import next_ids
from memory.errors import InvalidTransition, NotFound
from memory.governance.access import subject_access_record
from memory.ledger.chain import Cause, subject_lock
from memory.models import (
    Conversation,
    Message,
    MessageRole,
    MessageStatus,
    SpeakerRole,
    Subject,
    SubjectKind,
)

from .messages import message_append_locked

logger = logging.getLogger(__name__)

TWIN_SPEAKER = "Advisor Twin"
CHAT_SURFACE = "chat"
TOOL_CAUSE_REF = "assistant tool"
INTERNAL_FAILURE = "the reply could not be composed (an internal error, logged)"


@dataclass
class TurnResult:
    """What a turn stored: the user's message, the reply, what the reply did."""

    message: Message
    reply: Message
    grounding_size: int = 0
    operations: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.reply.failure_reason)


def chat_speaker_role(subject) -> str:
    """Return who types in a subject's chat: the advisor of a client, the analyst."""
    if subject.kind == SubjectKind.ANALYST:
        return SpeakerRole.ANALYST
    return SpeakerRole.ADVISOR


@transaction.atomic
def turn_take(
    *,
    conversation: Conversation,
    text: str,
    user_id: int | None,
    speaker: str,
    speaker_role: str = "",
    composer: Composer | None = None,
) -> TurnResult:
    """Take one turn of the chat: store the message, reply with citations."""
    subject = subject_lock(conversation.subject_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    message = message_append_locked(
        just_locked=True,
        subject=subject,
        conversation=conversation,
        role=MessageRole.USER,
        speaker=speaker,
        speaker_role=speaker_role or chat_speaker_role(subject),
        text=text,
        author_user_id=user_id,
    )
    result = _reply_to(message, subject, conversation, composer=composer)
    if user_id is not None:
        subject_access_record(subject=subject, user_id=user_id, surface=CHAT_SURFACE)
    return result


@transaction.atomic
def turn_retry(
    *, reply: Message, user_id: int | None, composer: Composer | None = None
) -> TurnResult:
    """Answer again the message whose reply failed; the failed reply is kept.

    Only the conversation's last reply, and only a failed one, can be retried.
    """
    subject = subject_lock(reply.subject_id)
    reply = Message.objects.select_for_update().get(pk=reply.pk)
    conversation = Conversation.objects.select_for_update().get(
        pk=reply.conversation_id
    )
    if reply.role != MessageRole.ASSISTANT or not reply.failure_reason:
        raise InvalidTransition(
            "Only a failed reply can be retried.", extra={"message_id": reply.pk}
        )
    if reply.status != MessageStatus.ACTIVE or conversation.head_id != reply.pk:
        raise InvalidTransition(
            "Only the conversation's last reply can be retried.",
            extra={"message_id": reply.pk, "head": conversation.head_id},
        )
    message = reply.parent
    if message is None:
        raise NotFound("That reply answers no message.")
    message.subject = subject
    reply.status = MessageStatus.RETRIED
    reply.save(update_fields=["status"])
    result = _reply_to(message, subject, conversation, composer=composer)
    if user_id is not None:
        subject_access_record(subject=subject, user_id=user_id, surface=CHAT_SURFACE)
    return result


def _reply_to(
    message: Message,
    subject: Subject,
    conversation: Conversation,
    *,
    composer: Composer | None,
) -> TurnResult:
    """Compose and store the reply to ``message``.

    The caller holds the subject's lock and the conversation's row.
    """
    composer = composer or get_composer()
    grounding = grounding_gather(message=message, conversation=conversation)
    # Drawn first so the changes the reply's tools make name it as their cause.
    (reply_id,) = next_ids(Message, 1)
    tools = MemoryTools(
        subject=message.subject,
        cause=Cause.message(reply_id, ref=TOOL_CAUSE_REF),
        source_message=message,
    )
    try:
        with transaction.atomic():
            composition = composer.compose(grounding, tools=tools)
            reply = message_append_locked(
                subject=subject,
                conversation=conversation,
                role=MessageRole.ASSISTANT,
                speaker=TWIN_SPEAKER,
                speaker_role=SpeakerRole.ASSISTANT,
                text=composition.text,
                parent=message,
                message_id=reply_id,
                citations=citations_build(
                    subject=subject,
                    memory_ids=composition.cited,
                    # What the tools wrote since is read again.
                    known=None if _wrote(composition) else grounding.memories,
                ),
                author_label=composition.author,
                operations=composition.operations,
                extract=False,
            )
    except ReplyFailed as failure:
        reply = _failed_reply(message, subject, conversation, failure.reason, composer)
    except Exception:
        logger.exception("The reply to message %s could not be composed", message.pk)
        reply = _failed_reply(
            message, subject, conversation, INTERNAL_FAILURE, composer
        )
    return TurnResult(
        message=message,
        reply=reply,
        grounding_size=len(grounding.memory_ids),
        operations=list(reply.operations),
    )


def _wrote(composition) -> bool:
    return any(op.get("status") == "applied" for op in composition.operations)


def _failed_reply(
    message: Message,
    subject: Subject,
    conversation: Conversation,
    reason: str,
    composer: Composer,
) -> Message:
    """Store a failed reply: kept in the transcript, no episode, to be retried."""
    reason = reason.strip() or "no reason given"
    return message_append_locked(
        subject=subject,
        conversation=conversation,
        role=MessageRole.ASSISTANT,
        speaker=TWIN_SPEAKER,
        speaker_role=SpeakerRole.ASSISTANT,
        text=f"No reply: {reason}. You can retry.",
        parent=message,
        author_label=getattr(composer, "name", "") or "",
        failure_reason=reason,
        occurred_at=timezone.now(),
        extract=False,
    )
