"""Schemathesis over the OpenAPI schema: no answer is a 5xx, and every answer
the schema describes matches it.

Run as a firm administrator's token, in the test database, through the WSGI
application in process (no server, no network). A few examples per operation
keep it to a minute or two.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from advisor.services import api_token_issue
from memory.ledger.chain import Cause
from memory.services import memory_record
from tests.advisor.api.conftest import holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_process_wsgi():
    """Keep the test's connection open across requests, as Django's test client
    does (its transaction holds the test's data)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in signals:
        signal.connect(close_old_connections)


@pytest.fixture
def known_ids(world):
    """Real records for the path parameters, so bodies and queries are fuzzed
    against records that exist (random ids are the matrix's business)."""
    return {
        "client_id": world.client.pk,
        "memory_id": holding(world.client.subject).pk,
        "analyst_id": world.analyst.analyst_profile.pk,
    }


@pytest.fixture
def admin_token(world):
    memory_record(
        subject=world.client.subject,
        kind="fact",
        text="Has a dog",
        payload={},
        cause=Cause.user(world.advisor.pk),
    )
    return api_token_issue(user=world.admin, name="schemathesis")[1]


def _schema():
    """The schema the API serves, generated as /api/schema/ does."""
    generator = SchemaGenerator(patterns=None)
    document = generator.get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(
        json.loads(json.dumps(document, default=str))
    )
    schema.app = get_wsgi_application()
    return schema


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx_or_off_its_schema(
    case, admin_token, known_ids, in_process_wsgi
):
    if case.path_parameters:
        for name in set(case.path_parameters) & set(known_ids):
            case.path_parameters[name] = known_ids[name]
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        checks=[
            not_a_server_error,
            response_schema_conformance,
            content_type_conformance,
        ],
    )


def test_the_schema_links_what_an_answer_creates_to_what_follows():
    links = schema.raw_schema["paths"]["/api/v1/clients/"]["post"]["responses"]["201"][
        "links"
    ]
    assert links["RecordMemory"] == {
        "operationId": "client_memories_create",
        "parameters": {"client_id": "$response.body#/id"},
    }
    turn = schema.raw_schema["paths"][
        "/api/v1/conversations/{conversation_id}/messages/"
    ]
    assert "ReplyCitations" in turn["post"]["responses"]["201"]["links"]


def test_sequences_along_the_links_never_answer_5xx_or_off_the_schema(
    world, known_ids, in_process_wsgi
):
    """Stateful, as the client's advisor: conversations and turns, memories,
    reviews and rollbacks, in the orders hypothesis picks along the links."""
    token = api_token_issue(user=world.advisor, name="schemathesis-stateful")[1]
    headers = {"Authorization": f"Token {token}"}

    answered = []

    class Workflow(schema.as_state_machine()):
        def step(self, input):
            if input.transition is None and input.case.path_parameters:
                # A first step works on records that exist; later ones follow
                # the links to what the run itself created.
                for name in set(input.case.path_parameters) & set(known_ids):
                    input.case.path_parameters[name] = known_ids[name]
            return super().step(input)

        def after_call(self, response, case):
            answered.append((case.operation.label, response.status_code))

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(
                response,
                checks=[
                    not_a_server_error,
                    response_schema_conformance,
                    content_type_conformance,
                ],
            )

    Workflow.run(
        settings=settings(
            max_examples=60,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Which links hypothesis follows varies from run to run; that they lead
    # somewhere real is the next test's, followed by hand.
    assert answered


def _operations():
    return {
        operation["operationId"]: (path, method)
        for path, methods in schema.raw_schema["paths"].items()
        for method, operation in methods.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def _resolve(expression, *, body, path_parameters):
    if expression.startswith("$request.path."):
        return path_parameters[expression.removeprefix("$request.path.")]
    value = body
    for part in expression.removeprefix("$response.body#/").split("/"):
        value = value[part]
    return value


def test_the_links_of_a_chat_lead_to_answers(world):
    """Follow each link of a new conversation and of a turn, as a client would."""
    from tests.advisor.api.conftest import token_api

    api = token_api(world.advisor)
    operations = _operations()
    started = api.post(
        f"/api/v1/clients/{world.client.pk}/conversations/",
        {"title": "Links"},
        HTTP_IDEMPOTENCY_KEY="links-1",
    )
    assert started.status_code == 201, started.content
    turn_path = {"conversation_id": started.json()["id"]}
    turn = api.post(
        f"/api/v1/conversations/{turn_path['conversation_id']}/messages/",
        {"text": "What does Marcus hold?"},
        HTTP_IDEMPOTENCY_KEY="links-2",
    )
    assert turn.status_code == 201, turn.content
    followed = 0
    for source, answer, path_parameters in (
        ("client_conversations_create", started, {"client_id": world.client.pk}),
        ("conversation_messages_create", turn, turn_path),
    ):
        path, method = operations[source]
        links = schema.raw_schema["paths"][path][method]["responses"]["201"]["links"]
        # Ours name their operation (schemathesis adds inferred ones by reference).
        ours = {n: link for n, link in links.items() if "operationId" in link}
        for name, link in ours.items():
            target_path, target_method = operations[link["operationId"]]
            values = {
                parameter: _resolve(
                    expression, body=answer.json(), path_parameters=path_parameters
                )
                for parameter, expression in link["parameters"].items()
            }
            url = target_path.format(**values)
            if target_method == "get":
                response = api.get(url)
            else:
                response = api.generic(
                    target_method.upper(),
                    url,
                    data=b'{"text": "And now?"}'
                    if link["operationId"] == "conversation_messages_create"
                    else b'{"to_message": %d, "preview": true}'
                    % turn.json()["message"]["id"],
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=f"links-{name}",
                )
            assert response.status_code < 300, (name, url, response.content)
            followed += 1
    assert followed >= 5
