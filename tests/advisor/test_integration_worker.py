"""A real Celery worker carries an API import to fully indexed, and a webhook
to a receiver on 127.0.0.1, signed so the svix verifier accepts it."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient
from svix.webhooks import Webhook

from advisor.config.celery_app import app as celery_app
from advisor.webhooks.models import WebhookDelivery
from advisor.webhooks.services import subscription_create
from memory.background import send
from tests.factories import ClientFactory
from tests.fakes.webhook_receiver import WebhookReceiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
TURNS = [
    {
        "speaker": "Marcus Chen",
        "role": "client",
        "text": "I bought 200 shares of Apple at $150 in my IRA.",
        "occurred_at": "2025-03-14T15:00:00Z",
        "external_id": "call-1/1",
    },
    {
        "speaker": "Dana Reyes",
        "role": "advisor",
        "text": "I bought 300 Tesla for myself, by the way.",
        "occurred_at": "2025-03-14T15:01:00Z",
        "external_id": "call-1/2",
    },
    {
        "speaker": "Marcus Chen",
        "role": "client",
        "text": "We want to retire at 60.",
        "occurred_at": "2025-03-14T15:02:00Z",
        "external_id": "call-1/3",
    },
]


@pytest.fixture
def worker_on_own_queue():
    """A worker whose queue, and default queue, are this test's alone."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "ADVISOR_DATABASE_NAME": connection.settings_dict["NAME"],
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CELERY_RESULT_BACKEND": celery_app.conf.result_backend or "",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    log = BASE_DIR / "var" / f"worker-{queue}.log"
    log.parent.mkdir(exist_ok=True)
    previous = celery_app.conf.task_default_queue
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "advisor.config", "worker",
             "--pool=solo", "--loglevel=INFO", "-Q", queue, "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        celery_app.conf.task_always_eager = False
        celery_app.conf.task_default_queue = queue
        try:
            yield queue
        finally:
            celery_app.conf.task_always_eager = True
            celery_app.conf.task_default_queue = previous
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    log.unlink(missing_ok=True)


def wait_for(check, *, timeout=120, every=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"gave up waiting after {timeout}s")


def test_a_worker_indexes_an_api_import_and_delivers_its_webhook(worker_on_own_queue):
    client = ClientFactory(external_id="CRM-1001")
    api = APIClient()
    api.force_authenticate(client.advisor)
    with WebhookReceiver() as receiver:
        subscription = subscription_create(
            firm=client.firm,
            url=receiver.url,
            event_types=["import.finished", "memory.changed"],
        )
        response = api.post(
            f"/api/v1/clients/{client.pk}/transcripts/",
            {"external_id": "call-1", "turns": TURNS},
            format="json",
        )
        assert response.status_code == 202, response.json()
        job = response.json()
        assert job["status"] == "indexing" and job["fully_indexed"] is False
        done = wait_for(
            lambda: (
                (body := api.get(f"/api/v1/imports/{job['id']}/").json())[
                    "fully_indexed"
                ]
                and body
            )
        )
        assert done["turns_extracted"] == 3 and done["progress"] == 1.0
        # The advisor's own purchase is not the client's holding.
        holdings = api.get(
            f"/api/v1/clients/{client.pk}/memories/", {"kind": "holding"}
        ).json()["results"]
        assert [m["payload"]["instrument"] for m in holdings] == ["AAPL"]

        def import_finished_arrived():
            send("webhooks.dispatch")
            return [
                r
                for r in receiver.received
                if json.loads(r.body)["type"] == "import.finished"
            ]

        (message,) = wait_for(import_finished_arrived, every=2)
    Webhook(subscription.secret).verify(message.body, message.headers)
    data = json.loads(message.body)["data"]
    assert data["id"] == job["id"] and data["fully_indexed"] is True
    assert data["client_external_id"] == "CRM-1001"
    delivery = WebhookDelivery.objects.get(message_id=f"msg_import_{job['id']}")
    assert delivery.status == "delivered" and delivery.attempt_log.count() == 1
