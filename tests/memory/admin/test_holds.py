"""The legal hold admin: placed in one's own firm, released with a reason."""

import pytest

from advisor.models import User
from memory.models import LegalHold
from tests.factories import UserFactory
from tests.memory.admin.helpers import ADMIN, staff

pytestmark = pytest.mark.django_db


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
