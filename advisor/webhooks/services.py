"""Webhook subscriptions, the outbox, and delivery attempts with backoff.

The outbox is read, never written, by the memory engine: every few seconds the
worker turns what each subscription's firm committed since its last look (the
changes feed, alerts, finished imports) into deliveries, each once; deliveries
are then attempted, retried with exponential backoff and jitter, every attempt
logged, and a subscription that keeps failing is disabled with its reason.
"""

import json
import random
import secrets
from base64 import b64encode
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from advisor.changes import event_type, feed_events_data
from advisor.models import Firm, User
from advisor.selectors import client_external_ids
from memory.errors import InvalidMemory, full_clean_or_raise
from memory.ledger.feed import START, FeedPosition, feed_horizon, memory_events_after
from memory.models import EventAction, ImportJob
from memory.readings.alerts import alerts_raised_after

from . import sender
from .models import EventType, WebhookAttempt, WebhookDelivery, WebhookSubscription

MEMORY_TYPES = {
    EventType.MEMORY_CHANGED,
    EventType.MEMORY_PROPOSED,
    EventType.MEMORY_REVIEWED,
}
PAGE = 500
PAGES_PER_POLL = 20
# A finished import is looked for again this long after: its job may commit
# a moment after it says it finished. Deliveries are made once whatever.
IMPORT_LOOKBACK = timedelta(minutes=10)
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 6 * 60 * 60


def _event_types_clean(event_types) -> list[str]:
    if not isinstance(event_types, list) or not event_types:
        raise InvalidMemory({"event_types": f"choose from {', '.join(EventType)}"})
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise InvalidMemory(
            {"event_types": f"{unknown[0]!r} is not one of {', '.join(EventType)}"}
        )
    return sorted(set(event_types))


def _url_clean(url: str) -> str:
    refusal = sender.url_refusal(url)
    if refusal:
        raise InvalidMemory({"url": refusal})
    return url


def new_secret() -> str:
    """Return a fresh Standard Webhooks signing secret."""
    return "whsec_" + b64encode(secrets.token_bytes(32)).decode()


