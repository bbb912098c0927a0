"""Subjects, whoever a memory is about, and each tenant's memory policy."""

from django.db import models
from django.utils import timezone


class SubjectKind(models.TextChoices):
    CLIENT = "client", "Client"
    ANALYST = "analyst", "Analyst"


class Subject(models.Model):
    """Whoever a memory is about: a client or an analyst, within one tenant."""

    tenant_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    summary = models.TextField(blank=True)
    summary_updated_at = models.DateTimeField(null=True, blank=True)
    # The ledger's tail, kept here so appends serialise on this one row.
    ledger_length = models.PositiveBigIntegerField(default=0)
    ledger_head = models.CharField(max_length=64, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.get_kind_display()} subject #{self.pk}"


class MemoryPolicy(models.Model):
    """A tenant's choices for its memory: review of extractions, market freshness."""

    tenant_id = models.BigIntegerField(unique=True)
    auto_apply_extractions = models.BooleanField(
        default=True,
        help_text="Apply extracted memories at once; otherwise they wait as proposed.",
    )
    min_auto_apply_confidence = models.FloatField(
        default=0.6, help_text="Extractions below this confidence always wait."
    )
    stale_after_minutes = models.PositiveIntegerField(
        default=24 * 60, help_text="A quote older than this is stale (market closed)."
    )
    stale_after_minutes_market_hours = models.PositiveIntegerField(
        default=15, help_text="A quote older than this is stale while markets trade."
    )
    move_threshold = models.DecimalField(
        max_digits=6,
        decimal_places=4,
        default="0.0500",
        help_text="A move beyond this fraction of the stated price makes it stale.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "memory policies"

    def __str__(self):
        return f"Memory policy of tenant {self.tenant_id}"
