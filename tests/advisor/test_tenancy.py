"""No page, endpoint or admin list shows one firm's data to another, or one
advisor's clients to another advisor."""

import pytest

from advisor.models import User
from tests.factories import ClientFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_firms():
    north, south = FirmFactory(name="North"), FirmFactory(name="South")
    north_advisor = UserFactory(firm=north, username="north-adv")
    north_other = UserFactory(firm=north, username="north-adv2")
    south_advisor = UserFactory(firm=south, username="south-adv")
    return {
        "north": north,
        "south": south,
        "north_advisor": north_advisor,
        "north_other": north_other,
        "south_advisor": south_advisor,
        "north_client": ClientFactory(advisor=north_advisor, name="Nora North"),
        "north_other_client": ClientFactory(advisor=north_other, name="Ned Northeast"),
        "south_client": ClientFactory(advisor=south_advisor, name="Sal South"),
    }


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_lists_only_the_advisors_own_clients(client, two_firms):
    client.force_login(two_firms["north_advisor"])
    page = client.get("/").content.decode()
    assert "Nora North" in page
    assert "Ned Northeast" not in page
    assert "Sal South" not in page
    assert f"/clients/{two_firms['north_client'].pk}/" in page


def test_client_page_of_another_advisor_or_firm_is_not_found(client, two_firms):
    client.force_login(two_firms["north_advisor"])
    own = client.get(f"/clients/{two_firms['north_client'].pk}/")
    assert own.status_code == 200 and "Nora North" in own.content.decode()
    for other in ("north_other_client", "south_client"):
        response = client.get(f"/clients/{two_firms[other].pk}/")
        assert response.status_code == 404
        assert two_firms[other].name not in response.content.decode()


def test_team_sharing_shows_teammates_clients_only_when_the_firm_allows(
    client, two_firms
):
    from advisor.services import team_create

    north = two_firms["north"]
    team = team_create(firm=north, name="Desk A")
    for key in ("north_advisor", "north_other"):
        User.objects.filter(pk=two_firms[key].pk).update(team=team)
    client.force_login(User.objects.get(pk=two_firms["north_advisor"].pk))
    assert "Ned Northeast" not in client.get("/").content.decode()
    north.share_clients_within_team = True
    north.save()
    assert "Ned Northeast" in client.get("/").content.decode()
    assert "Sal South" not in client.get("/").content.decode()


def test_compliance_sees_the_whole_firm_and_nothing_else(client, two_firms):
    officer = UserFactory(firm=two_firms["north"], role=User.Role.COMPLIANCE)
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert "Nora North" in page and "Ned Northeast" in page
    assert "Sal South" not in page


def test_client_search_is_scoped(client, two_firms):
    client.force_login(two_firms["north_advisor"])
    response = client.get("/?q=S", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Sal South" not in body
    assert "<html" not in body  # an htmx request gets the fragment only


def test_api_never_shows_another_firms_or_advisors_clients(two_firms):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(two_firms["north_advisor"])
    names = [row["name"] for row in api.get("/api/v1/clients/").json()["results"]]
    assert names == ["Nora North"]
    for other in ("north_other_client", "south_client"):
        assert api.get(f"/api/v1/clients/{two_firms[other].pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/advisor/client/",
        "/admin/advisor/user/",
        "/admin/advisor/firm/",
        "/admin/advisor/analystprofile/",
    ],
)
def test_admin_lists_show_only_the_staff_users_firm(client, two_firms, path):
    staff = UserFactory(
        firm=two_firms["north"], role=User.Role.ADMIN, is_staff=True, username="boss"
    )
    staff.is_superuser = True
    staff.save()
    UserFactory(firm=two_firms["south"], role=User.Role.ANALYST, username="south-ana")
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    for secret in ("Sal South", "south-adv", "South", "south-ana"):
        assert secret not in body, f"{secret} leaked into {path}"


