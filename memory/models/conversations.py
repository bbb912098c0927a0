"""Conversations and their messages: the episodic layer, a tree per conversation."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .subjects import Subject


class Conversation(models.Model):
    """A tree of messages about one subject; its head is the active leaf."""

    class Origin(models.TextChoices):
        CHAT = "chat", "Chat"
        IMPORT = "import", "Transcript import"
        API = "api", "API"

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    origin = models.CharField(
        max_length=20, choices=Origin.choices, default=Origin.CHAT
    )
    external_id = models.CharField(max_length=200, blank=True)
    head = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    created_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "external_id"],
                condition=~Q(external_id=""),
                name="conversation_external_id_per_subject",
            )
        ]

    def __str__(self):
        return self.title or f"Conversation #{self.pk}"


class MessageRole(models.TextChoices):
    USER = "user", "User"
    ASSISTANT = "assistant", "Assistant"
    SYSTEM = "system", "System"


class SpeakerRole(models.TextChoices):
    """Who spoke, relative to the subject: the role decides whose memory it is.

    A client or an analyst speaks for themselves; an advisor speaks about the
    client; the assistant's and the system's words are never mined for facts.
    """

    CLIENT = "client", "Client"
    ADVISOR = "advisor", "Advisor"
    ANALYST = "analyst", "Analyst"
    ASSISTANT = "assistant", "Assistant"
    SYSTEM = "system", "System"


# The message role (who holds the turn in the conversation) of each speaker role.
MESSAGE_ROLE_OF = {
    SpeakerRole.CLIENT: "user",
    SpeakerRole.ADVISOR: "user",
    SpeakerRole.ANALYST: "user",
    SpeakerRole.ASSISTANT: "assistant",
    SpeakerRole.SYSTEM: "system",
}


class MessageStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ROLLED_BACK = "rolled_back", "Rolled back"
    # A failed reply that a retry answered again: kept, off the active branch.
    RETRIED = "retried", "Failed, then retried"


class Message(models.Model):
    """One turn of a conversation: the episodic layer, kept verbatim."""

    # Covered by the (conversation, occurred_at) index: no index of its own.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="messages"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    role = models.CharField(max_length=20, choices=MessageRole.choices)
    speaker = models.CharField(
        max_length=120, help_text="Who spoke, as the CRM or the chat names them."
    )
    speaker_role = models.CharField(
        max_length=20,
        choices=SpeakerRole.choices,
        blank=True,
        default="",
        db_default="",
        help_text="The speaker's role: it, never the name, decides whose memory.",
    )
    text = models.TextField()
    occurred_at = models.DateTimeField(default=timezone.now)
    external_id = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.ACTIVE
    )
    author_user_id = models.BigIntegerField(null=True, blank=True)
    # For replies: the memories and the exact versions (ledger events) relied on.
    citations = models.JSONField(default=list, blank=True)
    # For replies: what composed it ("offline-composer/1", "model:gpt-4o-mini").
    author_label = models.CharField(
        max_length=200, blank=True, default="", db_default=""
    )
    # For replies: what its memory tools did, by id only (no content to erase).
    operations = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(
        blank=True,
        default="",
        db_default="",
        help_text="Why the reply failed (a failed reply can be retried).",
    )
    extracted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["conversation", "occurred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "external_id"],
                condition=~Q(external_id=""),
                name="message_external_id_per_subject",
            )
        ]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"
