"""Webhooks end to end in one process: the outbox, signed deliveries, retries.

Deliveries go to a real HTTP receiver on 127.0.0.1 and are verified with the
svix package's verifier, as an integrator would.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from svix.webhooks import Webhook, WebhookVerificationError

from advisor.webhooks.models import WebhookAttempt, WebhookDelivery
from advisor.webhooks.services import (
    backoff_seconds,
    deliveries_due,
    delivery_attempt,
    outbox_collect,
    subscription_create,
    subscription_update,
)
from advisor.webhooks.tasks import dispatch_task
from memory.ledger.chain import Cause
from memory.models import MemoryStatus
from memory.services import memory_approve, memory_record
from tests.factories import ClientFactory
from tests.fakes.webhook_receiver import WebhookReceiver

# Committed data only: the outbox reads what other transactions can see.
pytestmark = pytest.mark.django_db(transaction=True)


def fact(client, text, **fields):
    return memory_record(
        subject=client.subject,
        kind="fact",
        text=text,
        payload={},
        cause=Cause.user(client.advisor_id),
        **fields,
    )


def test_a_memory_change_reaches_the_receiver_signed_and_thin():
    client = ClientFactory(external_id="CRM-77")
    with WebhookReceiver() as receiver:
        subscription = subscription_create(
            firm=client.firm, url=receiver.url, event_types=["memory.changed"]
        )
        memory = fact(client, "Second grandchild born in May")
        result = dispatch_task()
        assert result == {"created": 1, "queued": 1}
    (delivery,) = receiver.received
    Webhook(subscription.secret).verify(delivery.body, delivery.headers)  # raises
    payload = json.loads(delivery.body)
    assert payload["type"] == "memory.changed"
    data = payload["data"]
    assert data["memory_id"] == memory.pk and data["action"] == "create"
    assert data["client_external_id"] == "CRM-77"
    assert "grandchild" not in delivery.body.decode()  # thin: no content
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription.secret).verify(delivery.body + b" ", delivery.headers)
    stored = WebhookDelivery.objects.get()
    assert stored.status == "delivered" and stored.attempts == 1
    assert delivery.headers["webhook-id"] == stored.message_id
    # Collected once: another poll makes nothing new.
    assert outbox_collect() == 0


def test_only_the_types_subscribed_are_sent_and_proposals_are_named():
    client = ClientFactory()
    with WebhookReceiver() as receiver:
        subscription_create(
            firm=client.firm,
            url=receiver.url,
            event_types=["memory.proposed", "memory.reviewed"],
        )
        fact(client, "Active at once")
        proposal = fact(client, "Maybe moving", status=MemoryStatus.PROPOSED)
        memory_approve(memory=proposal, cause=Cause.user(client.advisor_id))
        dispatch_task()
    types = [json.loads(r.body)["type"] for r in receiver.received]
    assert sorted(types) == ["memory.proposed", "memory.reviewed"]


def test_another_firms_changes_are_never_sent():
    mine, theirs = ClientFactory(), ClientFactory()
    with WebhookReceiver() as receiver:
        subscription_create(
            firm=mine.firm, url=receiver.url, event_types=["memory.changed"]
        )
        fact(theirs, "Not yours")
        dispatch_task()
    assert receiver.received == []


def test_failures_are_retried_with_backoff_logged_and_finally_disable(settings):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOKS_MAX_ATTEMPTS = 10
    client = ClientFactory()
    with WebhookReceiver(statuses=[500, 503, 500]) as receiver:
        subscription = subscription_create(
            firm=client.firm, url=receiver.url, event_types=["memory.changed"]
        )
        fact(client, "Will not arrive at first")
        dispatch_task()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending" and delivery.attempts == 1
        # Not due again until its backoff has passed.
        assert delivery.next_attempt_at > timezone.now()
        assert deliveries_due() == []
        for _ in range(2):
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(seconds=1)
            )
            delivery_attempt(delivery_id=delivery.pk)
    attempts = list(WebhookAttempt.objects.order_by("pk"))
    assert [a.status_code for a in attempts] == [500, 503, 500]
    assert not any(a.succeeded for a in attempts)
    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert "3 failed attempts in a row" in subscription.disabled_reason
    assert "HTTP 500" in subscription.disabled_reason
    # Disabled: nothing is attempted until it is turned on again.
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_due() == []
    subscription_update(subscription=subscription, is_active=True)
    subscription.refresh_from_db()
    assert subscription.disabled_reason == "" and subscription.consecutive_failures == 0
    assert deliveries_due() == [delivery.pk]


def test_backoff_grows_exponentially_with_jitter():
    waits = [backoff_seconds(attempt) for attempt in range(1, 6)]
    for attempt, wait in enumerate(waits, start=1):
        full = 30 * 2 ** (attempt - 1)
        assert full / 2 <= wait <= full
    assert len({round(backoff_seconds(3), 6) for _ in range(20)}) > 1


def test_an_unreachable_receiver_is_logged_as_such():
    client = ClientFactory()
    subscription_create(
        firm=client.firm,
        url="http://127.0.0.1:9/closed",
        event_types=["memory.changed"],
    )
    fact(client, "Nobody listens")
    dispatch_task()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "ConnectError" in attempt.error


def test_erasing_a_client_removes_their_crm_id_from_the_deliveries_log():
    from advisor.models import User
    from advisor.services import client_erase
    from tests.factories import UserFactory

    client = ClientFactory(external_id="CRM-5")
    officer = UserFactory(firm=client.firm, role=User.Role.COMPLIANCE)
    subscription_create(
        firm=client.firm,
        url="http://127.0.0.1:9/closed",
        event_types=["memory.changed"],
    )
    fact(client, "Soon forgotten")
    outbox_collect()
    assert (
        WebhookDelivery.objects.get().payload["data"]["client_external_id"] == "CRM-5"
    )
    client_erase(client=client, requested_by=officer, reason="Asked to be forgotten")
    assert "CRM-5" not in json.dumps(list(WebhookDelivery.objects.values("payload")))
