"""Bad input gets a field-level 4xx in the one error shape, and loses nothing."""

import pytest

from memory.models import Memory
from tests.advisor.api.conftest import api_as

pytestmark = pytest.mark.django_db


def error_fields(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "extra"}
    return body["extra"].get("fields", {})


@pytest.fixture
def api(world):
    return api_as(world.advisor)


def memories_url(world):
    return f"/api/v1/clients/{world.client.pk}/memories/"


def test_malformed_and_non_object_json_are_refused_by_field(api, world):
    broken = api.post(memories_url(world), "{not json", content_type="application/json")
    assert "body" in error_fields(broken)
    for body in ("[1, 2]", '"text"', "42", "null"):
        fields = error_fields(
            api.post(memories_url(world), body, content_type="application/json")
        )
        assert fields, body
    form = api.post(memories_url(world), "kind=fact", content_type="text/plain")
    assert "Content-Type" in error_fields(form, 415)
    assert not Memory.objects.exists()


def test_nul_characters_are_refused_anywhere(api, world):
    for url in (
        "/api/v1/clients/?external_id=%00",
        f"{memories_url(world)}search/?q=%00",
        f"{memories_url(world)}?kind=fact%00",
        "/api/v1/memory-events/?after=%00",
        "/api/v1/quotes/?symbols=AA%00PL",
        "/api/v1/clients/?%00=1",
    ):
        assert error_fields(api.get(url)), url
    bodies = [
        {"kind": "fact", "text": "nul \x00 here", "payload": {}},
        {"kind": "fact", "text": "ok", "payload": {"note": "nul \x00"}},
        {"kind": "fact", "text": "ok", "payload": {"k\x00": 1}},
    ]
    for body in bodies:
        assert error_fields(api.post(memories_url(world), body, format="json"))
    assert not Memory.objects.exists()


def test_unknown_fields_and_parameters_are_named(api, world):
    fields = error_fields(
        api.post(
            memories_url(world),
            {"kind": "fact", "text": "A dog", "colour": "red"},
            format="json",
        )
    )
    assert fields == {"colour": ["is not a field of this request"]}
    assert "sort" in error_fields(api.get("/api/v1/clients/?sort=name"))


def test_wrong_types_and_typed_payloads_are_refused_per_field(api, world):
    wrong = error_fields(
        api.post(
            memories_url(world),
            {"kind": "holding", "text": 5, "importance": "high"},
            format="json",
        )
    )
    assert {"importance"} <= set(wrong)
    payload = error_fields(
        api.post(
            memories_url(world),
            {
                "kind": "holding",
                "text": "Holds some Apple",
                "payload": {"instrument": "apple inc", "quantity": -3},
            },
            format="json",
        )
    )
    assert {"payload.instrument", "payload.quantity"} <= set(payload)
    assert not Memory.objects.exists()


def test_bad_cursors_and_over_long_keys_are_refused(api, world):
    assert "after" in error_fields(api.get("/api/v1/memory-events/?after=garbage"))
    assert "cursor" in error_fields(api.get("/api/v1/clients/?cursor=%%%"))
    assert "page_size" in error_fields(api.get("/api/v1/clients/?page_size=-1"))
    long_key = api.post(
        memories_url(world),
        {"kind": "fact", "text": "ok", "payload": {"k" * 500: 1}},
        format="json",
    )
    assert error_fields(long_key)
    headers = {"HTTP_IDEMPOTENCY_KEY": "k" * 201}
    too_long = api.post(
        memories_url(world), {"kind": "fact", "text": "ok"}, format="json", **headers
    )
    assert "Idempotency-Key" in error_fields(too_long)
    external = api.put(
        "/api/v1/clients/external/" + "x" * 200 + "/", {"name": "A"}, format="json"
    )
    assert "external_id" in error_fields(external)


def test_unknown_paths_and_huge_ids_answer_404_in_the_error_shape(api):
    for url in (
        "/api/v1/nothing-here/",
        "/api/v1/clients/abc/",
        "/api/v1/clients/99999999999999999999999/",
        "/api/v1/memories/9223372036854775807/",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) == {"message", "extra"}
