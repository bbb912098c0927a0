"""The ledger's rows: one append-only, hash-chained event per change to a memory."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .conversations import Message
from .fields import CanonicalJSONField, TransactionIdField
from .memories import Memory
from .subjects import Subject


class EventAction(models.TextChoices):
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    SUPERSEDE = "supersede", "Supersede"
    RETRACT = "retract", "Retract"
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    REFRESH = "refresh", "Refresh"
    REVERT = "revert", "Revert"
    RESTORE = "restore", "Restore"
    ERASE = "erase", "Erase"


class CauseType(models.TextChoices):
    USER = "user", "User"
    MESSAGE = "message", "Message"
    TASK = "task", "Background task"
    API = "api", "API request"
    IMPORT = "import", "Transcript import"
    ROLLBACK = "rollback", "Rollback"
    REFRESH = "refresh", "Market refresh"
    SYSTEM = "system", "System"


class MemoryEvent(models.Model):
    """An append-only ledger entry: one change to one memory, chained by hash.

    The database refuses UPDATE and DELETE of these rows (see the migration
    ``0002_ledger_append_only``), except the one update erasure makes: removing the
    content while keeping its digest, so the chain still verifies.
    """

    # Each foreign key below is covered by a composite index (see Meta): a
    # single-column index of its own would only slow every append.
    # Nor do they carry database constraints: a constraint checks every appended
    # row against its parents, which cost more than the append itself. Only the
    # ledger appends, naming rows it holds locked; and the database refuses to
    # delete a subject, memory or message the ledger names (migration 0009), so
    # no event can lose its parent.
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    tenant_id = models.BigIntegerField()
    sequence = models.PositiveBigIntegerField()
    memory = models.ForeignKey(
        Memory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(max_length=20, choices=EventAction.choices)
    # Stored as the canonical text whose digest the chain holds.
    before = CanonicalJSONField(null=True, blank=True)
    after = CanonicalJSONField(null=True, blank=True)
    content_digest = models.CharField(max_length=64)
    cause_type = models.CharField(max_length=20, choices=CauseType.choices)
    cause_user_id = models.BigIntegerField(null=True, blank=True)
    cause_message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    cause_ref = models.CharField(
        max_length=200, blank=True, help_text="Task id, API request id, import id..."
    )
    reason = models.TextField(blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True)
    # Not unique by index: (subject, sequence) already is, and the chain, which
    # each hash covers, is what makes an event's hash its own.
    hash = models.CharField(max_length=64)
    redacted_at = models.DateTimeField(null=True, blank=True)
    # The writing transaction, from the database: the changes feed serves an
    # event only once every transaction older than its own has ended, so a
    # transaction that commits late is never skipped (``ledger.feed``). Null on
    # events written before it existed (all long committed).
    txid = TransactionIdField()
    # How the hash reads the event (``memory.ledger.chain``): 1, the reason as
    # text in the header; 2, the reason inside the content digest, so erasure
    # can remove it. Rows from before version 2 are 1.
    chain_version = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["subject_id", "sequence"]
        indexes = [
            models.Index(fields=["memory", "sequence"], name="event_memory_sequence"),
            models.Index(fields=["tenant_id", "id"], name="event_tenant_cursor"),
            # Most events have no cause message (refreshes, API, tasks): they
            # stay out of this index.
            models.Index(
                fields=["cause_message"],
                name="event_cause_message",
                condition=Q(cause_message__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "sequence"], name="event_sequence_per_subject"
            )
        ]

    def __str__(self):
        return f"#{self.sequence} {self.action} memory {self.memory_id}"
