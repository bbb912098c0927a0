"""The conversation API: turns with citations, branches, rollback, as-of reads."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from advisor.models import User
from memory.models import Memory, Message, SubjectAccess
from tests.factories import ClientFactory, FirmFactory, UserFactory
from tests.memory.assistant.helpers import marcus_memories, quote

pytestmark = pytest.mark.django_db


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def marcus(advisor_user):
    client = ClientFactory(advisor=advisor_user, name="Marcus Chen")
    marcus_memories(client.subject)
    return client


@pytest.fixture
def api(advisor_user):
    return api_as(advisor_user)


@pytest.fixture
def conversation(api, marcus):
    response = api.post(
        f"/api/v1/clients/{marcus.pk}/conversations/", {"title": "Review"}
    )
    assert response.status_code == 201, response.json()
    return response.json()


def turn(api, conversation, text, **headers):
    return api.post(
        f"/api/v1/conversations/{conversation['id']}/messages/",
        {"text": text},
        format="json",
        **headers,
    )


def test_a_turn_answers_with_the_message_the_reply_and_its_citations(
    api, conversation, marcus
):
    quote("NVDA", "120.00", simulated=True)
    response = turn(api, conversation, "What does Marcus hold?")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"message", "reply", "operations", "retry"}
    assert body["message"]["text"] == "What does Marcus hold?"
    assert body["message"]["speaker_role"] == "advisor"
    reply = body["reply"]
    assert reply["parent"] == body["message"]["id"]
    assert reply["author"] == "offline-composer/1" and reply["failed"] is False
    assert "simulated" in reply["text"] and body["retry"] is None
    nvda = Memory.objects.get(subject=marcus.subject, key="holding:NVDA:brokerage")
    (citation,) = [c for c in reply["citations"] if c["memory"] == nvda.pk]
    assert {"memory", "version", "event", "hash", "quote"} <= set(citation)
    assert citation["quote"]["symbol"] == "NVDA" and citation["quote"]["simulated"]

    resolved = api.get(
        f"/api/v1/conversations/{conversation['id']}/messages/{reply['id']}/citations/"
    ).json()["results"]
    assert {r["status"] for r in resolved} == {"resolved"}
    assert all(r["verified"] for r in resolved)

    detail = api.get(f"/api/v1/conversations/{conversation['id']}/").json()
    assert detail["head"] == reply["id"] and detail["transcript_import"] is None
    assert [b["leaf"] for b in detail["branches"]] == [reply["id"]]
    listed = api.get(f"/api/v1/conversations/{conversation['id']}/messages/").json()
    assert [m["id"] for m in listed["results"]] == [body["message"]["id"], reply["id"]]
    assert SubjectAccess.objects.filter(surface="chat").count() == 1


def test_a_retried_post_with_its_idempotency_key_takes_one_turn(api, conversation):
    first = turn(api, conversation, "What are his goals?", HTTP_IDEMPOTENCY_KEY="t-1")
    again = turn(api, conversation, "What are his goals?", HTTP_IDEMPOTENCY_KEY="t-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Message.objects.filter(conversation_id=conversation["id"]).count() == 2
    other = turn(api, conversation, "Something else", HTTP_IDEMPOTENCY_KEY="t-1")
    assert other.status_code == 422


def test_rollback_preview_then_rollback_then_a_new_branch(
    api, conversation, marcus, django_capture_on_commit_callbacks
):
    base = f"/api/v1/conversations/{conversation['id']}"
    first = turn(api, conversation, "What does Marcus hold?").json()
    nvda = Memory.objects.get(subject=marcus.subject, key="holding:NVDA:brokerage")
    with django_capture_on_commit_callbacks(execute=True):
        turn(api, conversation, "Marcus sold 200 shares of Nvidia.")
    nvda.refresh_from_db()
    assert nvda.status == "superseded"
    to = {"to_message": first["reply"]["id"]}
    preview = api.post(f"{base}/rollback/", {**to, "preview": True}, format="json")
    assert preview.status_code == 200, preview.json()
    assert preview.json()["preview"] is True and preview.json()["conflicts"] == []
    nvda.refresh_from_db()
    assert nvda.status == "superseded"  # a preview writes nothing

    done = api.post(f"{base}/rollback/", to, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    body = done.json()
    assert done.status_code == 200 and body["head"] == first["reply"]["id"]
    assert {(r["memory"], r["action"]) for r in body["reverted"]} >= {
        (nvda.pk, "restore")
    }
    assert all(r["event"] and r["hash"] for r in body["reverted"])
    nvda.refresh_from_db()
    assert nvda.status == "active"
    again = api.post(f"{base}/rollback/", to, format="json").json()
    assert again["noop"] is True and again["reverted"] == []

    branch = turn(api, conversation, "What is his risk tolerance?").json()
    assert branch["message"]["parent"] == first["reply"]["id"]
    detail = api.get(f"{base}/").json()
    assert [(b["active"], b["status"]) for b in detail["branches"]] == [
        (True, "active"),
        (False, "rolled_back"),
    ]
    abandoned = detail["branches"][1]["leaf"]
    old = api.get(f"{base}/messages/", {"branch": abandoned}).json()["results"]
    assert [m["status"] for m in old[2:]] == ["rolled_back", "rolled_back"]

    # The client's memory as the conversation stood on the abandoned branch.
    memories = f"/api/v1/clients/{marcus.pk}/memories/"
    then = api.get(memories, {"as_of_message": abandoned}).json()
    holdings = {m["id"]: m for m in then["results"] if m["kind"] == "holding"}
    assert nvda.pk not in holdings  # superseded there
    assert any(m["payload"]["quantity"] == 1100 for m in holdings.values())
    now = api.get(memories, {"as_of_message": branch["reply"]["id"]}).json()
    assert nvda.pk in {m["id"] for m in now["results"]}
    plain = api.get(memories).json()
    assert "as_of_message" not in plain and plain["results"]


def test_bad_input_gets_field_level_errors_and_stores_nothing(
    api, conversation, marcus
):
    base = f"/api/v1/conversations/{conversation['id']}"
    for body, field in (
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({}, "text"),
        ({"text": "nul\x00byte"}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": ["a list"]}, "text"),
    ):
        response = api.post(f"{base}/messages/", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert field in response.json()["extra"]["fields"]
    assert not Message.objects.exists()
    first = turn(api, conversation, "Hello").json()
    other = ClientFactory(advisor=marcus.advisor)
    elsewhere = api.post(
        f"/api/v1/clients/{other.pk}/conversations/", {}, format="json"
    ).json()
    foreign = turn(api, elsewhere, "Hi").json()["message"]["id"]
    for body, field in (
        ({}, "to_message"),
        ({"to_message": "x"}, "to_message"),
        ({"to_message": foreign}, "to_message"),
        ({"to_message": first["reply"]["id"], "preview": "perhaps"}, "preview"),
    ):
        response = api.post(f"{base}/rollback/", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert field in response.json()["extra"]["fields"]
    assert api.get(f"{base}/messages/", {"branch": "x"}).status_code == 400
    assert api.get(f"{base}/messages/", {"branch": foreign}).status_code == 404
    memories = f"/api/v1/clients/{marcus.pk}/memories/"
    bad = api.get(memories, {"as_of_message": foreign})
    assert bad.status_code == 400 and "as_of_message" in bad.json()["extra"]["fields"]
    assert api.get(memories, {"as_of_message": "soon"}).status_code == 400
    retry = api.post(f"{base}/messages/{first['reply']['id']}/retry/")
    assert retry.status_code == 409 and "failed reply" in retry.json()["message"]


def test_a_failed_model_reply_offers_a_retry_that_works(api, conversation, fake_openai):
    with override_settings(
        **fake_openai.settings_overrides(ASSISTANT_COMPOSER="model")
    ):
        fake_openai.fail_next(503)
        failed = turn(api, conversation, "What does he hold?")
        assert failed.status_code == 201
        body = failed.json()
        assert body["reply"]["failed"] is True
        assert "HTTP 503" in body["reply"]["failure_reason"]
        assert body["retry"].endswith(f"/messages/{body['reply']['id']}/retry/")
        fake_openai.queue_chat("He holds NVDA and AAPL.")
        retried = api.post(body["retry"], HTTP_IDEMPOTENCY_KEY="retry-1")
        assert retried.status_code == 201, retried.json()
        assert retried.json()["reply"]["text"] == "He holds NVDA and AAPL."
        assert retried.json()["reply"]["author"] == "model:fake-chat"
        assert retried.json()["message"]["id"] == body["message"]["id"]


# --- Tenancy: every endpoint, every outsider -----------------------------------------


@pytest.fixture
def people(advisor_user, marcus):
    firm = advisor_user.firm
    other_firm = FirmFactory()
    analyst = UserFactory(firm=firm, role=User.Role.ANALYST)
    return {
        "advisor": advisor_user,
        "other advisor": UserFactory(firm=firm),
        "analyst": analyst,
        "other analyst": UserFactory(firm=firm, role=User.Role.ANALYST),
        "compliance": UserFactory(firm=firm, role=User.Role.COMPLIANCE),
        "other firm": UserFactory(firm=other_firm, role=User.Role.COMPLIANCE),
        "other firm advisor": UserFactory(firm=other_firm),
        "anonymous": None,
    }


def client_endpoints(marcus, conversation, reply_id):
    """Every conversation endpoint of a client's conversation: (method, url, body)."""
    base = f"/api/v1/conversations/{conversation['id']}"
    return [
        ("get", f"/api/v1/clients/{marcus.pk}/conversations/", None),
        ("post", f"/api/v1/clients/{marcus.pk}/conversations/", {"title": "x"}),
        ("get", f"{base}/", None),
        ("get", f"{base}/messages/", None),
        ("post", f"{base}/messages/", {"text": "What does he hold?"}),
        ("get", f"{base}/messages/{reply_id}/citations/", None),
        ("post", f"{base}/messages/{reply_id}/retry/", None),
        ("post", f"{base}/rollback/", {"to_message": reply_id, "preview": True}),
        (
            "get",
            f"/api/v1/clients/{marcus.pk}/memories/?as_of_message={reply_id}",
            None,
        ),
    ]


