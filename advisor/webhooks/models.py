"""Webhook subscriptions, their deliveries, and each attempt to deliver."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from advisor.models import Firm, User


class EventType(models.TextChoices):
    MEMORY_CHANGED = "memory.changed", "A memory was recorded, changed or erased"
    MEMORY_PROPOSED = "memory.proposed", "A memory was proposed for review"
    MEMORY_REVIEWED = "memory.reviewed", "A proposed memory was approved or rejected"
    ALERT_RAISED = "alert.raised", "A market alert was raised"
    IMPORT_FINISHED = "import.finished", "A transcript import finished"


class WebhookSubscription(models.Model):
    """A firm's receiver: its URL, the events it wants, and its signing secret."""

    firm = models.ForeignKey(
        Firm, on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list)
    # A Standard Webhooks secret ("whsec_" and base64): the receiver verifies
    # each delivery's signature with it.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.TextField(blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # How far the outbox has read each source for this subscription.
    events_after = models.CharField(max_length=80, blank=True)
    alerts_after = models.CharField(max_length=80, blank=True)
    imports_checked_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.url} ({', '.join(self.event_types)})"


class WebhookDelivery(models.Model):
    """One message to one subscription, attempted until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The ``webhook-id`` header: the same for every attempt, so a receiver can
    # drop a message it already has.
    message_id = models.CharField(max_length=80)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "message_id"],
                name="webhook_message_once_per_subscription",
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.message_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at a delivery: when, how long, and what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["attempted_at", "pk"]

    def __str__(self):
        return f"Attempt at {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code}"