def test_admin_change_page_of_another_firms_client_is_not_reachable(client, two_firms):
    staff = UserFactory(
        firm=two_firms["north"], role=User.Role.ADMIN, is_staff=True, username="boss"
    )
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(
        f"/admin/advisor/client/{two_firms['south_client'].pk}/change/"
    )
    assert response.status_code in (302, 404)
    assert "Sal South" not in response.content.decode()


def test_reviewing_another_advisors_proposal_is_not_found(client, two_firms):
    from memory.ledger.chain import Cause
    from memory.models import Memory
    from memory.services import memory_record

    theirs = two_firms["north_other_client"]
    proposal = memory_record(
        subject=theirs.subject,
        kind="fact",
        text="Secret",
        payload={},
        cause=Cause.system(),
        status="proposed",
    )
    client.force_login(two_firms["north_advisor"])
    for decision in ("approve", "reject"):
        url = f"/clients/{theirs.pk}/memories/{proposal.pk}/{decision}/"
        assert client.post(url).status_code == 404
    own = two_firms["north_client"]
    url = f"/clients/{own.pk}/memories/{proposal.pk}/approve/"
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert "already reviewed" in response.content.decode()  # not theirs to touch
    assert Memory.objects.get(pk=proposal.pk).status == "proposed"


def test_client_page_shows_only_that_clients_memory(client, two_firms):
    from memory.ledger.chain import Cause
    from memory.services import memory_record

    for key in ("north_client", "north_other_client", "south_client"):
        memory_record(
            subject=two_firms[key].subject,
            kind="fact",
            text=f"Memory of {two_firms[key].name}",
            payload={},
            cause=Cause.system(),
        )
    client.force_login(two_firms["north_advisor"])
    page = client.get(f"/clients/{two_firms['north_client'].pk}/").content.decode()
    assert "Memory of Nora North" in page
    assert "Memory of Ned Northeast" not in page and "Memory of Sal South" not in page


def test_compliance_erases_a_client_through_the_admin(client, two_firms):
    from memory.governance.holds import legal_hold_place
    from memory.ledger.chain import Cause
    from memory.ledger.verify import chain_verify
    from memory.models import Memory
    from memory.services import memory_record

    officer = UserFactory(
        firm=two_firms["north"],
        role=User.Role.COMPLIANCE,
        is_staff=True,
        username="officer",
    )
    nora, ned = two_firms["north_client"], two_firms["north_other_client"]
    memory_record(
        subject=nora.subject,
        kind="fact",
        text="Nora's secret",
        payload={},
        cause=Cause.system(),
    )
    legal_hold_place(
        subject=ned.subject,
        matter="SEC-1",
        scope="all",
        approver_user_id=officer.pk,
        reason="inquiry",
        placed_by_user_id=officer.pk,
    )
    client.force_login(officer)
    url = "/admin/advisor/client/"
    ask = client.post(
        url, {"action": "erase_clients", "_selected_action": [nora.pk, ned.pk]}
    )
    assert "Erase for good" in ask.content.decode()
    done = client.post(
        url,
        {
            "action": "erase_clients",
            "confirm": "yes",
            "reason": "Client asked, ticket 9",
            "_selected_action": [nora.pk, ned.pk],
        },
        follow=True,
    )
    page = done.content.decode()
    assert "legal hold" in page
    nora.refresh_from_db()
    ned.refresh_from_db()
    assert nora.name.startswith("Erased client") and nora.email == ""
    assert ned.name == "Ned Northeast"  # held: refused, untouched
    assert not Memory.objects.filter(subject=nora.subject, text__contains="secret")
    assert chain_verify(nora.subject).ok


def test_only_compliance_may_erase_clients(client, two_firms):
    boss = UserFactory(
        firm=two_firms["north"], role=User.Role.ADMIN, is_staff=True, username="boss2"
    )
    boss.is_superuser = True
    boss.save()
    client.force_login(boss)
    nora = two_firms["north_client"]
    client.post(
        "/admin/advisor/client/",
        {
            "action": "erase_clients",
            "confirm": "yes",
            "reason": "x",
            "_selected_action": [nora.pk],
        },
    )
    nora.refresh_from_db()
    assert nora.name == "Nora North"
