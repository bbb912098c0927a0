"""Governance records: legal holds, erasures, and the access log."""

from django.db import models
from django.utils import timezone

from .subjects import Subject


class LegalHold(models.Model):
    """A hold on a subject's records: blocks expiry and erasure until released."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="legal_holds"
    )
    matter = models.CharField(max_length=200)
    scope = models.TextField(blank=True)
    approver_user_id = models.BigIntegerField()
    reason = models.TextField()
    placed_by_user_id = models.BigIntegerField()
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by_user_id = models.BigIntegerField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self):
        return f"Hold {self.matter} on subject #{self.subject_id}"


class Erasure(models.Model):
    """The record of a subject's erasure: who, why, when, and how much."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="erasures"
    )
    requested_by_user_id = models.BigIntegerField()
    reason = models.TextField()
    memories_erased = models.PositiveIntegerField(default=0)
    events_redacted = models.PositiveIntegerField(default=0)
    messages_erased = models.PositiveIntegerField(default=0)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Erasure of subject #{self.subject_id} at {self.erased_at:%Y-%m-%d}"


class SubjectAccess(models.Model):
    """Who viewed which subject's memory, where, and when (for compliance)."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="accesses"
    )
    tenant_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    surface = models.CharField(max_length=40)
    accessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["tenant_id", "accessed_at"])]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"

    def __str__(self):
        return f"User {self.user_id} viewed subject #{self.subject_id} ({self.surface})"
