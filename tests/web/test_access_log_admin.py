"""The access log in the audit admin: who viewed whose memory, where; as CSV."""

import csv
import io

import pytest

from advisor.models import User
from memory.governance.access import subject_access_record
from tests.factories import ClientFactory, FirmFactory, UserFactory

pytestmark = pytest.mark.django_db

LOG = "/admin/memory/subjectaccess/"


@pytest.fixture
def log(firm, advisor_user):
    officer = UserFactory(
        firm=firm, role=User.Role.COMPLIANCE, is_staff=True, username="officer"
    )
    nora = ClientFactory(advisor=advisor_user, name="Nora North")
    for surface in ("web", "api", "web", "admin-export"):
        subject_access_record(
            subject=nora.subject, user_id=advisor_user.pk, surface=surface
        )
    stranger = ClientFactory(
        advisor=UserFactory(firm=FirmFactory(), username="south"), name="Sal South"
    )
    subject_access_record(
        subject=stranger.subject, user_id=stranger.advisor_id, surface="web"
    )
    return {"officer": officer, "advisor": advisor_user, "nora": nora}


def test_the_log_names_who_viewed_whose_memory_and_where(client, log):
    client.force_login(log["officer"])
    page = client.get(LOG).content.decode()
    assert f"{log['advisor'].get_full_name()} ({log['advisor'].username})" in page
    assert "Nora North (client #" in page
    assert "Page" in page and "API" in page and "Export" in page
    assert "Sal South" not in page  # another firm's


def test_the_log_filters_by_where_and_by_whom(client, log):
    client.force_login(log["officer"])
    api = client.get(LOG, {"surface": "api"})
    assert [a.surface for a in api.context["cl"].queryset] == ["api"]
    by_user = client.get(LOG, {"user": str(log["officer"].pk)})
    assert list(by_user.context["cl"].queryset) == []
    assert client.get(LOG, {"user": "nonsense"}).status_code == 200


def test_the_filtered_log_downloads_as_csv(client, log):
    client.force_login(log["officer"])
    page = client.get(LOG, {"surface": "web"}).content.decode()
    assert f'href="{LOG}export.csv?surface=web"' in page
    response = client.get(f"{LOG}export.csv", {"surface": "web"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    assert len(rows) == 2
    assert {row["surface"] for row in rows} == {"Page"}
    assert {row["subject"].split(" (")[0] for row in rows} == {"Nora North"}
    everything = client.get(f"{LOG}export.csv")
    text = b"".join(everything.streaming_content).decode()
    assert text.count("\n") == 5 and "Sal South" not in text


def test_only_auditors_reach_the_log_or_its_export(client, log):
    client.force_login(log["advisor"])
    assert client.get(LOG).status_code == 302
    assert client.get(f"{LOG}export.csv").status_code == 302
