"""A reply's citation resolves, months later, to exactly what the reply saw."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from advisor.models import User
from advisor.services import client_erase
from memory.governance.retention import memory_expiry_sweep
from memory.ledger.chain import Cause
from memory.ledger.replay import citation_resolve
from memory.models import Memory, MemoryStatus, Message
from memory.services import memory_supersede, memory_update
from tests.factories import ClientFactory, UserFactory
from tests.memory.assistant.helpers import ask, quote, remember, start_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def cited(advisor_user):
    """A reply that relied on a holding read against a quote."""
    client = ClientFactory(advisor=advisor_user, name="Marcus Chen")
    holding = remember(
        client.subject,
        "holding",
        "Holds 1,300 NVDA",
        {"instrument": "NVDA", "quantity": 1300},
        key="holding:NVDA",
    )
    quote("NVDA", "120.00")
    reply = ask(start_chat(client.subject), advisor_user, "What does he hold?").reply
    (citation,) = reply.citations
    return client, holding, reply, citation


def resolve(citation, client):
    return citation_resolve(citation=citation, tenant_id=client.subject.tenant_id)


def test_a_citation_resolves_to_the_version_the_reply_saw(cited):
    client, holding, _, citation = cited
    resolved = resolve(citation, client)
    assert resolved["status"] == "resolved" and resolved["verified"] is True
    assert resolved["state"]["text"] == "Holds 1,300 NVDA"
    assert resolved["state"]["reading"]["price"] == "120.00"
    assert resolved["state"]["reading"]["market_value"] == "156000.00"
    assert resolved["current"]["status"] == "active"


def test_after_a_supersede_it_still_resolves_to_the_old_version(cited):
    client, holding, _, citation = cited
    successor = memory_supersede(
        memory=holding,
        cause=Cause.user(1),
        text="Holds 1,100 NVDA",
        payload={"instrument": "NVDA", "quantity": 1100},
    )
    quote("NVDA", "140.00", minutes_ago=1)
    resolved = resolve(citation, client)
    assert resolved["status"] == "resolved" and resolved["verified"] is True
    assert resolved["state"]["text"] == "Holds 1,300 NVDA"
    assert resolved["state"]["reading"]["price"] == "120.00"
    assert resolved["current"] == {
        "status": MemoryStatus.SUPERSEDED,
        "version": holding.version,
        "superseded_by_id": successor.pk,
    }


def test_after_an_update_in_place_it_resolves_to_the_earlier_version(cited):
    client, holding, _, citation = cited
    memory_update(memory=holding, cause=Cause.user(1), text="Holds 1,300 NVDA (IRA)")
    resolved = resolve(citation, client)
    assert resolved["state"]["text"] == "Holds 1,300 NVDA"
    assert resolved["state"]["version"] == citation["version"]
    assert resolved["current"]["version"] == citation["version"] + 1


def test_after_the_memory_expired_it_resolves_to_the_digest_and_the_erasure(cited):
    client, holding, reply, citation = cited
    Memory.objects.filter(pk=holding.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    assert memory_expiry_sweep() >= 1
    reply.refresh_from_db()
    assert reply.citations == [citation]  # the reply still names what it relied on
    resolved = resolve(citation, client)
    assert resolved["status"] == "erased" and resolved["verified"] is True
    assert resolved["state"] is None
    assert len(resolved["digest"]) == 64
    erasure = resolved["erasure"]
    assert erasure["reason"] == "retention period ended"
    assert erasure["cause_ref"] == "memory_expiry_sweep"
    assert erasure["event"] is not None and erasure["subject_erasure"] is None


def test_after_the_client_was_erased_the_citation_keeps_only_its_identity(cited):
    client, holding, reply, citation = cited
    officer = UserFactory(firm=client.firm, role=User.Role.COMPLIANCE)
    client_erase(client=client, requested_by=officer, reason="right to be forgotten")
    reply.refresh_from_db()
    (kept,) = reply.citations
    # What instrument, at what price: gone. Which version, by id and hash: kept.
    assert set(kept) == {"memory", "version", "event", "sequence", "hash"}
    assert kept["hash"] == citation["hash"]
    resolved = resolve(kept, client)
    assert resolved["status"] == "erased" and resolved["verified"] is True
    assert resolved["erasure"]["reason"] == "right to be forgotten"
    assert resolved["erasure"]["requested_by_user_id"] == officer.pk
    assert resolved["erasure"]["subject_erasure"]["reason"] == "right to be forgotten"
    assert Message.objects.get(pk=reply.pk).text == "[erased]"


def test_a_citation_whose_hash_does_not_match_does_not_verify(cited):
    client, _, _, citation = cited
    forged = {**citation, "hash": "0" * 64}
    assert resolve(forged, client)["verified"] is False


def test_a_tampered_event_does_not_verify(cited):
    client, _, _, citation = cited
    with connection.cursor() as cursor:
        # The append-only trigger is switched off for this one forgery.
        cursor.execute("ALTER TABLE memory_memoryevent DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE memory_memoryevent SET reason = 'rewritten' WHERE id = %s",
            [citation["event"]],
        )
        cursor.execute("ALTER TABLE memory_memoryevent ENABLE TRIGGER USER")
    assert resolve(citation, client)["verified"] is False


def test_another_firm_cannot_resolve_it(cited):
    client, _, _, citation = cited
    other = ClientFactory()
    assert other.firm_id != client.firm_id
    resolved = citation_resolve(citation=citation, tenant_id=other.subject.tenant_id)
    assert resolved["status"] == "not_found" and resolved["state"] is None
    assert resolve({"event": "x"}, client)["status"] == "not_found"
