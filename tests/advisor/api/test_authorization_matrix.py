"""Every endpoint of the OpenAPI schema, for every kind of caller.

The matrix below is the API's authorisation, written down: one row per
operation, one expected status per caller. A schema operation missing from it
fails the first test, so no endpoint can be added without saying who may use it:
add its row (one line) here.
"""

from datetime import timedelta
from typing import NamedTuple

import pytest
from django.utils import timezone

from advisor.models import ApiToken
from advisor.webhooks.services import subscription_create
from memory.conversations.imports import transcript_import
from memory.conversations.messages import conversation_start
from memory.conversations.turns import turn_take
from memory.ledger.chain import Cause
from memory.models import MemoryStatus
from memory.services import memory_record, view_publish
from tests.advisor.api.conftest import api_as, holding, token_api
from tests.market.factories import InstrumentFactory
from tests.memory.readings.helpers import refresh, remember, store_quote

pytestmark = pytest.mark.django_db

ROLES = (
    "advisor",  # the client's advisor
    "other_advisor",  # another advisor of the same firm
    "analyst",
    "compliance",
    "admin",  # a firm administrator
    "other_firm",  # an advisor of another firm
    "anonymous",
    "read_only",  # a read-only token of the client's advisor
)


class Row(NamedTuple):
    expect: tuple[int, ...]  # one status per role, in ROLES order
    body: dict | None = None
    params: dict | None = None  # which object fills a path parameter
    # In a body, "@name" stands for the id of that object.


def row(*expect, body=None, **params):
    assert len(expect) == len(ROLES)
    return Row(expect, body, params or None)


