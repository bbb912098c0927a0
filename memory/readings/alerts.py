"""Alerts that refreshes raised when a reading crossed a threshold."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from memory.models import MarketAlert


@transaction.atomic
def alert_acknowledge(*, alert: MarketAlert, user_id: int) -> MarketAlert:
    """Mark an alert as seen by a user (the first acknowledgement stands)."""
    alert = MarketAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by_user_id = user_id
        alert.full_clean()
        alert.save(update_fields=["acknowledged_at", "acknowledged_by_user_id"])
    return alert


def alerts_open(*, tenant_id: int, subject_ids: Iterable[int] | None = None):
    """Return a tenant's unacknowledged alerts, newest first."""
    alerts = MarketAlert.objects.filter(tenant_id=tenant_id, acknowledged_at=None)
    if subject_ids is not None:
        alerts = alerts.filter(subject_id__in=list(subject_ids))
    return alerts.select_related("memory", "reference__instrument")


def alert_get(*, subject_id: int, alert_id: int) -> MarketAlert | None:
    """Return one alert of a subject, or None."""
    return MarketAlert.objects.filter(pk=alert_id, subject_id=subject_id).first()
