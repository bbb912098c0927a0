"""The subject admin: verify the chain, export (logged), erase (compliance only)."""

import json

import pytest

from advisor.models import User
from memory.governance.export import export_verify
from memory.governance.holds import legal_hold_place
from memory.ledger.verify import chain_verify
from memory.models import SubjectAccess
from tests.memory.admin.helpers import ADMIN, staff

pytestmark = pytest.mark.django_db


def test_export_download_verifies_and_is_logged(client, firms):
    officer, subject = firms["officer"], firms["north_subject"]
    client.force_login(officer)
    response = client.get(f"{ADMIN}/subject/{subject.pk}/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    export = json.loads(response.content)
    assert export_verify(export)
    assert export["manifest"]["events"] == 2
    export["events"][0]["reason"] = "edited"
    assert not export_verify(export)
    via_action = client.post(
        f"{ADMIN}/subject/",
        {"action": "export_ledger", "_selected_action": [subject.pk]},
    )
    assert export_verify(json.loads(via_action.content))
    assert SubjectAccess.objects.filter(surface="admin-export").count() == 2


def test_verify_chain_action_reports_each_subject(client, firms):
    client.force_login(firms["officer"])
    response = client.post(
        f"{ADMIN}/subject/",
        {"action": "verify_chain", "_selected_action": [firms["north_subject"].pk]},
        follow=True,
    )
    assert "2 events verify" in response.content.decode()


def test_erase_action_needs_confirmation_and_a_reason(client, firms):
    officer, subject = firms["officer"], firms["north_subject"]
    client.force_login(officer)
    data = {"action": "erase_subjects", "_selected_action": [subject.pk]}
    step = client.post(f"{ADMIN}/subject/", data)
    assert step.status_code == 200 and "Erase for good" in step.content.decode()
    client.post(f"{ADMIN}/subject/", {**data, "confirm": "yes", "reason": ""})
    subject.refresh_from_db()
    assert subject.erased_at is None
    client.post(f"{ADMIN}/subject/", {**data, "confirm": "yes", "reason": "Art. 17"})
    subject.refresh_from_db()
    assert subject.erased_at is not None
    erasure = subject.erasures.get()
    assert (erasure.requested_by_user_id, erasure.reason) == (officer.pk, "Art. 17")
    assert chain_verify(subject).ok


def test_only_compliance_officers_may_erase_and_holds_block_it(client, firms):
    firm_admin = staff(firms["north"], User.Role.ADMIN, "north-admin")
    client.force_login(firm_admin)
    changelist = client.get(f"{ADMIN}/subject/")
    assert changelist.status_code == 200
    assert "erase_subjects" not in changelist.content.decode()
    subject = firms["north_subject"]
    data = {"action": "erase_subjects", "_selected_action": [subject.pk]}
    client.post(f"{ADMIN}/subject/", {**data, "confirm": "yes", "reason": "x"})
    subject.refresh_from_db()
    assert subject.erased_at is None

    client.force_login(firms["officer"])
    legal_hold_place(
        subject=subject,
        matter="North matter",
        scope="",
        approver_user_id=1,
        reason="litigation",
        placed_by_user_id=1,
    )
    response = client.post(
        f"{ADMIN}/subject/", {**data, "confirm": "yes", "reason": "x"}, follow=True
    )
    assert "legal hold" in response.content.decode()
    subject.refresh_from_db()
    assert subject.erased_at is None