#   advisor, other_advisor, analyst, compliance, admin, other_firm, anonymous, ro
MATRIX = {
    ("GET", "/api/v1/me/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("GET", "/api/v1/clients/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("POST", "/api/v1/clients/"): row(
        201, 403, 403, 403, 201, 403, 401, 403, body={"name": "New", "advisor": "dana"}
    ),
    ("GET", "/api/v1/clients/{client_id}/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("PATCH", "/api/v1/clients/{client_id}/"): row(
        200, 404, 404, 403, 200, 404, 401, 403, body={"objectives": "Retire at 60"}
    ),
    ("PUT", "/api/v1/clients/external/{external_id}/"): row(
        200, 403, 403, 403, 200, 200, 401, 403, body={"name": "Marcus Chen"}
    ),
    ("POST", "/api/v1/clients/{client_id}/erasure/"): row(
        403, 404, 404, 200, 403, 404, 401, 403, body={"reason": "Asked to be forgotten"}
    ),
    ("GET", "/api/v1/clients/{client_id}/memories/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/clients/{client_id}/memories/"): row(
        201,
        404,
        404,
        403,
        201,
        404,
        401,
        403,
        body={"kind": "fact", "text": "Has a dog named Rex", "payload": {}},
    ),
    ("GET", "/api/v1/clients/{client_id}/memories/search/?q=apple"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/clients/{client_id}/transcripts/"): row(
        202,
        404,
        404,
        403,
        202,
        404,
        401,
        403,
        body={
            "turns": [
                {
                    "speaker": "Marcus Chen",
                    "role": "client",
                    "text": "We want to retire at 60.",
                    "occurred_at": "2025-03-14T15:00:00Z",
                }
            ]
        },
    ),
    ("GET", "/api/v1/imports/{job_id}/"): row(200, 404, 404, 200, 200, 404, 401, 200),
    ("GET", "/api/v1/memories/{memory_id}/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("PATCH", "/api/v1/memories/{memory_id}/"): row(
        200,
        404,
        404,
        403,
        200,
        404,
        401,
        403,
        body={"text": "Holds 250 AAPL in the IRA"},
    ),
    ("DELETE", "/api/v1/memories/{memory_id}/"): row(
        200, 404, 404, 403, 200, 404, 401, 403, body={"reason": "Sold it"}
    ),
    ("GET", "/api/v1/memories/{memory_id}/history/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/memories/{memory_id}/approve/"): row(
        200, 404, 404, 403, 200, 404, 401, 403, body={}, memory_id="proposal"
    ),
    ("POST", "/api/v1/memories/{memory_id}/reject/"): row(
        200, 404, 404, 403, 200, 404, 401, 403, body={}, memory_id="proposal"
    ),
    ("GET", "/api/v1/analysts/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("GET", "/api/v1/analysts/{analyst_id}/memories/"): row(
        404, 404, 200, 200, 200, 404, 401, 404
    ),
    ("POST", "/api/v1/analysts/{analyst_id}/memories/"): row(
        404,
        404,
        201,
        403,
        403,
        404,
        401,
        403,
        body={
            "kind": "view",
            "text": "Bullish on NVDA",
            "payload": {"instrument": "NVDA", "stance": "bullish"},
        },
    ),
    ("GET", "/api/v1/analysts/{analyst_id}/views/"): row(
        404, 404, 200, 200, 200, 404, 401, 404
    ),
    ("GET", "/api/v1/analysts/{analyst_id}/house-views/"): row(
        200, 200, 200, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/analysts/{analyst_id}/house-views/"): row(
        404, 404, 201, 403, 403, 404, 401, 403, body={"memory_id": "@view"}
    ),
    ("DELETE", "/api/v1/analysts/{analyst_id}/house-views/{memory_id}/"): row(
        404, 404, 200, 403, 403, 404, 401, 403, memory_id="house_view"
    ),
    ("GET", "/api/v1/house-views/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("GET", "/api/v1/quotes/?symbols=AAPL,TSLA"): row(
        200, 200, 200, 200, 200, 200, 401, 200
    ),
    ("GET", "/api/v1/alerts/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge/"): row(
        200, 404, 404, 403, 200, 404, 401, 403, body={}
    ),
    ("GET", "/api/v1/memory-events/"): row(200, 200, 200, 200, 200, 200, 401, 200),
    ("GET", "/api/v1/webhooks/"): row(403, 403, 403, 200, 200, 403, 401, 403),
    ("POST", "/api/v1/webhooks/"): row(
        403,
        403,
        403,
        403,
        201,
        403,
        401,
        403,
        body={"url": "http://127.0.0.1:9/hook", "event_types": ["memory.changed"]},
    ),
    ("GET", "/api/v1/webhooks/{subscription_id}/"): row(
        403, 403, 403, 200, 200, 403, 401, 403
    ),
    ("PATCH", "/api/v1/webhooks/{subscription_id}/"): row(
        403, 403, 403, 403, 200, 403, 401, 403, body={"description": "CRM"}
    ),
    ("DELETE", "/api/v1/webhooks/{subscription_id}/"): row(
        403, 403, 403, 403, 204, 403, 401, 403
    ),
    ("POST", "/api/v1/webhooks/{subscription_id}/rotate-secret/"): row(
        403, 403, 403, 403, 200, 403, 401, 403, body={}
    ),
    ("GET", "/api/v1/webhooks/{subscription_id}/deliveries/"): row(
        403, 403, 403, 200, 200, 403, 401, 403
    ),
    # Conversations (issue 11): the client's advisors take turns and roll back;
    # compliance and administrators read; the analyst alone speaks in their chat.
    ("GET", "/api/v1/clients/{client_id}/conversations/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/clients/{client_id}/conversations/"): row(
        201, 404, 404, 403, 403, 404, 401, 403, body={"title": "Review"}
    ),
    ("GET", "/api/v1/analysts/{analyst_id}/conversations/"): row(
        404, 404, 200, 200, 200, 404, 401, 404
    ),
    ("POST", "/api/v1/analysts/{analyst_id}/conversations/"): row(
        404, 404, 201, 403, 403, 404, 401, 403, body={}
    ),
    ("GET", "/api/v1/conversations/{conversation_id}/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("GET", "/api/v1/conversations/{conversation_id}/messages/"): row(
        200, 404, 404, 200, 200, 404, 401, 200
    ),
    ("POST", "/api/v1/conversations/{conversation_id}/messages/"): row(
        201, 404, 404, 403, 403, 404, 401, 403, body={"text": "What does he hold?"}
    ),
    # The reply did not fail: the advisor may retry it, and is told it need not.
    ("POST", "/api/v1/conversations/{conversation_id}/messages/{message_id}/retry/"): (
        row(409, 404, 404, 403, 403, 404, 401, 403, body={}, message_id="reply")
    ),
    (
        "GET",
        "/api/v1/conversations/{conversation_id}/messages/{message_id}/citations/",
    ): row(200, 404, 404, 200, 200, 404, 401, 200, message_id="reply"),
    ("POST", "/api/v1/conversations/{conversation_id}/rollback/"): row(
        200,
        404,
        404,
        403,
        403,
        404,
        401,
        403,
        body={"to_message": "@asked", "preview": True},
    ),
}


def schema_operations(api) -> set[tuple[str, str]]:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return {
        (method.upper(), path)
        for path, operations in schema.json()["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }


def test_the_matrix_covers_every_operation_of_the_schema(world):
    in_matrix = {(method, path.split("?")[0]) for method, path in MATRIX}
    operations = schema_operations(api_as(world.advisor))
    assert operations - in_matrix == set(), "operations with no row in the matrix"
    assert in_matrix - operations == set(), "rows for operations the schema lacks"


@pytest.fixture
def objects(world):
    """The records each path parameter names, all of the first firm."""
    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    InstrumentFactory(symbol="TSLA", name="Tesla, Inc.")
    analyst = world.analyst.analyst_profile
    cause = Cause.user(world.analyst.pk)
    view = memory_record(
        subject=analyst.subject,
        kind="view",
        text="Bullish on TSLA",
        payload={"instrument": "TSLA", "stance": "bullish"},
        cause=cause,
    )
    house_view = view_publish(
        memory=memory_record(
            subject=analyst.subject,
            kind="view",
            text="Bearish on AAPL",
            payload={"instrument": "AAPL", "stance": "bearish"},
            cause=cause,
        ),
        cause=cause,
    )
    now = timezone.now()
    store_quote("TSLA", "100", now - timedelta(hours=2))
    remember(
        world.client.subject,
        "view",
        {"instrument": "TSLA", "stance": "bullish", "target_price": 105},
        stated_at=now - timedelta(hours=2),
    )
    store_quote("TSLA", "110", now - timedelta(minutes=1))
    refresh(now=now)
    alert = world.client.subject.market_alerts.order_by("pk").first()
    job = transcript_import(
        subject=world.client.subject,
        turns=[
            {
                "speaker": "client",
                "text": "We want to retire at 60.",
                "occurred_at": "2025-03-14T15:00:00Z",
            }
        ],
        index=False,
    )
    subscription = subscription_create(
        firm=world.firm, url="http://127.0.0.1:9/hook", event_types=["alert.raised"]
    )
    conversation = conversation_start(subject=world.client.subject)
    turn = turn_take(
        conversation=conversation,
        text="What does Marcus hold?",
        user_id=world.advisor.pk,
        speaker="Dana",
        speaker_role="advisor",
    )
    return {
        "client_id": world.client.pk,
        "external_id": world.client.external_id,
        "memory_id": holding(world.client.subject).pk,
        "proposal": memory_record(
            subject=world.client.subject,
            kind="fact",
            text="Might move to Lisbon",
            payload={},
            cause=Cause.user(world.advisor.pk),
            status=MemoryStatus.PROPOSED,
        ).pk,
        "analyst_id": analyst.pk,
        "view": view.pk,
        "house_view": house_view.pk,
        "alert_id": alert.pk,
        "job_id": job.pk,
        "subscription_id": subscription.pk,
        "conversation_id": conversation.pk,
        "asked": turn.message.pk,
        "reply": turn.reply.pk,
    }


def caller(world, role):
    if role == "anonymous":
        return api_as(None)
    if role == "read_only":
        return token_api(world.advisor, scope=ApiToken.Scope.READ_ONLY)
    user = {
        "advisor": world.advisor,
        "other_advisor": world.other_advisor,
        "analyst": world.analyst,
        "compliance": world.compliance,
        "admin": world.admin,
        "other_firm": world.other_firm_advisor,
    }[role]
    return api_as(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
def test_each_caller_gets_what_the_matrix_says(world, objects, operation, role):
    method, template = operation
    entry = MATRIX[operation]
    named = {**objects, **{k: objects[v] for k, v in (entry.params or {}).items()}}
    path = template.format(**named)
    body = {
        name: objects[value[1:]] if str(value).startswith("@") else value
        for name, value in (entry.body or {}).items()
    }
    api = caller(world, role)
    response = getattr(api, method.lower())(
        path, body if entry.body is not None else None, format="json"
    )
    expected = entry.expect[ROLES.index(role)]
    assert response.status_code == expected, (role, method, path, response.content)
    if response.status_code >= 400:
        assert set(response.json()) == {"message", "extra"}