@transaction.atomic
def subscription_create(
    *,
    firm: Firm,
    url: str,
    event_types: list[str],
    description: str = "",
    created_by: User | None = None,
) -> WebhookSubscription:
    """Subscribe a receiver to a firm's events, from now on."""
    now = timezone.now()
    subscription = WebhookSubscription(
        firm=firm,
        url=_url_clean(url),
        event_types=_event_types_clean(event_types),
        description=description,
        secret=new_secret(),
        events_after=feed_horizon().encode(),
        alerts_after=feed_horizon().encode(),
        imports_checked_at=now,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    full_clean_or_raise(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_update(
    *, subscription: WebhookSubscription, **fields
) -> WebhookSubscription:
    """Change a subscription; turning it on again clears why it was disabled."""
    subscription = WebhookSubscription.objects.select_for_update().get(
        pk=subscription.pk
    )
    for name, value in fields.items():
        if name == "url":
            value = _url_clean(value)
        elif name == "event_types":
            value = _event_types_clean(value)
        elif name not in ("description", "is_active"):
            raise InvalidMemory({name: "cannot be changed"})
        setattr(subscription, name, value)
    if fields.get("is_active") is True:
        subscription.disabled_at = None
        subscription.disabled_reason = ""
        subscription.consecutive_failures = 0
    subscription.updated_at = timezone.now()
    full_clean_or_raise(subscription)
    subscription.save()
    return subscription


@transaction.atomic
def subscription_secret_rotate(
    *, subscription: WebhookSubscription
) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.select_for_update().get(
        pk=subscription.pk
    )
    subscription.secret = new_secret()
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Remove a subscription with its deliveries and their log."""
    WebhookSubscription.objects.filter(pk=subscription.pk).delete()


def _envelope(kind: str, data: dict, at) -> dict:
    return {"type": kind, "timestamp": at.isoformat(), "data": data}


def _collect_events(subscription, now) -> list[WebhookDelivery]:
    wanted = set(subscription.event_types) & MEMORY_TYPES
    if not wanted:
        subscription.events_after = feed_horizon().encode()
        return []
    after = (
        FeedPosition.decode(subscription.events_after)
        if subscription.events_after
        else START
    )
    deliveries = []
    for _ in range(PAGES_PER_POLL):
        page = memory_events_after(
            tenant_id=subscription.firm_id,
            after=after,
            limit=PAGE,
            exclude_actions=[EventAction.REFRESH],
        )
        chosen = [event for event in page.events if event_type(event) in wanted]
        for data in feed_events_data(chosen):
            deliveries.append(
                WebhookDelivery(
                    subscription=subscription,
                    message_id=f"msg_event_{data['id']}",
                    event_type=data["type"],
                    payload=_envelope(data["type"], data, now),
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        after = page.next
        if not page.has_more:
            break
    subscription.events_after = after.encode()
    return deliveries


def _collect_alerts(subscription, now) -> list[WebhookDelivery]:
    if EventType.ALERT_RAISED not in subscription.event_types:
        subscription.alerts_after = feed_horizon().encode()
        return []
    after = (
        FeedPosition.decode(subscription.alerts_after)
        if subscription.alerts_after
        else START
    )
    alerts, following = alerts_raised_after(
        tenant_id=subscription.firm_id, after=after, limit=PAGE * PAGES_PER_POLL
    )
    subscription.alerts_after = following.encode()
    crm = client_external_ids(subject_ids={alert.subject_id for alert in alerts})
    return [
        WebhookDelivery(
            subscription=subscription,
            message_id=f"msg_alert_{alert.pk}",
            event_type=EventType.ALERT_RAISED,
            payload=_envelope(
                EventType.ALERT_RAISED,
                {
                    "id": alert.pk,
                    "kind": alert.kind,
                    "instrument_id": alert.instrument_id,
                    "price": str(alert.price),
                    "threshold": None
                    if alert.threshold is None
                    else str(alert.threshold),
                    "memory_id": alert.memory_id,
                    "subject_id": alert.subject_id,
                    "client_external_id": crm.get(alert.subject_id) or None,
                    "created_at": alert.created_at.isoformat(),
                },
                now,
            ),
            next_attempt_at=now,
            created_at=now,
        )
        for alert in alerts
    ]


def _collect_imports(subscription, now) -> list[WebhookDelivery]:
    since = subscription.imports_checked_at - IMPORT_LOOKBACK
    subscription.imports_checked_at = now
    if EventType.IMPORT_FINISHED not in subscription.event_types:
        return []
    jobs = list(
        ImportJob.objects.filter(
            subject__tenant_id=subscription.firm_id,
            status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED],
            finished_at__gte=since,
        ).order_by("pk")
    )
    crm = client_external_ids(subject_ids={job.subject_id for job in jobs})
    return [
        WebhookDelivery(
            subscription=subscription,
            message_id=f"msg_import_{job.pk}",
            event_type=EventType.IMPORT_FINISHED,
            payload=_envelope(
                EventType.IMPORT_FINISHED,
                {
                    "id": job.pk,
                    "status": job.status,
                    "fully_indexed": job.fully_indexed,
                    "conversation_id": job.conversation_id,
                    "subject_id": job.subject_id,
                    "client_external_id": crm.get(job.subject_id) or None,
                    "turns_total": job.turns_total,
                    "turns_stored": job.turns_stored,
                    "turns_skipped": job.turns_skipped,
                    "finished_at": job.finished_at.isoformat(),
                },
                now,
            ),
            next_attempt_at=now,
            created_at=now,
        )
        for job in jobs
    ]


def outbox_collect(*, subscription_ids: list[int] | None = None) -> int:
    """Turn what each active subscription's firm committed since into deliveries.

    Each subscription in its own transaction, skipped if another worker holds
    it; each message once per subscription. Return how many were made.
    """
    subscriptions = WebhookSubscription.objects.filter(is_active=True)
    if subscription_ids is not None:
        subscriptions = subscriptions.filter(pk__in=subscription_ids)
    made = 0
    for pk in subscriptions.values_list("pk", flat=True):
        with transaction.atomic():
            subscription = (
                WebhookSubscription.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, is_active=True)
                .first()
            )
            if subscription is None:
                continue
            now = timezone.now()
            deliveries = (
                _collect_events(subscription, now)
                + _collect_alerts(subscription, now)
                + _collect_imports(subscription, now)
            )
            made += len(
                WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            )
            subscription.save(
                update_fields=["events_after", "alerts_after", "imports_checked_at"]
            )
    return made


def deliveries_due(*, limit: int = 200) -> list[int]:
    """Return the pending deliveries of active subscriptions due for an attempt."""
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            subscription__is_active=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def backoff_seconds(attempts: int) -> float:
    """Return the wait before the next attempt after ``attempts`` failed ones:
    exponential, capped, with jitter (between half and all of it)."""
    base = getattr(settings, "WEBHOOKS_RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    delay = min(RETRY_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return random.uniform(delay / 2, delay)


def body_of(delivery: WebhookDelivery) -> str:
    """Return the exact text sent (and signed) for a delivery."""
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":"))


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Attempt a due delivery once, and log it; None if it is not due.

    The delivery is claimed first (so another worker does not send it too),
    then sent with no transaction open, then its outcome recorded.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(
                pk=delivery_id,
                status=WebhookDelivery.Status.PENDING,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if delivery is None or not delivery.subscription.is_active:
            return None
        claim = timedelta(seconds=settings.WEBHOOKS_TIMEOUT_SECONDS + 60)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=now + claim
        )
    subscription = delivery.subscription
    result = sender.send(
        url=subscription.url,
        secret=subscription.secret,
        message_id=delivery.message_id,
        body=body_of(delivery),
    )
    return _attempt_record(delivery_id=delivery.pk, result=result)


@transaction.atomic
def _attempt_record(*, delivery_id: int, result: sender.SendResult) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
    subscription = WebhookSubscription.objects.select_for_update().get(
        pk=delivery.subscription_id
    )
    now = timezone.now()
    attempt = WebhookAttempt(
        delivery=delivery,
        attempted_at=now,
        duration_ms=result.duration_ms,
        status_code=result.status_code,
        succeeded=result.succeeded,
        error=result.error,
        response_excerpt=result.excerpt,
    )
    full_clean_or_raise(attempt, exclude=["delivery"])
    attempt.save()
    delivery.attempts += 1
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    if result.succeeded:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        subscription.consecutive_failures = 0
    else:
        subscription.consecutive_failures += 1
        if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            delivery.next_attempt_at = now + timedelta(
                seconds=backoff_seconds(delivery.attempts)
            )
        limit = settings.WEBHOOKS_DISABLE_AFTER_FAILURES
        if subscription.is_active and subscription.consecutive_failures >= limit:
            subscription.is_active = False
            subscription.disabled_at = now
            subscription.disabled_reason = (
                f"Disabled after {subscription.consecutive_failures} failed attempts "
                f"in a row; the last: {result.error or 'no answer'} "
                f"({delivery.message_id}). Turn it on again once the receiver works."
            )
    delivery.save()
    subscription.save(
        update_fields=[
            "consecutive_failures",
            "is_active",
            "disabled_at",
            "disabled_reason",
        ]
    )
    return delivery


@transaction.atomic
def deliveries_forget_subject(*, subject_id: int) -> int:
    """Remove an erased subject's CRM id from the deliveries log; return how many.

    Deliveries are thin already (no content); the CRM id is the one personal
    identifier they carry.
    """
    changed = 0
    for delivery in WebhookDelivery.objects.select_for_update().filter(
        payload__data__subject_id=subject_id
    ):
        if delivery.payload["data"].get("client_external_id") is not None:
            delivery.payload["data"]["client_external_id"] = None
            delivery.save(update_fields=["payload"])
            changed += 1
    return changed
