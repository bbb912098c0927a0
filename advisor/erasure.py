"""What an erasure removes on the advisor's side: the person and their traces.

The memory engine erases a subject's memory, messages and ledger content, then
tells the tenancy provider (``MemoryTenancy.subject_erased``), inside the same
transaction, so that what only this app holds goes too:

- the client's record keeps only that a client existed, under whom;
- the admin's history forgets the client's name (``LogEntry``);
- answers kept for ``Idempotency-Key`` replays that were about the client lose
  their body (a replay then says the answer was erased);
- sessions that hold the client's name or email end;
- the task result backend (when it is this database) forgets results naming them.
"""

import re

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import BigIntegerField, Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from memory.models import Conversation, Memory

from .models import Client, IdempotentRequest

ERASED_TEXT = "[erased]"
ERASED_ANSWER = {
    "message": "The answer to this request was erased with the client's memory.",
    "extra": {},
}
API_PREFIX = "/api/v1/"


def client_traces_remove(*, subject_id: int) -> None:
    """Remove every trace of the client whose memory subject was just erased."""
    client = Client.objects.filter(subject_id=subject_id).first()
    if client is None:
        return
    distinctive = [
        text for text in (client.name, client.email, client.external_id) if text
    ]
    _idempotent_answers_erase(client, distinctive)
    _sessions_end(distinctive)
    _task_results_forget(distinctive)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client),
        object_id=str(client.pk),
    ).update(object_repr=ERASED_TEXT, change_message="")
    Client.objects.filter(pk=client.pk).update(
        name=f"Erased client #{client.pk}",
        email="",
        external_id="",
        objectives="",
        risk_tolerance="",
        horizon_years=None,
    )


def _idempotent_answers_erase(client: Client, distinctive: list[str]) -> int:
    """Erase the stored answers of requests about the client."""
    records = IdempotentRequest.objects.filter(user__firm_id=client.firm_id)
    about = Q(path__startswith=f"{API_PREFIX}clients/{client.pk}/")
    if client.external_id:
        about |= Q(
            path__startswith=f"{API_PREFIX}clients/external/{client.external_id}/"
        )
    # Requests about one of the client's memories or conversations, by the id
    # in their path (a subquery: a client may have a hundred thousand).
    for prefix, model in (("memories", Memory), ("conversations", Conversation)):
        named = records.annotate(
            named_id=RawSQL(
                "NULLIF(substring(path from %s), '')::bigint",
                [rf"^{re.escape(API_PREFIX)}{prefix}/(\d+)/"],
                output_field=BigIntegerField(),
            )
        ).filter(
            named_id__in=model.objects.filter(subject_id=client.subject_id).values("pk")
        )
        about |= Q(pk__in=named.values("pk"))
    body = records.annotate(body=Cast("response_body", TextField()))
    for text in distinctive:
        about |= Q(pk__in=body.filter(body__icontains=text).values("pk"))
    return records.filter(about).update(response_body=ERASED_ANSWER, status_code=410)


def _sessions_end(distinctive: list[str]) -> int:
    """End every session whose data holds the client's name or email."""
    ended = []
    for session in Session.objects.all().iterator():
        data = str(session.get_decoded()).lower()
        if any(text.lower() in data for text in distinctive):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _task_results_forget(distinctive: list[str]) -> int:
    """Forget task results that name the client, when results live in this database.

    Results are counts and states by design; a failure's message is the one
    place a task may have quoted what it worked on.
    """
    tables = connection.introspection.table_names()
    if "celery_taskmeta" not in tables or not distinctive:
        return 0
    clauses = " OR ".join(
        [
            "position(convert_to(%s, 'UTF8') in coalesce(result, ''::bytea)) > 0"
            " OR traceback ILIKE %s"
        ]
        * len(distinctive)
    )
    params = [value for text in distinctive for value in (text, f"%{text}%")]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM celery_taskmeta WHERE {clauses}", params)
        return cursor.rowcount
