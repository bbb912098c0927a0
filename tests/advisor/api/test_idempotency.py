"""Idempotency-Key: a retry after a request died runs again; one still running
gets 409 with Retry-After."""

import time

import pytest
from django.db import connections

from advisor.api.idempotency import _lock_id
from advisor.models import IdempotentRequest
from tests.advisor.api.conftest import api_as

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {"kind": "fact", "text": "Has a dog named Rex", "payload": {}}


def url(world):
    return f"/api/v1/clients/{world.client.pk}/memories/"


def test_a_key_whose_first_request_died_mid_way_is_not_refused_for_ever(world):
    api = api_as(world.advisor)
    headers = {"HTTP_IDEMPOTENCY_KEY": "crm-sync-1"}
    first = api.post(url(world), BODY, format="json", **headers)
    assert first.status_code == 201
    # What a request killed mid-way leaves: its key recorded, never answered.
    IdempotentRequest.objects.filter(key="crm-sync-1").update(
        status_code=None, response_body=None
    )
    retry = api.post(url(world), BODY, format="json", **headers)
    assert retry.status_code == 201, retry.json()
    assert retry.get("Idempotent-Replayed") is None
    replay = api.post(url(world), BODY, format="json", **headers)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == retry.json()


def test_a_key_still_running_elsewhere_answers_409_with_retry_after(world):
    api = api_as(world.advisor)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            # Another request holding this key's lock, mid-way.
            cursor.execute(
                "SELECT pg_advisory_lock(%s)", [_lock_id(world.advisor.pk, "k-2")]
            )
        response = api.post(url(world), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        assert response.status_code == 409
        assert response["Retry-After"] == "1"
        assert set(response.json()) == {"message", "extra"}
    finally:
        other.close()  # as a crashed process's connection: the lock goes with it
    # The server lets the lock go when that backend has ended: a moment later.
    deadline = time.monotonic() + 10
    while True:
        after = api.post(url(world), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
        if after.status_code != 409 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert after.status_code == 201


def test_the_same_key_with_another_body_is_refused(world):
    api = api_as(world.advisor)
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-3"}
    assert api.post(url(world), BODY, format="json", **headers).status_code == 201
    other = api.post(url(world), {**BODY, "text": "A cat"}, format="json", **headers)
    assert other.status_code == 422
