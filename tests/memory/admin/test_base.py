"""Every audit admin: compliance only, and one firm only."""

import pytest

from advisor.models import User
from memory.models import MemoryEvent, SubjectAccess
from memory.selectors import (
    memory_event_list_for_tenant,
    memory_list_for_tenant,
    subject_list_for_tenant,
)
from tests.memory.admin.helpers import ADMIN, staff

pytestmark = pytest.mark.django_db

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
