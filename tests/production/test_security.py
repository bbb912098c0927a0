"""Security basics: the deploy check, the CSP, throttled logins, sessions, CSRF."""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client as WebClient
from django.utils import timezone

from advisor.middleware import DatabaseUnavailableMiddleware, server_error
from advisor.models import User
from advisor.tasks import sessions_clear_expired_task
from memory.ledger.chain import Cause
from memory.models import MemoryStatus
from memory.services import memory_record
from tests.factories import ClientFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-test-password-1"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="twin.example.com",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_the_production_settings():
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues (0 silenced)" in run.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    run = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "DJANGO_SECRET_KEY" in run.stderr


@pytest.fixture
def advisor_with_client(db):
    advisor = UserFactory(role=User.Role.ADVISOR, password=PASSWORD)
    client = ClientFactory(advisor=advisor)
    proposal = memory_record(
        subject=client.subject,
        kind="fact",
        text="Might move to Lisbon",
        payload={"category": "life_event", "detail": "Lisbon"},
        cause=Cause.user(advisor.pk),
        status=MemoryStatus.PROPOSED,
    )
    return advisor, client, proposal


def signed_in(advisor, **options) -> WebClient:
    web = WebClient(**options)
    response = web.post("/login/", {"username": advisor.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return web


def no_inline_code(html: str) -> list[str]:
    """Return what a strict CSP would block: inline script, style, handlers."""
    found = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    found += re.findall(r"<style\b[^>]*>", html)
    found += re.findall(r"\sstyle=\"[^\"]*\"", html)
    found += re.findall(r"\son[a-z]+=\"", html)
    found += re.findall(r"\shx-on[:-][a-z:-]+=", html)
    return found


@pytest.mark.django_db
def test_pages_send_a_strict_csp_and_hold_no_inline_code(advisor_with_client):
    advisor, client, _ = advisor_with_client
    web = signed_in(advisor)
    for path in ["/", f"/clients/{client.pk}/", "/login/", "/api/docs/"]:
        response = (WebClient() if path == "/login/" else web).get(path)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert no_inline_code(response.content.decode()) == [], path
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
    # htmx is ours, served from static/, and told not to inject its own styles.
    home = web.get("/").content.decode()
    assert re.search(r'<script src="/static/vendor/htmx-2[^"]*\.js"', home)
    assert '"includeIndicatorStyles": false' in home


@pytest.mark.django_db
def test_login_attempts_are_throttled(advisor_with_client, settings):
    advisor, _, _ = advisor_with_client
    web = WebClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = web.post(
            "/login/", {"username": advisor.username, "password": "wrong"}
        )
        assert response.status_code == 200  # the form again, with its error
    # The last failure allowed locks the pair out: then even the right password.
    last = web.post("/login/", {"username": advisor.username, "password": "wrong"})
    assert last.status_code == 429
    locked = web.post("/login/", {"username": advisor.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in web.session
    # Another user from the same address is not locked out by it.
    other = UserFactory(firm=advisor.firm, password=PASSWORD)
    assert signed_in(other).get("/").status_code == 200


@pytest.mark.django_db
def test_sessions_expire(advisor_with_client, settings):
    advisor, _, _ = advisor_with_client
    web = signed_in(advisor)
    session = Session.objects.get()
    lifetime = session.expire_date - timezone.now()
    assert timedelta(0) < lifetime <= timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert web.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = web.get("/")
    assert expired.status_code == 302 and expired["Location"].startswith("/login/")
    assert sessions_clear_expired_task.apply().get() == 1
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_every_state_changing_htmx_request_carries_csrf(advisor_with_client):
    advisor, client, proposal = advisor_with_client
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(advisor)
    page = web.get(f"/clients/{client.pk}/").content.decode()
    # htmx sends the token from <body hx-headers>; plain forms carry it too.
    header = re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'>", page)
    assert header, "the body gives htmx the CSRF header"
    token = header.group(1)
    posts = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S)
    assert posts and all("csrfmiddlewaretoken" in form for form in posts)
    hx_posts = re.findall(r"hx-(?:post|put|patch|delete)=\"([^\"]+)\"", page)
    assert f"/clients/{client.pk}/memories/{proposal.pk}/approve/" in hx_posts
    for url in hx_posts:
        refused = web.post(url, HTTP_HX_REQUEST="true")
        assert refused.status_code == 403, url
    proposal.refresh_from_db()
    assert proposal.status == "proposed"  # nothing happened without the token
    # The reject form (a reason is required) arrives as a fragment and posts
    # with the same header.
    form = web.get(
        f"/clients/{client.pk}/memories/{proposal.pk}/reject/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"/clients/{client.pk}/memories/{proposal.pk}/reject/" in form
    refused = web.post(
        f"/clients/{client.pk}/memories/{proposal.pk}/reject/",
        {"reason": "Not what he said"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 403
    accepted = web.post(
        f"/clients/{client.pk}/memories/{proposal.pk}/reject/",
        {"reason": "Not what he said"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == "rejected"


def test_a_database_that_does_not_answer_is_a_clear_503_in_any_mode(rf):
    """The restart test (test_production_shape) does it for real, over gunicorn."""
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    lost = OperationalError("connection to server at 127.0.0.1 failed")

    api = middleware.process_exception(rf.get("/api/v1/clients/"), lost)
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api["Content-Type"] == "application/json"
    body = json.loads(api.content)
    assert set(body) == {"message", "extra"} and "database" in body["message"]

    page = middleware.process_exception(rf.get("/clients/4/"), lost)
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    assert b"Briefly unavailable" in page.content

    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None
    # What other middleware raises reaches the 500 handler: it answers 503 too.
    try:
        raise lost
    except OperationalError:
        handled = server_error(rf.get("/api/v1/clients/"))
    assert handled.status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
