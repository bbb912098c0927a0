"""An erased client leaves nothing behind, in any table of the database.

The client's distinctive strings (name, email, CRM id, words they said, the
reasons people typed about them) are put everywhere the product puts things:
memories and their ledger, messages, imports, the API's idempotency records,
the admin's history, sessions, and the task queue and result backend of the
database broker mode (a real worker runs their tasks). After the erasure every
text, JSON, full-text and binary column of every table is scanned: only
digests and the erasure record may remain.
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from rest_framework.test import APIClient

from advisor.models import Client, IdempotentRequest, User
from advisor.services import client_erase
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import Erasure, Memory, MemoryStatus, Subject
from memory.services import (
    memory_record,
    memory_reject,
    memory_retract,
    memory_update,
)
from tests.factories import ClientFactory, FirmFactory, UserFactory

from .workers import wait_for, worker_pool

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.q@example.org"
CRM_ID = "CRM-QF-9931"
# Lower-case fragments that also survive stemming in a full-text vector.
DISTINCTIVE = [
    "quillfeath",
    "zephyrin",
    "zephyrine.q@example.org",
    "crm-qf-9931",
    "tobermor",
    "lighthous",
    "qf-turn-",
    "marmalade",
]
ERASURE_REASON = "Client request under the right to erasure, ticket 5512"

TURNS = [
    {
        "speaker": "client",
        "text": "I am Zephyrine Quillfeather and I bought 40 shares of Apple at $150.",
        "occurred_at": "2026-03-14T15:00:00Z",
        "external_id": "qf-turn-1",
    },
    {
        "speaker": "client",
        "text": "We want to retire at 60 and restore the Tobermory lighthouse.",
        "occurred_at": "2026-03-14T15:02:00Z",
        "external_id": "qf-turn-2",
    },
]


def columns_holding(fragment: str) -> list[str]:
    """Return every column of every table of the database that holds ``fragment``."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name, data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE table_schema = current_schema() AND t.table_type = 'BASE TABLE'
              AND (data_type IN ('text', 'character varying', 'character', 'json',
                                 'jsonb', 'tsvector', 'bytea', 'ARRAY')
                   OR udt_name = 'vector')
            """
        )
        columns = cursor.fetchall()
        tables = {table for table, _, _ in columns}
        # Ours, Django's, the broker's and the result backend's.
        assert {
            "memory_memory",
            "memory_memoryevent",
            "advisor_client",
            "advisor_idempotentrequest",
            "django_admin_log",
            "django_session",
            "kombu_message",
            "celery_taskmeta",
        } <= tables, tables
        for table, column, data_type in columns:
            if data_type == "bytea":
                value = f"encode(\"{column}\", 'escape')"
            else:
                value = f'"{column}"::text'
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE {value} ILIKE %s',
                [f"%{fragment}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    # Session data is signed and encoded: read it as the app does.
    for session in SessionStore.get_model_class().objects.all():
        if fragment in str(SessionStore().decode(session.session_data)).lower():
            found.append(f"django_session[{session.pk}] (decoded)")
    return found


def leaks() -> dict[str, list[str]]:
    return {f: cols for f in DISTINCTIVE if (cols := columns_holding(f))}


@pytest.fixture
def people():
    firm = FirmFactory()
    advisor = UserFactory(firm=firm, role=User.Role.ADVISOR)
    officer = UserFactory(
        firm=firm, role=User.Role.COMPLIANCE, is_staff=True, username="officer"
    )
    client = ClientFactory(
        advisor=advisor,
        name=NAME,
        email=EMAIL,
        external_id=CRM_ID,
        objectives="Restore the Tobermory lighthouse",
    )
    return advisor, officer, client


def give_the_client_a_history(advisor, officer, client, pool):
    api = APIClient()
    api.force_authenticate(advisor)
    # A transcript over the API, with an Idempotency-Key (its answer is kept).
    response = api.post(
        f"/api/v1/clients/{client.pk}/transcripts/",
        {"title": "Quillfeather review", "external_id": "qf-call", "turns": TURNS},
        format="json",
        HTTP_IDEMPOTENCY_KEY="crm-sync-qf-1",
    )
    assert response.status_code == 202, response.json()
    # The answer a CRM's "create client" would have kept for its replay.
    IdempotentRequest.objects.create(
        user=advisor,
        key="crm-create-qf",
        method="POST",
        path="/api/v1/clients/",
        request_digest="0" * 64,
        status_code=201,
        response_body={"id": client.pk, "name": NAME, "email": EMAIL},
    )
    subject = client.subject
    by_advisor = Cause.user(advisor.pk)
    fact = memory_record(
        subject=subject,
        kind="fact",
        text="Restoring the Tobermory lighthouse with Quillfeather family money",
        payload={"category": "life_event", "detail": "Tobermory lighthouse"},
        cause=by_advisor,
    )
    memory_update(
        memory=fact,
        cause=by_advisor,
        text="Restoring the Tobermory lighthouse",
        reason="Zephyrine asked me to drop the family name",
    )
    # The answer an edit through the API would have kept: only its path names
    # the client (through the memory).
    IdempotentRequest.objects.create(
        user=advisor,
        key="crm-edit-qf",
        method="POST",
        path=f"/api/v1/memories/{fact.pk}/",
        request_digest="1" * 64,
        status_code=200,
        response_body={"id": fact.pk, "text": "Restoring the Tobermory lighthouse"},
    )
    marmalade = memory_record(
        subject=subject,
        kind="fact",
        text="Sells marmalade at the harbour",
        payload={"category": "life_event", "detail": "marmalade"},
        cause=by_advisor,
    )
    memory_retract(
        memory=marmalade, cause=by_advisor, reason="Quillfeather stopped the marmalade"
    )
    proposal = memory_record(
        subject=subject,
        kind="fact",
        text="Might buy a lighthouse keeper's cottage",
        payload={"category": "life_event", "detail": "cottage"},
        cause=by_advisor,
        status=MemoryStatus.PROPOSED,
    )
    memory_reject(memory=proposal, cause=by_advisor, reason="Zephyrine was only joking")
    # The admin's history of an edit of the client record.
    LogEntry.objects.log_actions(
        user_id=officer.pk,
        queryset=[Client.objects.get(pk=client.pk)],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": ["Objectives"]}}],
        single_object=True,
    )
    LogEntry.objects.create(
        user_id=officer.pk,
        content_type=ContentType.objects.get_for_model(Memory),
        object_id=str(fact.pk),
        object_repr=str(fact),
        action_flag=CHANGE,
        change_message="Reverted to the Quillfeather version",
    )
    # A session holding a message about the client, waiting to be shown.
    session = SessionStore()
    session["recent_client"] = {"id": client.pk, "label": NAME}
    session.create()
    # Real tasks through the database broker: the import's indexing and the
    # summary, whose results the result backend keeps.
    indexed = pool.send("memory.import_index", response.json()["id"])
    summary = pool.send("memory.subject_summary_consolidate", subject.pk)
    assert indexed.get(timeout=120, disable_sync_subtasks=False) == "done"
    assert summary.get(timeout=120, disable_sync_subtasks=False) >= 1
    subject.refresh_from_db()
    assert "Tobermory" in subject.summary


def test_an_erased_client_leaves_nothing_in_any_table(people, settings):
    advisor, officer, client = people
    with worker_pool(sweep_seconds=1.0) as pool:
        pool.start()
        give_the_client_a_history(advisor, officer, client, pool)
        wait_for(lambda: _taskmeta_rows() >= 2, timeout=30, what="task results")
        before = leaks()
        # The scan sees what is there: every kind of place holds the client.
        for expected in (
            "advisor_client.name",
            "memory_message.text",
            "memory_memory.text",
            "memory_memory.search_vector",
            "memory_memoryevent.reason",
            "memory_memoryevent.after",
            "memory_subject.summary",
            "django_admin_log.object_repr",
            "advisor_idempotentrequest.response_body",
        ):
            assert any(expected in cols for cols in before.values()), (expected, before)
        assert any("(decoded)" in col for cols in before.values() for col in cols)

        client_erase(client=client, requested_by=officer, reason=ERASURE_REASON)

        assert leaks() == {}
    subject = Subject.objects.get(pk=client.subject_id)
    report = chain_verify(subject)
    assert report.ok, report.problem
    erasure = Erasure.objects.get(subject=subject)
    assert (
        erasure.reason == ERASURE_REASON and erasure.requested_by_user_id == officer.pk
    )
    client.refresh_from_db()
    assert client.name == f"Erased client #{client.pk}" and client.email == ""
    # A CRM replaying its create is told the answer went with the client.
    for key in ("crm-create-qf", "crm-edit-qf"):
        replay = IdempotentRequest.objects.get(key=key)
        assert replay.status_code == 410, key
        assert "erased" in replay.response_body["message"]


def _taskmeta_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('celery_taskmeta') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM celery_taskmeta")
        return cursor.fetchone()[0]
