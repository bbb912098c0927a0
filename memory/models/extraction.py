"""Extraction that failed: a message the model could not read, and why."""

from django.db import models
from django.utils import timezone

from .conversations import Message
from .subjects import Subject


class ExtractionFailure(models.Model):
    """A message whose extraction failed, retried with backoff, then parked.

    ``reason`` names what went wrong with the model server (timed out, HTTP 503,
    invalid JSON) and never quotes what was said: it outlives an erasure of the
    message's content. A parked message is retried no more until a person asks;
    a later success marks the failure resolved.
    """

    message = models.OneToOneField(
        Message, on_delete=models.PROTECT, related_name="extraction_failure"
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="extraction_failures"
    )
    tenant_id = models.BigIntegerField()
    extractor = models.CharField(max_length=200, help_text="e.g. model:gpt-4o-mini")
    attempts = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=500)
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_failed_at = models.DateTimeField(default=timezone.now)
    parked_at = models.DateTimeField(
        null=True, blank=True, help_text="Retried no more until a person asks."
    )
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="A later attempt extracted the message."
    )

    class Meta:
        ordering = ["-last_failed_at", "-pk"]
        indexes = [
            models.Index(
                fields=["tenant_id", "parked_at"], name="extraction_failure_tenant"
            )
        ]

    def __str__(self):
        state = "parked" if self.parked_at else "retrying"
        if self.resolved_at:
            state = "resolved"
        return f"Extraction of message #{self.message_id} ({state})"
