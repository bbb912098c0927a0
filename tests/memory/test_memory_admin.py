"""The memory audit admin: compliance only, one firm only, every view logged."""

import json

import pytest

from advisor.models import User
from memory.governance.erasure import subject_erase
from memory.governance.export import export_verify
from memory.governance.holds import legal_hold_place
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import LegalHold, Memory, MemoryEvent, SubjectAccess
from memory.selectors import (
    memory_event_list_for_tenant,
    memory_history,
    memory_list_for_tenant,
    subject_list_for_tenant,
)
from memory.services import memory_record, memory_update
from tests.factories import ClientFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/memory"


def staff(firm, role, username):
    return UserFactory(firm=firm, role=role, is_staff=True, username=username)


def holding(subject, text, quantity):
    return memory_record(
        subject=subject,
        kind="holding",
        key="holding:AAPL:ira",
        text=text,
        payload={"instrument": "AAPL", "quantity": quantity, "account": "ira"},
        cause=Cause.user(1),
    )


@pytest.fixture
def firms():
    north, south = FirmFactory(name="North"), FirmFactory(name="South")
    north_subject = ClientFactory(advisor=UserFactory(firm=north)).subject
    south_subject = ClientFactory(advisor=UserFactory(firm=south)).subject
    north_memory = holding(north_subject, "Holds 200 AAPL in the IRA", 200)
    memory_update(
        memory=north_memory,
        cause=Cause.user(1),
        text="Holds 250 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 250, "account": "ira"},
    )
    south_memory = holding(south_subject, "Southern secret: 900 AAPL", 900)
    south_hold = legal_hold_place(
        subject=south_subject,
        matter="Southern matter",
        scope="",
        approver_user_id=1,
        reason="litigation",
        placed_by_user_id=1,
    )
    erased = ClientFactory(advisor=UserFactory(firm=south)).subject
    holding(erased, "Southern erased holding", 5)
    subject_erase(subject=erased, requested_by_user_id=1, reason="request")
    return {
        "north": north,
        "south": south,
        "north_subject": north_subject,
        "south_subject": south_subject,
        "north_memory": north_memory,
        "south_memory": south_memory,
        "south_hold": south_hold,
        "south_erased": erased,
        "officer": staff(north, User.Role.COMPLIANCE, "north-officer"),
    }


LISTS = ["memory", "memoryevent", "subject", "legalhold", "erasure", "subjectaccess"]


@pytest.mark.parametrize("model", LISTS)
def test_compliance_lists_show_only_their_own_firm(client, firms, model):
    south = firms["south_subject"]
    client.force_login(staff(firms["south"], User.Role.COMPLIANCE, "south-officer"))
    client.get(f"{ADMIN}/memory/{firms['south_memory'].pk}/change/")  # an access row
    client.force_login(firms["officer"])
    response = client.get(f"{ADMIN}/{model}/")
    assert response.status_code == 200
    body = response.content.decode()
    for secret in ("Southern secret", "Southern matter", "Southern erased"):
        assert secret not in body
    foreign = {
        "memory": [firms["south_memory"].pk],
        "memoryevent": list(
            MemoryEvent.objects.filter(tenant_id=firms["south"].pk).values_list(
                "pk", flat=True
            )
        ),
        "subject": [south.pk, firms["south_erased"].pk],
        "legalhold": [firms["south_hold"].pk],
        "erasure": list(firms["south_erased"].erasures.values_list("pk", flat=True)),
        "subjectaccess": list(SubjectAccess.objects.values_list("pk", flat=True)),
    }[model]
    assert foreign, "the other firm must have rows here for the test to mean much"
    for pk in foreign:
        assert f"/{model}/{pk}/change/" not in body


def test_own_firm_rows_are_listed(client, firms):
    client.force_login(firms["officer"])
    body = client.get(f"{ADMIN}/memory/").content.decode()
    assert "Holds 250 AAPL in the IRA" in body
    events = client.get(f"{ADMIN}/memoryevent/").content.decode()
    for event in memory_history(memory=firms["north_memory"]):
        assert f"/memoryevent/{event.pk}/change/" in events


def test_change_pages_of_another_firm_are_not_reachable(client, firms):
    client.force_login(firms["officer"])
    south_event = MemoryEvent.objects.filter(tenant_id=firms["south"].pk).first()
    for url in (
        f"{ADMIN}/memory/{firms['south_memory'].pk}/change/",
        f"{ADMIN}/memoryevent/{south_event.pk}/change/",
        f"{ADMIN}/subject/{firms['south_subject'].pk}/change/",
        f"{ADMIN}/legalhold/{firms['south_hold'].pk}/change/",
        f"{ADMIN}/memory/{firms['south_memory'].pk}/revert/",
        f"{ADMIN}/subject/{firms['south_subject'].pk}/export/",
    ):
        response = client.get(url, follow=False)
        assert response.status_code in (302, 404), url
        assert "Southern" not in response.content.decode()
    assert not SubjectAccess.objects.filter(user_id=firms["officer"].pk).exists()


