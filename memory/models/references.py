"""Market references of memories, and the alerts their readings raise."""

from django.db import models
from django.utils import timezone

from .fields import CanonicalJSONField, TransactionIdField
from .memories import Memory
from .subjects import Subject


class StatedPriceSource(models.TextChoices):
    STATED = "stated", "Stated in the memory"
    QUOTE_AT_STATEMENT = "quote at statement", "Quote when it was stated"
    FIRST_QUOTE_AFTER = "first quote after", "First quote after it was stated"
    PENDING = "pending", "No quote known yet"


class MarketReference(models.Model):
    """A memory's tie to the market: its instrument, the price when it was stated.

    What was said stays in the memory; the reference carries the last quote the
    memory was read against, and which alerts it has already raised.
    """

    memory = models.OneToOneField(
        Memory, on_delete=models.PROTECT, related_name="market_reference"
    )
    # Denormalised from the memory so a refresh can group and lock by set.
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="market_references"
    )
    tenant_id = models.BigIntegerField()
    # No reverse accessor: the market app knows nothing of memories.
    instrument = models.ForeignKey(
        "market.Instrument", on_delete=models.PROTECT, related_name="+"
    )
    stated_price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="The price when the memory was stated; empty until one is known.",
    )
    stated_price_source = models.CharField(
        max_length=30,
        choices=StatedPriceSource.choices,
        default=StatedPriceSource.PENDING,
    )
    stated_price_as_of = models.DateTimeField(
        null=True, blank=True, help_text="When the stated price was true."
    )
    stated_currency = models.CharField(max_length=3, default="USD")
    stated_at = models.DateTimeField()
    last_price = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    last_price_as_of = models.DateTimeField(null=True, blank=True)
    last_price_source = models.CharField(max_length=40, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Alert keys already raised ("target_reached:180"), so each fires exactly once.
    crossed = models.JSONField(default=list, blank=True)
    # The memory's current reading (holding value, a view's move...): derived
    # from the last quote, rewritten by every refresh. It lives here, not on the
    # memory, so a refresh never rewrites the memory's wide row (its vector and
    # text indexes); none of the columns a refresh writes is indexed, and the
    # table keeps room on each page (fillfactor, migration 0008), so PostgreSQL
    # updates these rows in place (HOT). Kept as canonical text: the refresh puts
    # it into the ledger as it reads it.
    reading = CanonicalJSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # A firm's refresh finds its subjects without reading every firm's
            # references.
            models.Index(
                fields=["tenant_id", "subject"], name="reference_tenant_subject"
            )
        ]

    def __str__(self):
        return f"Market reference of memory #{self.memory_id}"


class MarketAlertKind(models.TextChoices):
    TARGET_REACHED = "target_reached", "Target reached"
    INVALIDATED = "invalidated", "View invalidated"
    MOVED_BEYOND_THRESHOLD = "moved_beyond_threshold", "Moved beyond the threshold"


class MarketAlert(models.Model):
    """A threshold a memory's reading crossed: raised once, acknowledged by a user."""

    tenant_id = models.BigIntegerField()
    # Subject and memory are the reference's own, copied for filtering. Only a
    # refresh raises alerts, for references it holds under their subjects'
    # locks: the database checks no key per alert (a lookup and a row lock each,
    # a sixth of a refresh), and refuses instead to delete a reference an alert
    # names (migration 0010).
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="market_alerts",
        db_constraint=False,
    )
    memory = models.ForeignKey(
        Memory,
        on_delete=models.PROTECT,
        related_name="market_alerts",
        db_constraint=False,
        db_index=False,
    )
    # Covered by the unique (reference, instrument, kind, threshold_key) constraint.
    reference = models.ForeignKey(
        MarketReference,
        on_delete=models.PROTECT,
        related_name="alerts",
        db_constraint=False,
        db_index=False,
    )
    # The reference's instrument when the alert was raised: a reference moves
    # when its memory's instrument is corrected, and the new instrument crossing
    # the same threshold is a new alert. Unchecked for the same reason as the
    # reference (instruments are never deleted).
    instrument = models.ForeignKey(
        "market.Instrument",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=40, choices=MarketAlertKind.choices)
    # Which threshold of the kind ("up:0.0500", "180"): the alert's identity.
    threshold_key = models.CharField(max_length=60, blank=True)
    message = models.TextField()
    price = models.DecimalField(max_digits=18, decimal_places=6)
    threshold = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_user_id = models.BigIntegerField(null=True, blank=True)
    # The raising transaction, from the database: webhooks read alerts in the
    # order the changes feed reads events, never skipping a late commit.
    txid = TransactionIdField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant_id", "acknowledged_at", "created_at"],
                name="alert_tenant_open",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "instrument", "kind", "threshold_key"],
                name="alert_once_per_threshold",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message[:60]}"