def call(user, method, url, body):
    return getattr(api_as(user), method)(url, body, format="json")


def test_a_clients_conversations_reach_only_their_advisor(
    api, marcus, conversation, people
):
    reply_id = turn(api, conversation, "What does he hold?").json()["reply"]["id"]
    endpoints = client_endpoints(marcus, conversation, reply_id)
    for name in ("other advisor", "analyst", "other firm", "other firm advisor"):
        for method, url, body in endpoints:
            response = call(people[name], method, url, body)
            assert response.status_code == 404, (name, method, url)
            assert "Marcus" not in response.content.decode()
    for method, url, body in endpoints:
        response = call(None, method, url, body)
        assert response.status_code == 401, (method, url)
    # Compliance reads every conversation of the firm, and writes to none.
    for method, url, body in endpoints:
        response = call(people["compliance"], method, url, body)
        expected = 200 if method == "get" else 403
        assert response.status_code == expected, (method, url, response.json())
    # The advisor does all of it (the retry refuses a reply that did not fail).
    codes = [call(people["advisor"], m, u, b).status_code for m, u, b in endpoints]
    assert codes == [200, 201, 200, 200, 201, 200, 409, 200, 200]
    assert Message.objects.filter(conversation_id=conversation["id"]).count() == 4


def test_an_analysts_own_chat_reaches_only_the_analyst(people):
    analyst = people["analyst"]
    # An analyst's id is the one GET /api/v1/analysts/ lists.
    analyst_id = analyst.analyst_profile.pk
    own = api_as(analyst)
    created = own.post(f"/api/v1/analysts/{analyst_id}/conversations/", {})
    assert created.status_code == 201, created.json()
    conversation = created.json()
    taken = turn(own, conversation, "I'm bullish on AMD, I see it at $250 in a year.")
    assert taken.status_code == 201
    assert taken.json()["message"]["speaker_role"] == "analyst"
    reply_id = taken.json()["reply"]["id"]
    base = f"/api/v1/conversations/{conversation['id']}"
    endpoints = [
        ("get", f"/api/v1/analysts/{analyst_id}/conversations/", None),
        ("post", f"/api/v1/analysts/{analyst_id}/conversations/", {}),
        ("get", f"/api/v1/analysts/{analyst_id}/memories/", None),
        (
            "get",
            f"/api/v1/analysts/{analyst_id}/memories/?as_of_message={reply_id}",
            None,
        ),
        ("get", f"{base}/", None),
        ("get", f"{base}/messages/", None),
        ("post", f"{base}/messages/", {"text": "What are my views?"}),
        ("get", f"{base}/messages/{reply_id}/citations/", None),
        ("post", f"{base}/rollback/", {"to_message": reply_id, "preview": True}),
    ]
    for name in ("advisor", "other analyst", "other firm", "other firm advisor"):
        for method, url, body in endpoints:
            response = call(people[name], method, url, body)
            assert response.status_code == 404, (name, method, url)
    for method, url, body in endpoints:
        assert call(None, method, url, body).status_code == 401, (method, url)
    for method, url, body in endpoints:
        response = call(people["compliance"], method, url, body)
        assert response.status_code == (200 if method == "get" else 403), (
            method,
            url,
        )
    codes = [call(analyst, m, u, b).status_code for m, u, b in endpoints]
    assert codes == [200, 201, 200, 200, 200, 200, 201, 200, 200]


def test_the_schema_names_the_conversation_endpoints(api):
    paths = api.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()["paths"]
    for path, methods in {
        "/api/v1/clients/{client_id}/conversations/": {"get", "post"},
        "/api/v1/analysts/{analyst_id}/conversations/": {"get", "post"},
        "/api/v1/analysts/{analyst_id}/memories/": {"get"},
        "/api/v1/conversations/{conversation_id}/": {"get"},
        "/api/v1/conversations/{conversation_id}/messages/": {"get", "post"},
        "/api/v1/conversations/{conversation_id}/rollback/": {"post"},
        "/api/v1/conversations/{conversation_id}/messages/{message_id}/retry/": {
            "post"
        },
        "/api/v1/conversations/{conversation_id}/messages/{message_id}/citations/": {
            "get"
        },
    }.items():
        assert methods <= set(paths[path]), path
    memories = paths["/api/v1/clients/{client_id}/memories/"]["get"]
    assert "as_of_message" in {p["name"] for p in memories["parameters"]}
