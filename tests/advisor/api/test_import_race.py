"""Two imports of the same turns at once: one stores them, the other skips them."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from memory.models import ImportJob, Message
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db(transaction=True)

START = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)


def turns(count):
    return [
        {
            "speaker": "Marcus Chen" if i % 2 == 0 else "Dana Reyes",
            "role": "client" if i % 2 == 0 else "advisor",
            "text": f"Turn {i}: the lake house and the bond ladder, part {i}",
            "occurred_at": (START + timedelta(minutes=i)).isoformat(),
            "external_id": f"call-9/{i}",
        }
        for i in range(count)
    ]


def test_two_concurrent_imports_of_400_turns_store_them_once():
    client = ClientFactory()
    body = {"title": "Review", "external_id": "call-9", "turns": turns(400)}
    start = threading.Barrier(2)
    answers, errors = [], []

    def post():
        try:
            api = APIClient()
            api.force_authenticate(client.advisor)
            start.wait(timeout=30)
            response = api.post(
                f"/api/v1/clients/{client.pk}/transcripts/", body, format="json"
            )
            answers.append((response.status_code, response.json()))
        except Exception as error:  # reported to the test, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == [] and len(answers) == 2
    assert [status for status, _ in answers] == [202, 202], answers
    stored = sorted(body["turns_stored"] for _, body in answers)
    skipped = sorted(body["turns_skipped"] for _, body in answers)
    assert stored == [0, 400] and skipped == [0, 400]
    assert Message.objects.filter(subject=client.subject).count() == 400
    # One conversation, and no job left "storing".
    assert (
        {m.conversation_id for m in Message.objects.all()}
        == {answers[0][1]["conversation"]}
        == {answers[1][1]["conversation"]}
    )
    assert not ImportJob.objects.filter(status=ImportJob.Status.STORING).exists()
    assert ImportJob.objects.filter(status=ImportJob.Status.DONE).count() == 2
