"""A user's tenant and rights come from the provider the setting names."""

from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from advisor.models import User
from memory import tenancy
from memory.services import subject_create
from memory.tenancy import TenantAccess
from tests.factories import ClientFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

ELSEWHERE = 4242


class OneTenantForAll:
    """Everyone audits one tenant no firm has, nobody erases, any key names it."""

    def access_of(self, user) -> TenantAccess:
        return TenantAccess(tenant_id=ELSEWHERE, can_audit=True)

    def tenant_of_key(self, key: str) -> int | None:
        return ELSEWHERE

    def tenant_keys(self, tenant_ids) -> dict[int, str]:
        return {pk: "elsewhere" for pk in tenant_ids if pk == ELSEWHERE}

    def user_in_tenant(self, user_id: int, tenant_id: int) -> bool:
        return tenant_id == ELSEWHERE


@pytest.fixture
def one_tenant_for_all(settings):
    settings.MEMORY_TENANCY_PROVIDER = f"{__name__}.OneTenantForAll"


@pytest.fixture
def north():
    return FirmFactory(name="North", slug="north")


@pytest.fixture
def south():
    return FirmFactory(name="South", slug="south")


def test_a_compliance_officer_audits_and_erases_in_their_own_firm(north, south):
    officer = UserFactory(firm=north, role=User.Role.COMPLIANCE)
    assert tenancy.access_of(officer) == TenantAccess(
        tenant_id=north.pk, can_audit=True, can_erase=True
    )


def test_a_firm_administrator_audits_but_may_not_erase(north):
    firm_admin = UserFactory(firm=north, role=User.Role.ADMIN)
    assert tenancy.access_of(firm_admin) == TenantAccess(
        tenant_id=north.pk, can_audit=True, can_erase=False
    )


@pytest.mark.parametrize("role", [User.Role.ADVISOR, User.Role.ANALYST])
def test_advisors_and_analysts_have_a_tenant_but_no_audit_right(north, role):
    user = UserFactory(firm=north, role=role, is_staff=True)
    assert tenancy.access_of(user) == TenantAccess(
        tenant_id=north.pk, can_audit=False, can_erase=False
    )


def test_an_anonymous_user_has_no_tenant_and_no_rights():
    assert tenancy.access_of(AnonymousUser()) == TenantAccess(
        tenant_id=None, can_audit=False, can_erase=False
    )


def test_a_firm_slug_names_its_tenant_and_back(north, south):
    assert tenancy.tenant_of_key("north") == north.pk
    assert tenancy.tenant_of_key("south") == south.pk
    assert tenancy.tenant_of_key("nowhere") is None
    assert tenancy.tenant_keys([north.pk, south.pk, ELSEWHERE]) == {
        north.pk: "north",
        south.pk: "south",
    }


def test_a_user_belongs_to_their_own_firm_only(north, south):
    approver = UserFactory(firm=north)
    assert tenancy.user_in_tenant(approver.pk, north.pk)
    assert not tenancy.user_in_tenant(approver.pk, south.pk)
    assert not tenancy.user_in_tenant(approver.pk + 1000, north.pk)


def test_the_setting_chooses_the_provider(north, one_tenant_for_all):
    advisor = UserFactory(firm=north, role=User.Role.ADVISOR)
    assert tenancy.access_of(advisor) == TenantAccess(
        tenant_id=ELSEWHERE, can_audit=True, can_erase=False
    )
    assert tenancy.tenant_of_key("north") == ELSEWHERE
    assert tenancy.user_in_tenant(advisor.pk, ELSEWHERE)
    assert not tenancy.user_in_tenant(advisor.pk, north.pk)
    assert tenancy.provider() is tenancy.provider()


def test_the_audit_admin_asks_the_provider(client, north, one_tenant_for_all):
    advisor = UserFactory(firm=north, role=User.Role.ADVISOR, is_staff=True)
    own = ClientFactory(advisor=advisor).subject
    elsewhere = subject_create(tenant_id=ELSEWHERE, kind="client")
    client.force_login(advisor)
    response = client.get("/admin/memory/subject/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/subject/{elsewhere.pk}/change/" in body
    assert f"/subject/{own.pk}/change/" not in body
    assert "erase_subjects" not in body


def test_verify_ledger_finds_the_firm_through_the_provider(north, one_tenant_for_all):
    subject_create(tenant_id=ELSEWHERE, kind="client")
    subject_create(tenant_id=north.pk, kind="client")
    out = StringIO()
    call_command("verify_ledger", "--firm", "north", stdout=out)
    assert f"elsewhere (tenant {ELSEWHERE}): 1 subjects" in out.getvalue()
    assert f"tenant {north.pk}" not in out.getvalue()


def test_without_the_setting_the_engine_says_what_is_missing(settings):
    del settings.MEMORY_TENANCY_PROVIDER
    with pytest.raises(ImproperlyConfigured, match="MEMORY_TENANCY_PROVIDER"):
        tenancy.access_of(AnonymousUser())


def test_a_subject_is_known_by_its_client_s_full_and_first_names(north):
    from memory.tenancy import subject_names
    from tests.factories import ClientFactory, UserFactory

    advisor = UserFactory(firm=north, role="advisor")
    client = ClientFactory(advisor=advisor, name="Marcus  Chen")
    analyst = UserFactory(
        firm=north, role="analyst", first_name="Priya", last_name="Shah"
    )
    assert subject_names(client.subject_id) == ["Marcus Chen", "Marcus"]
    assert subject_names(analyst.analyst_profile.subject_id) == ["Priya Shah", "Priya"]
    assert subject_names(10**9) == []
