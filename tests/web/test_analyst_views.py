"""The analyst's dashboard: views with readings, sort and filter, charts, alerts,
publishing a house view."""

import pytest
from django.utils import timezone

from advisor.models import User
from market.providers.fixed import FixedProvider
from market.services import quotes_fetch
from memory.models import MarketAlert
from memory.readings.refresh import readings_refresh
from tests.factories import UserFactory
from tests.web.helpers import HTMX, analyst_with_views

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(firm):
    return UserFactory(firm=firm, role=User.Role.ANALYST, username="priya")


@pytest.fixture
def views(analyst):
    return analyst_with_views(analyst)


@pytest.fixture
def signed_in(client, analyst):
    client.force_login(analyst)
    return client


def rows(response) -> list[str]:
    return [row.memory.payload["instrument"] for row in response.context["rows"]]


def test_home_is_the_dashboard_of_the_analysts_views(signed_in, views):
    response = signed_in.get("/")
    page = response.content.decode()
    assert "Your views" in page
    assert rows(response) == ["NVDA", "TSLA"]  # the superseded view is closed
    nvda = response.context["rows"][0]
    assert nvda.target == 160 and nvda.stated_price is not None
    assert nvda.live_price is not None and nvda.move is not None
    assert nvda.status in {"on_track", "stale", "target_reached", "invalidated"}
    assert 'data-chart-url="/analyst/charts/NVDA.json"' in page
    assert "lightweight-charts.standalone.production.js" in page


def test_views_sort_both_ways_and_filter(signed_in, views):
    assert rows(signed_in.get("/?sort=-instrument")) == ["TSLA", "NVDA"]
    assert rows(signed_in.get("/?stance=bearish")) == ["TSLA"]
    assert rows(signed_in.get("/?q=nvd")) == ["NVDA"]
    with_closed = signed_in.get("/?closed=1&sort=stated")
    assert rows(with_closed) == ["NVDA", "NVDA", "TSLA"]
    assert with_closed.context["rows"][0].status == "closed"
    by_target = signed_in.get("/?sort=target")
    assert [r.target for r in by_target.context["rows"]] == [150, 160]
    fragment = signed_in.get("/?stance=bullish", HTTP_HX_TARGET="views-table", **HTMX)
    body = fragment.content.decode()
    assert "<html" not in body and 'id="views-table"' in body
    assert "Bearish on TSLA" not in body


def test_status_filter_keeps_only_that_status(signed_in, views):
    everything = signed_in.get("/").context["rows"]
    wanted = everything[0].status
    filtered = signed_in.get(f"/?status={wanted}").context["rows"]
    assert filtered and all(row.status == wanted for row in filtered)
    assert signed_in.get("/?status=nonsense").context["filters"]["status"] == ""


def test_chart_json_has_bars_markers_and_targets(signed_in, views):
    data = signed_in.get("/analyst/charts/NVDA.json").json()
    assert data["symbol"] == "NVDA" and data["simulated"] is True
    days = [bar["time"] for bar in data["bars"]]
    assert len(days) > 40 and days == sorted(days)
    assert len(data["views"]) == 2  # the active view and the one it superseded
    for marker in data["views"]:
        assert marker["time"] in days and marker["time"] >= marker["stated_at"][:10]
    assert [t["price"] for t in data["targets"]] == [160.0]  # active views only
    closed = next(v for v in data["views"] if not v["active"])
    assert closed["target_price"] == 140.0 and closed["status"] == "closed"


def test_charts_are_the_analysts_own(client, signed_in, views, firm):
    assert signed_in.get("/analyst/charts/ZZZZ.json").status_code == 404
    other = UserFactory(firm=firm, role=User.Role.ANALYST)
    client.force_login(other)
    assert client.get("/analyst/charts/NVDA.json").status_code == 404
    client.force_login(UserFactory(firm=firm, role=User.Role.ADVISOR))
    assert client.get("/analyst/charts/NVDA.json").status_code == 404


def test_a_reached_target_shows_and_its_alert_is_acknowledged(signed_in, views):
    now = timezone.now()
    quotes_fetch(symbols=["NVDA"], provider=FixedProvider({"NVDA": "171"}, as_of=now))
    readings_refresh(tenant_id=views["subject"].tenant_id, now=now)
    response = signed_in.get("/?status=target_reached")
    assert rows(response) == ["NVDA"]
    assert "Target reached" in response.content.decode()
    alert = MarketAlert.objects.get(
        subject=views["subject"], kind="target_reached", acknowledged_at=None
    )
    assert f'data-alert="{alert.pk}"' in response.content.decode()
    response = signed_in.post(f"/analyst/alerts/{alert.pk}/acknowledge/", **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#alerts"
    assert f'data-alert="{alert.pk}"' not in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_publishing_a_view_makes_it_a_house_view(signed_in, views):
    nvda = views["nvda"]
    response = signed_in.post(
        f"/views/{nvda.pk}/publish/?sort=-instrument", {"publish": "1"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "published" in body and body.index("TSLA") < body.index("NVDA")
    nvda.refresh_from_db()
    assert nvda.published_at is not None
    signed_in.post(f"/views/{nvda.pk}/publish/", {"publish": "0"})
    nvda.refresh_from_db()
    assert nvda.published_at is None


def test_a_closed_view_cannot_be_published(signed_in, views):
    old = views["nvda_old"]
    response = signed_in.post(f"/views/{old.pk}/publish/", {"publish": "1"}, **HTMX)
    assert response.status_code == 409
    assert "cannot be published" in response.content.decode()
    old.refresh_from_db()
    assert old.published_at is None