@pytest.mark.parametrize("role", [User.Role.ADVISOR, User.Role.ANALYST])
def test_non_compliance_staff_cannot_open_the_memory_admin(client, firms, role):
    user = staff(firms["north"], role, "north-staff")
    client.force_login(user)
    assert "/admin/memory/" not in client.get("/admin/").content.decode()
    for url in (
        f"{ADMIN}/memory/",
        f"{ADMIN}/memoryevent/",
        f"{ADMIN}/subject/",
        f"{ADMIN}/memory/{firms['north_memory'].pk}/change/",
        f"{ADMIN}/subject/{firms['north_subject'].pk}/export/",
    ):
        assert client.get(url).status_code == 403, url
    assert not SubjectAccess.objects.exists()


def test_memory_change_page_shows_the_timeline_and_logs_the_access(client, firms):
    officer, memory = firms["officer"], firms["north_memory"]
    client.force_login(officer)
    response = client.get(f"{ADMIN}/memory/{memory.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Version timeline" in body
    assert (
        "<del>Holds 200 AAPL in the IRA</del> → <ins>Holds 250 AAPL in the IRA</ins>"
        in body
    )
    assert "Revert to this" in body
    access = SubjectAccess.objects.get()
    assert access.subject_id == firms["north_subject"].pk
    assert (access.user_id, access.surface) == (officer.pk, "admin")
    assert access.tenant_id == firms["north"].pk
    assert "save" not in [f for f in response.context["adminform"].form.fields]
    assert b'name="_save"' not in response.content


def test_memory_and_event_admin_allow_no_add_change_or_delete(client, firms):
    client.force_login(firms["officer"])
    event = memory_history(memory=firms["north_memory"]).first()
    assert client.get(f"{ADMIN}/memory/add/").status_code == 403
    assert client.get(f"{ADMIN}/memoryevent/add/").status_code == 403
    assert client.get(f"{ADMIN}/memoryevent/{event.pk}/delete/").status_code == 403
    response = client.post(
        f"{ADMIN}/memory/{firms['north_memory'].pk}/change/",
        {"text": "Holds 1 AAPL"},
    )
    assert response.status_code == 403
    assert Memory.objects.get(pk=firms["north_memory"].pk).text.startswith("Holds 250")


def test_revert_to_version_from_the_admin(client, firms):
    officer, memory = firms["officer"], firms["north_memory"]
    first = memory_history(memory=memory).first()
    client.force_login(officer)
    url = f"{ADMIN}/memory/{memory.pk}/revert/"
    assert client.get(f"{url}?event={first.pk}").status_code == 200
    refused = client.post(url, {"event": first.pk, "reason": ""})
    assert refused.status_code == 200  # the form asks for a reason
    response = client.post(url, {"event": first.pk, "reason": "wrong quantity"})
    assert response.status_code == 302
    memory.refresh_from_db()
    assert memory.text == "Holds 200 AAPL in the IRA"
    last = memory_history(memory=memory).last()
    assert (last.action, last.cause_user_id, last.reason) == (
        "revert",
        officer.pk,
        "wrong quantity",
    )


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


def test_legal_hold_is_placed_and_released_through_the_admin(client, firms):
    officer = firms["officer"]
    approver = staff(firms["north"], User.Role.COMPLIANCE, "north-approver")
    client.force_login(officer)
    form = {
        "subject": firms["south_subject"].pk,
        "matter": "Matter 9",
        "scope": "",
        "approver_user_id": approver.pk,
        "reason": "subpoena",
    }
    assert client.post(f"{ADMIN}/legalhold/add/", form).status_code == 200
    assert not LegalHold.objects.filter(matter="Matter 9").exists()
    form["subject"] = firms["north_subject"].pk
    form["approver_user_id"] = UserFactory(firm=firms["south"]).pk
    assert client.post(f"{ADMIN}/legalhold/add/", form).status_code == 200
    assert not LegalHold.objects.filter(matter="Matter 9").exists()
    form["approver_user_id"] = approver.pk
    assert client.post(f"{ADMIN}/legalhold/add/", form).status_code == 302
    hold = LegalHold.objects.get(matter="Matter 9")
    assert hold.placed_by_user_id == officer.pk
    assert hold.subject_id == firms["north_subject"].pk

    data = {"action": "release_holds", "_selected_action": [hold.pk]}
    client.post(f"{ADMIN}/legalhold/", {**data, "confirm": "yes", "reason": ""})
    hold.refresh_from_db()
    assert hold.released_at is None
    client.post(f"{ADMIN}/legalhold/", {**data, "confirm": "yes", "reason": "closed"})
    hold.refresh_from_db()
    assert hold.released_by_user_id == officer.pk and hold.release_reason == "closed"


def test_tenant_selectors_never_cross_firms(firms):
    north, south = firms["north"].pk, firms["south"].pk
    assert set(memory_list_for_tenant(tenant_id=north)) == {firms["north_memory"]}
    assert firms["south_memory"] in memory_list_for_tenant(tenant_id=south)
    assert {e.tenant_id for e in memory_event_list_for_tenant(tenant_id=north)} == {
        north
    }
    assert memory_event_list_for_tenant(tenant_id=north).count() == 2
    assert set(subject_list_for_tenant(tenant_id=north)) == {firms["north_subject"]}
    assert firms["north_subject"] not in subject_list_for_tenant(tenant_id=south)
