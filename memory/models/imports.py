"""Transcript imports and their progress."""

from django.db import models
from django.utils import timezone

from .conversations import Conversation
from .subjects import Subject


class ImportJob(models.Model):
    """A transcript import and its progress: stored, embedded, extracted."""

    class Status(models.TextChoices):
        STORING = "storing", "Storing turns"
        INDEXING = "indexing", "Indexing (embedding and extraction)"
        DONE = "done", "Fully indexed"
        FAILED = "failed", "Failed"

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="imports"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, related_name="imports"
    )
    requested_by_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.STORING
    )
    turns_total = models.PositiveIntegerField(default=0)
    turns_stored = models.PositiveIntegerField(default=0)
    turns_skipped = models.PositiveIntegerField(
        default=0, help_text="Turns whose external id was imported before."
    )
    turns_embedded = models.PositiveIntegerField(default=0)
    turns_extracted = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self):
        return f"Import #{self.pk} ({self.get_status_display()})"

    @property
    def fully_indexed(self) -> bool:
        return self.status == self.Status.DONE
