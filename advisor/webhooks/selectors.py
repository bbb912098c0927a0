"""Reads of webhook subscriptions and their deliveries, scoped to one firm."""

from django.db.models import QuerySet

from .models import WebhookDelivery, WebhookSubscription


def subscription_list(*, firm_id: int) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(firm_id=firm_id).order_by("pk")


def subscription_get(
    *, firm_id: int, subscription_id: int
) -> WebhookSubscription | None:
    return subscription_list(firm_id=firm_id).filter(pk=subscription_id).first()


def subscription_deliveries(
    *, subscription: WebhookSubscription
) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).prefetch_related(
        "attempt_log"
    )
