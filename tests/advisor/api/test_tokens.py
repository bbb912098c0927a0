"""API tokens: hashed at rest, shown once, named, scoped, revocable, expiring;
throttled per token and per user; their admin lists no secret and no other firm."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.utils import timezone
from rest_framework.test import APIClient

from advisor.models import ApiToken, User
from advisor.services import api_token_issue, api_tokens_revoke
from tests.factories import FirmFactory, UserFactory

pytestmark = pytest.mark.django_db


def with_key(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_token_is_kept_only_as_a_digest(world):
    token, key = api_token_issue(user=world.advisor, name="crm")
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in stored.hashed_key and key.split(".")[1] not in stored.id
    assert stored.hashed_key.startswith("sha512$$")
    assert with_key(key).get("/api/v1/me/").json()["token_scope"] == "read_write"


def test_revoked_expired_and_wrong_tokens_are_refused(world):
    token, key = api_token_issue(user=world.advisor, name="crm")
    assert (
        with_key(key[:-1] + ("A" if key[-1] != "A" else "B"))
        .get("/api/v1/me/")
        .status_code
        == 401
    )
    api_tokens_revoke(user=world.advisor)
    assert with_key(key).get("/api/v1/me/").status_code == 401
    _, expiring = api_token_issue(
        user=world.advisor, name="old", expires_at=timezone.now() - timedelta(days=1)
    )
    response = with_key(expiring).get("/api/v1/me/")
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_a_read_only_token_reads_and_never_writes(world):
    _, key = api_token_issue(
        user=world.advisor, name="reports", scope=ApiToken.Scope.READ_ONLY
    )
    api = with_key(key)
    assert api.get(f"/api/v1/clients/{world.client.pk}/").status_code == 200
    response = api.patch(
        f"/api/v1/clients/{world.client.pk}/", {"objectives": "x"}, format="json"
    )
    assert response.status_code == 403 and "read-only" in response.json()["message"]


def test_issue_api_token_names_scopes_and_rotates(world, capsys):
    call_command("issue_api_token", "dana", "--name", "crm", "--read-only")
    first = capsys.readouterr().out.strip()
    assert with_key(first).get("/api/v1/me/").json()["token_scope"] == "read"
    call_command("issue_api_token", "dana", "--rotate", "--expires-in-days", "30")
    second = capsys.readouterr().out.strip()
    assert with_key(first).get("/api/v1/me/").status_code == 401
    assert with_key(second).get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(revoked=False)
    assert token.expiry_date > timezone.now() + timedelta(days=29)


def test_throttling_per_token_answers_429_with_retry_after(world, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"token": "3/min", "user": "100/min", "anon": "5/min"},
    )
    cache.clear()
    _, key = api_token_issue(user=world.advisor, name="busy")
    api = with_key(key)
    statuses = [api.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/me/")
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["extra"]["retry_after"] > 0
    # Another token of the same user has its own budget...
    _, other = api_token_issue(user=world.advisor, name="other")
    assert with_key(other).get("/api/v1/me/").status_code == 200
    cache.clear()


def test_throttling_per_user_covers_all_their_tokens(world, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"token": "100/min", "user": "4/min", "anon": "5/min"},
    )
    cache.clear()
    keys = [api_token_issue(user=world.advisor, name=f"t{i}")[1] for i in range(2)]
    statuses = [with_key(keys[i % 2]).get("/api/v1/me/").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    cache.clear()


def test_the_token_admin_lists_the_firms_tokens_and_never_a_secret(world):
    staff = UserFactory(
        firm=world.firm, role=User.Role.ADMIN, username="boss", is_staff=True
    )
    staff.is_superuser = True
    staff.save()
    _, mine = api_token_issue(user=world.advisor, name="our-crm")
    outsider = UserFactory(firm=FirmFactory(), username="eve")
    _, theirs = api_token_issue(user=outsider, name="their-crm")
    browser = BrowserClient()
    browser.force_login(staff)
    page = browser.get("/admin/advisor/apitoken/").content.decode()
    assert "our-crm" in page and "their-crm" not in page
    assert mine.split(".")[1] not in page
    # Minting one for another firm's user is refused.
    response = browser.post(
        "/admin/advisor/apitoken/add/",
        {"name": "sneaky", "user": outsider.pk, "scope": "read_write"},
    )
    assert response.status_code == 200  # the form, with its error
    assert not ApiToken.objects.filter(name="sneaky").exists()
    assert browser.get("/admin/authtoken/").status_code == 404


def _later(monkeypatch, seconds: float) -> None:
    """Move the token cache's clock ``seconds`` ahead."""
    from advisor.api import auth

    now = auth._clock()
    monkeypatch.setattr(auth, "_clock", lambda: now + seconds)


