"""The memory admin: own firm's rows, the version timeline, revert; views logged."""

import pytest

from memory.models import SubjectAccess
from memory.selectors import memory_history
from tests.memory.admin.helpers import ADMIN

pytestmark = pytest.mark.django_db


def test_own_firm_rows_are_listed(client, firms):
    client.force_login(firms["officer"])
    body = client.get(f"{ADMIN}/memory/").content.decode()
    assert "Holds 250 AAPL in the IRA" in body
    events = client.get(f"{ADMIN}/memoryevent/").content.decode()
    for event in memory_history(memory=firms["north_memory"]):
        assert f"/memoryevent/{event.pk}/change/" in events


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
