"""Alerts that refreshes raised when a reading crossed a threshold."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from memory.ledger.feed import LAST_ID, START, FeedPosition
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


ALERTS_AFTER_SQL = """
WITH horizon AS MATERIALIZED (
    SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin
)
SELECT a.id, COALESCE(a.txid, '0'::xid8)::text, h.xmin::text
FROM horizon h
LEFT JOIN LATERAL (
    SELECT a.id, a.txid FROM memory_marketalert a
    WHERE a.tenant_id = %(tenant)s
      AND (COALESCE(a.txid, '0'::xid8), a.id) > (%(txid)s::xid8, %(id)s)
      AND COALESCE(a.txid, '0'::xid8) < h.xmin
    ORDER BY COALESCE(a.txid, '0'::xid8), a.id
    LIMIT %(limit)s
) a ON true
ORDER BY COALESCE(a.txid, '0'::xid8), a.id
"""


def alerts_raised_after(
    *, tenant_id: int, after: FeedPosition = START, limit: int = 500
) -> tuple[list[MarketAlert], FeedPosition]:
    """Return a tenant's alerts raised after ``after``, and where to go on from.

    In the changes feed's order, by the raising transaction: only alerts of
    transactions that had ended, so one committed late is never skipped.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            ALERTS_AFTER_SQL,
            {
                "tenant": tenant_id,
                "txid": str(after.txid),
                "id": after.id,
                "limit": limit + 1,
            },
        )
        rows = cursor.fetchall()
    horizon = int(rows[0][-1])
    found = [(row[0], int(row[1])) for row in rows if row[0] is not None]
    if len(found) > limit:
        found = found[:limit]
        following = FeedPosition(found[-1][1], found[-1][0])
    else:
        following = max(after, FeedPosition(horizon - 1, LAST_ID))
    by_id = MarketAlert.objects.in_bulk([pk for pk, _ in found])
    return [by_id[pk] for pk, _ in found if pk in by_id], following