def test_a_token_revoked_elsewhere_is_refused_once_the_cache_window_passes(
    world, monkeypatch, settings
):
    settings.API_TOKEN_CACHE_SECONDS = 5
    token, key = api_token_issue(user=world.advisor, name="crm")
    assert with_key(key).get("/api/v1/me/").status_code == 200
    # Revoked by another process (the admin, another worker): no cache is told.
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    _later(monkeypatch, 5.1)
    assert with_key(key).get("/api/v1/me/").status_code == 401


def test_a_remembered_token_is_not_asked_of_the_database_again(world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_TOKEN_CACHE_SECONDS = 5
    _, key = api_token_issue(user=world.advisor, name="crm")
    assert with_key(key).get("/api/v1/me/").status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert with_key(key).get("/api/v1/me/").status_code == 200
    assert not [q for q in context.captured_queries if "advisor_apitoken" in q["sql"]]


def test_a_user_made_inactive_is_refused_once_the_cache_window_passes(
    world, monkeypatch, settings
):
    settings.API_TOKEN_CACHE_SECONDS = 5
    _, key = api_token_issue(user=world.advisor, name="crm")
    assert with_key(key).get("/api/v1/me/").status_code == 200
    User.objects.filter(pk=world.advisor.pk).update(is_active=False)
    _later(monkeypatch, 5.1)
    assert with_key(key).get("/api/v1/me/").status_code == 401


def test_a_remembered_token_is_refused_the_moment_it_expires(world, monkeypatch):
    _, key = api_token_issue(
        user=world.advisor, name="crm", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert with_key(key).get("/api/v1/me/").status_code == 200
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = with_key(key).get("/api/v1/me/")
    assert response.status_code == 401 and "expired" in response.json()["message"]


def test_a_wrong_secret_with_a_remembered_prefix_is_refused(world):
    _, key = api_token_issue(user=world.advisor, name="crm")
    assert with_key(key).get("/api/v1/me/").status_code == 200
    wrong = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert with_key(wrong).get("/api/v1/me/").status_code == 401


def test_a_spent_budget_comes_back_as_the_window_slides(world, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    from advisor.api.throttling import WindowCounterThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"token": "3/min", "user": "100/min", "anon": "5/min"},
    )
    cache.clear()
    start = 1_000 * 60.0  # the start of a minute
    clock = {"now": start}
    monkeypatch.setattr(
        WindowCounterThrottle, "timer", staticmethod(lambda: clock["now"])
    )
    _, key = api_token_issue(user=world.advisor, name="busy")
    api = with_key(key)

    def statuses(at: float, count: int) -> list[int]:
        clock["now"] = start + at
        return [api.get("/api/v1/me/").status_code for _ in range(count)]

    assert statuses(0, 4) == [200, 200, 200, 429]
    limited = api.get("/api/v1/me/")
    # Not before the next minute, and then while most of the three still count.
    assert 60 <= int(limited["Retry-After"]) <= 81
    # A second into the next minute the three made in the last 60 s still count.
    assert statuses(61, 1) == [429]
    # Forty-one seconds in, two thirds of them have slid out: room for two.
    assert statuses(101, 3) == [200, 200, 429]
    # Two minutes on, the budget is whole again.
    assert statuses(240, 4) == [200, 200, 200, 429]
    cache.clear()
