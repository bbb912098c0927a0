"""Memories through the API: typed records, corrections, retractions, history,
reviews of proposals, and the list's filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from memory.ledger.chain import Cause
from memory.models import Memory, MemoryStatus, ProposalAction
from memory.services import memory_record
from tests.advisor.api.conftest import api_as, holding

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return api_as(world.advisor)


def test_record_correct_retract_and_read_the_history(api, world):
    created = api.post(
        f"/api/v1/clients/{world.client.pk}/memories/",
        {
            "kind": "holding",
            "text": "Holds 200 AAPL in the IRA",
            "payload": {"instrument": "aapl", "quantity": 200, "account": "ira"},
            "key": "holding:AAPL:ira",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    memory = created.json()
    assert memory["payload"]["instrument"] == "AAPL" and memory["source"] == "api"
    url = f"/api/v1/memories/{memory['id']}/"
    patched = api.patch(
        url,
        {
            "text": "Holds 250 AAPL in the IRA",
            "payload": {"instrument": "AAPL", "quantity": 250, "account": "ira"},
            "reason": "CRM correction",
        },
        format="json",
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    refused = api.delete(url, {}, format="json")
    assert "reason" in refused.json()["extra"]["fields"]
    retracted = api.delete(url, {"reason": "Sold it all"}, format="json")
    assert retracted.json()["status"] == "retracted"
    history = api.get(f"{url}history/").json()
    actions = [v["action"] for v in history["results"]]
    assert actions == ["create", "update", "retract"]
    update = history["results"][1]
    assert update["changes"]["text"] == {
        "from": "Holds 200 AAPL in the IRA",
        "to": "Holds 250 AAPL in the IRA",
    }
    assert update["changes"]["payload"]["to"]["quantity"] == 250
    assert update["cause"]["type"] == "api" and update["reason"] == "CRM correction"
    assert history["results"][2]["reason"] == "Sold it all"
    again = api.delete(url, {"reason": "twice"}, format="json")
    assert again.status_code == 409


def test_superseding_keeps_both_and_links_them(api, world):
    old = holding(world.client.subject)
    response = api.post(
        f"/api/v1/clients/{world.client.pk}/memories/",
        {
            "kind": "holding",
            "text": "Holds 300 AAPL in the IRA",
            "payload": {"instrument": "AAPL", "quantity": 300, "account": "ira"},
            "supersedes": old.pk,
        },
        format="json",
    )
    assert response.status_code == 201
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by_id == response.json()["id"]
    lineage = api.get(f"/api/v1/memories/{old.pk}/history/").json()["lineage"]
    assert lineage == [old.pk, response.json()["id"]]


def test_approving_a_retraction_proposal_retracts_what_holds_its_slot(api, world):
    held = holding(world.client.subject)
    proposal = memory_record(
        subject=world.client.subject,
        kind="holding",
        key="holding:AAPL:ira",
        text="Sold all the Apple",
        payload={"instrument": "AAPL", "account": "ira"},
        cause=Cause.user(world.advisor.pk),
        status=MemoryStatus.PROPOSED,
        proposal_action=ProposalAction.RETRACT,
    )
    listed = api.get(
        f"/api/v1/clients/{world.client.pk}/memories/?status=proposed"
    ).json()["results"]
    assert [(m["id"], m["proposal_action"]) for m in listed] == [
        (proposal.pk, "retract")
    ]
    response = api.post(f"/api/v1/memories/{proposal.pk}/approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "applied"
    held.refresh_from_db()
    assert held.status == "retracted"
    rejected = api.post(f"/api/v1/memories/{proposal.pk}/reject/", {}, format="json")
    assert rejected.status_code == 409


def test_the_list_filters_by_kind_status_staleness_and_change(api, world):
    subject = world.client.subject
    held = holding(subject)
    memory_record(
        subject=subject,
        kind="goal",
        text="Retire at 60",
        payload={"goal": "retire at 60"},
        cause=Cause.user(1),
    )
    url = f"/api/v1/clients/{world.client.pk}/memories/"
    kinds = [m["kind"] for m in api.get(url, {"kind": "goal"}).json()["results"]]
    assert kinds == ["goal"]
    # With no quote read yet, the holding's reference is stale.
    stale = api.get(url, {"stale": "true"}).json()["results"]
    assert [m["id"] for m in stale] == [held.pk]
    assert stale[0]["freshness"]["status"] == "stale"
    fresh = api.get(url, {"stale": "false"}).json()["results"]
    assert [m["kind"] for m in fresh] == ["goal"]
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert api.get(url, {"changed_since": later}).json()["results"] == []
    Memory.objects.filter(pk=held.pk).update(
        updated_at=timezone.now() + timedelta(minutes=2)
    )
    changed = api.get(url, {"changed_since": later}).json()["results"]
    assert [m["id"] for m in changed] == [held.pk]


def test_pages_of_memories_follow_their_cursor(api, world):
    for i in range(5):
        memory_record(
            subject=world.client.subject,
            kind="fact",
            text=f"Fact {i}",
            payload={},
            cause=Cause.user(1),
        )
    url = f"/api/v1/clients/{world.client.pk}/memories/?page_size=2"
    seen = []
    while url:
        page = api.get(url).json()
        seen += [m["text"] for m in page["results"]]
        url = page["next"]
    assert seen == [f"Fact {i}" for i in range(5)]


def test_quotes_are_the_stored_ones_with_their_age(api, world):
    from tests.market.factories import InstrumentFactory
    from tests.memory.readings.helpers import store_quote

    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    store_quote("AAPL", "190.5", timezone.now() - timedelta(minutes=10))
    results = api.get("/api/v1/quotes/?symbols=aapl,ZZZZ").json()["results"]
    assert results[0]["symbol"] == "AAPL" and results[0]["price"] == "190.500000"
    assert 590 <= results[0]["age_seconds"] <= 700 and results[0]["source"] == "fixed"
    assert results[1] == {
        "symbol": "ZZZZ",
        "price": None,
        "currency": None,
        "as_of": None,
        "age_seconds": None,
        "age": None,
        "source": None,
        "simulated": False,
        "known": False,
    }
