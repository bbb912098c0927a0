"""Clients through the API: create, change, upsert by CRM id, erasure."""

import pytest

from advisor.models import Client
from memory.governance.holds import legal_hold_place
from memory.models import Memory
from tests.advisor.api.conftest import api_as, holding

pytestmark = pytest.mark.django_db


def test_create_patch_and_upsert_by_crm_id(world):
    api = api_as(world.advisor)
    created = api.post(
        "/api/v1/clients/",
        {"name": "Ana Lopez", "external_id": "CRM-9", "risk_tolerance": "moderate"},
        format="json",
    )
    assert created.status_code == 201 and created.json()["advisor"] == "dana"
    duplicate = api.post(
        "/api/v1/clients/", {"name": "Ana", "external_id": "CRM-9"}, format="json"
    )
    assert "external_id" in duplicate.json()["extra"]["fields"]
    client_id = created.json()["id"]
    patched = api.patch(
        f"/api/v1/clients/{client_id}/", {"horizon_years": 12}, format="json"
    )
    assert patched.json()["horizon_years"] == 12
    updated = api.put(
        "/api/v1/clients/external/CRM-9/", {"name": "Ana L."}, format="json"
    )
    assert updated.status_code == 200 and updated.json()["id"] == client_id
    new = api.put("/api/v1/clients/external/CRM-10/", {"name": "Bo"}, format="json")
    assert new.status_code == 201
    assert Client.objects.filter(firm=world.firm, external_id="CRM-10").count() == 1
    bad = api.patch(
        f"/api/v1/clients/{client_id}/", {"risk_tolerance": "yolo"}, format="json"
    )
    assert "risk_tolerance" in bad.json()["extra"]["fields"]


def test_an_administrator_assigns_advisors_an_advisor_cannot(world):
    admin = api_as(world.admin)
    response = api_as(world.advisor).patch(
        f"/api/v1/clients/{world.client.pk}/", {"advisor": "sam"}, format="json"
    )
    assert response.status_code == 403
    moved = admin.patch(
        f"/api/v1/clients/{world.client.pk}/", {"advisor": "sam"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["advisor"] == "sam"
    outsider = admin.patch(
        f"/api/v1/clients/{world.client.pk}/", {"advisor": "olga"}, format="json"
    )
    assert "advisor" in outsider.json()["extra"]["fields"]


def test_erasure_is_compliance_only_and_refused_under_legal_hold(world):
    holding(world.client.subject)
    url = f"/api/v1/clients/{world.client.pk}/erasure/"
    compliance = api_as(world.compliance)
    legal_hold_place(
        subject=world.client.subject,
        matter="SEC inquiry",
        scope="All records",
        approver_user_id=world.compliance.pk,
        placed_by_user_id=world.compliance.pk,
        reason="Preserve records",
    )
    held = compliance.post(url, {"reason": "Client asked"}, format="json")
    assert held.status_code == 409 and "legal hold" in held.json()["message"]
    assert Memory.objects.filter(subject=world.client.subject, status="active").exists()
    world.client.subject.legal_holds.update(released_at="2026-01-01T00:00:00Z")
    erased = compliance.post(url, {"reason": "Client asked"}, format="json")
    assert erased.status_code == 200, erased.json()
    assert erased.json()["client"]["erased"] is True
    assert erased.json()["memories_erased"] == 1
    again = compliance.post(url, {"reason": "Again"}, format="json")
    assert again.status_code == 410
