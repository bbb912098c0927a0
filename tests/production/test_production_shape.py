"""The app in its production shape, end to end, and what it survives.

One stack for the module (``stack.py``): PostgreSQL over TCP, Redis, gunicorn
with ``DJANGO_DEBUG=0``, a Celery worker and beat. In order: an import reaches
fully indexed through the worker; beat's market refresh runs; the pages carry
their security headers; PostgreSQL restarts under requests in flight (clear
503s, reconnection, an idempotent retry doing the work once); then a short soak.

Beside them: a chat turn through the API, answered with citations, whose
extraction the worker runs; and a webhook registered by a firm administrator,
delivered by beat and the worker to a receiver on 127.0.0.1, signed the
Standard Webhooks way.
"""

import concurrent.futures
import json
import os
import re
import threading
import time
import uuid

import psutil
import pytest
import requests
from svix.webhooks import Webhook

from tests.fakes.webhook_receiver import WebhookReceiver

from .stack import HTTPS, Stack, private_tmp

pytestmark = pytest.mark.production

SOAK_SECONDS = float(os.environ.get("ADVISOR_SOAK_SECONDS", "45"))


@pytest.fixture(scope="module")
def stack():
    with private_tmp("production") as tmp:
        built = Stack(tmp)
        try:
            built.start()
        except BaseException:
            logs = {name: built.log(name)[-3000:] for name in built.processes}
            built.stop()
            raise RuntimeError(f"the production stack did not start: {logs}") from None
        yield built
        built.stop()


def first_client_id(stack) -> int:
    response = stack.api("GET", "/api/v1/clients/")
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["id"]


def turns(label: str, count: int) -> list[dict]:
    return [
        {
            "speaker": "client",
            "text": f"I bought {10 + n} shares of Microsoft at ${300 + n}."
            if n % 2 == 0
            else f"Call {label}: we talked about the grandchildren.",
            "occurred_at": f"2026-04-01T10:{n // 60:02d}:{n % 60:02d}Z",
            "external_id": f"{label}/{n}",
        }
        for n in range(count)
    ]


def wait_until_indexed(stack, job_id: int, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = stack.api("GET", f"/api/v1/imports/{job_id}/").json()
        if job["fully_indexed"]:
            return job
        time.sleep(0.5)
    raise AssertionError(f"import {job_id} not indexed: {job}\n{stack.log('worker')}")


def test_an_import_reaches_fully_indexed_through_the_worker(stack):
    client_id = first_client_id(stack)
    response = stack.api(
        "POST",
        f"/api/v1/clients/{client_id}/transcripts/",
        json={"title": "Production call", "turns": turns("prod-call", 30)},
        headers={"Idempotency-Key": "production-import-1"},
    )
    assert response.status_code == 202, response.text
    job = wait_until_indexed(stack, response.json()["id"])
    assert job["turns_extracted"] == job["turns_stored"] == 30
    # The worker took it from Redis: it says so in its log.
    assert "memory.import_index" in stack.log("worker")
    assert "redis://" in stack.env["REDIS_URL"]


def test_beat_runs_the_market_refresh(stack):
    def syncs() -> int:
        rows = stack.sql(
            "SELECT requests FROM market_providerhealth WHERE provider = 'simulated'"
        )
        return rows[0][0] if rows else 0

    first = syncs()
    deadline = time.monotonic() + 6 * stack.refresh_seconds + 30
    while syncs() < first + 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert syncs() >= first + 2, stack.log("beat")[-2000:]
    assert "memory.market_sync" in stack.log("beat")
    refreshed = stack.sql(
        "SELECT count(*) FROM memory_marketreference WHERE last_price > 0"
    )[0][0]
    assert refreshed > 0
    assert not stack.sql("SELECT 1 FROM memory_marketreference WHERE last_price <= 0")


def test_pages_carry_security_headers_and_a_strict_csp(stack):
    plain = requests.get(stack.url("/login/"), allow_redirects=False, timeout=10)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")
    page = requests.get(stack.url("/login/"), headers=HTTPS, timeout=10)
    assert page.status_code == 200
    headers = page.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    cookie = headers["Set-Cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie
    # No inline script or style for the CSP to block: every one is a file.
    html = page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)
    # Static files come from WhiteNoise, with their hashed names.
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    for asset in assets:
        assert requests.get(stack.url(asset), headers=HTTPS, timeout=10).ok


def wait_for(condition, *, timeout: float, what: str, stack, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}\n{stack.log('worker')[-3000:]}")


def test_a_chat_turn_answers_with_citations_and_the_worker_extracts_it(stack):
    client = stack.api("GET", "/api/v1/clients/").json()["results"][0]
    first_name = client["name"].split()[0]
    conversation = stack.api(
        "POST",
        f"/api/v1/clients/{client['id']}/conversations/",
        json={"title": "Production chat"},
        headers={"Idempotency-Key": "production-chat-1"},
    )
    assert conversation.status_code == 201, conversation.text
    messages = f"/api/v1/conversations/{conversation.json()['id']}/messages/"

    told = stack.api(
        "POST",
        messages,
        json={"text": f"{first_name} bought 40 shares of Intel at $31 this morning."},
        headers={"Idempotency-Key": "production-turn-1"},
    )
    assert told.status_code == 201, told.text
    assert told.json()["reply"]["failed"] is False

    def intel_holding():
        listed = stack.api(
            "GET", f"/api/v1/clients/{client['id']}/memories/?kind=holding"
        ).json()["results"]
        return [m for m in listed if m["payload"].get("instrument") == "INTC"]

    (holding,) = wait_for(
        intel_holding, timeout=120, what="the turn's extraction", stack=stack
    )
    assert holding["payload"]["quantity"] == 40
    assert "memory.message_extract" in stack.log("worker")

    asked = stack.api(
        "POST",
        messages,
        json={"text": f"What does {first_name} hold?"},
        headers={"Idempotency-Key": "production-turn-2"},
    )
    assert asked.status_code == 201, asked.text
    reply = asked.json()["reply"]
    cited = {c["memory"] for c in reply["citations"]}
    assert holding["id"] in cited, reply
    resolved = stack.api("GET", f"{messages}{reply['id']}/citations/").json()
    assert {r["status"] for r in resolved["results"]} == {"resolved"}
    assert all(r["verified"] for r in resolved["results"])


def test_a_webhook_is_delivered_signed_to_a_loopback_receiver(stack):
    # The demo firm has no administrator; make one, as an operator would.
    stack.manage(
        "shell",
        "-c",
        "from advisor.models import Firm, User; "
        "User.objects.create_user('hooks-admin', password='a-long-admin-password-1', "
        "firm=Firm.objects.get(slug='harbor-point'), role=User.Role.ADMIN)",
    )
    admin_token = stack.manage("issue_api_token", "hooks-admin").stdout.split()[-1]
    as_admin = {"Authorization": f"Token {admin_token}"}
    client_id = first_client_id(stack)
    with WebhookReceiver() as receiver:
        created = stack.api(
            "POST",
            "/api/v1/webhooks/",
            json={"url": receiver.url, "event_types": ["memory.changed"]},
            headers={**as_admin, "Idempotency-Key": "production-webhook-1"},
        )
        assert created.status_code == 201, created.text
        subscription = created.json()
        recorded = stack.api(
            "POST",
            f"/api/v1/clients/{client_id}/memories/",
            json={
                "kind": "preference",
                "text": "Prefers calls after 4pm",
                "payload": {"topic": "call times", "polarity": "likes"},
            },
            headers={"Idempotency-Key": "production-webhook-memory"},
        )
        assert recorded.status_code == 201, recorded.text
        memory_id = recorded.json()["id"]

        def delivered_about_it():
            for delivery in receiver.received:
                if json.loads(delivery.body)["data"]["memory_id"] == memory_id:
                    return delivery
            return None

        delivery = wait_for(
            delivered_about_it, timeout=90, what="a webhook delivery", stack=stack
        )
    # The svix verifier (any Standard Webhooks library) accepts it with the secret.
    Webhook(subscription["secret"]).verify(delivery.body, delivery.headers)  # raises
    payload = json.loads(delivery.body)
    assert payload["type"] == "memory.changed"
    log = stack.api(
        "GET", f"/api/v1/webhooks/{subscription['id']}/deliveries/", headers=as_admin
    ).json()["results"]
    assert any(d["status"] == "delivered" for d in log), log


def test_postgres_restarted_under_load_gives_503s_then_recovers_exactly_once(stack):
    client_id = first_client_id(stack)
    key = f"restart-{uuid.uuid4().hex[:8]}"
    body = {"title": "Restart call", "turns": turns(key, 400)}
    stop = threading.Event()
    answers: list[tuple[str, int, str, str]] = []

    def hammer(path: str, html: bool):
        session = requests.Session()
        while not stop.is_set():
            try:
                if html:
                    response = session.get(stack.url(path), headers=HTTPS, timeout=30)
                else:
                    response = stack.api("GET", path, timeout=30)
                answers.append(
                    (
                        path,
                        response.status_code,
                        response.headers.get("Content-Type", ""),
                        response.text[:300],
                    )
                )
            except requests.RequestException as error:
                answers.append((path, -1, "", str(error)))
            time.sleep(0.05)

    def post_import():
        return stack.api(
            "POST",
            f"/api/v1/clients/{client_id}/transcripts/",
            json=body,
            headers={"Idempotency-Key": key},
        )

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        readers = [
            pool.submit(hammer, f"/api/v1/clients/{client_id}/memories/", False),
            pool.submit(hammer, "/healthz", True),
            pool.submit(hammer, "/admin/login/", True),
        ]
        try:
            time.sleep(1.0)
            in_flight = pool.submit(post_import)
            time.sleep(0.3)
            stack.postgres.stop("fast")  # every connection is cut
            time.sleep(2.0)  # the database is away for a while
            stack.postgres.start()
            recovered_at = time.monotonic()
            first_answer = in_flight.result(timeout=180)
            time.sleep(3.0)
        finally:
            stop.set()  # the readers stop whatever happened
        for reader in readers:
            reader.result(timeout=60)

    statuses = {status for _, status, _, _ in answers}
    # Every answer was a success or a clear 503; no 500, no dropped connection.
    assert statuses <= {200, 302, 503}, [
        a for a in answers if a[1] not in {200, 302, 503}
    ]
    outages = [a for a in answers if a[1] == 503]
    assert outages, "no request met the outage"
    for path, _, content_type, text in outages:
        assert "Traceback" not in text
        if path.startswith("/api/"):
            assert content_type.startswith("application/json")
            assert '"message"' in text and "database" in text
        else:
            assert "unavailable" in text.lower()
    # The app reconnected by itself: the last answers of every reader are good.
    for path in {a[0] for a in answers}:
        last = [a for a in answers if a[0] == path][-3:]
        assert all(a[1] in {200, 302} for a in last), (path, last)
    assert time.monotonic() - recovered_at < 60

    # The POST cut off by the restart, retried with its key, does the work once.
    assert first_answer.status_code in {202, 503}, first_answer.text
    retry = post_import()
    assert retry.status_code == 202, retry.text
    again = post_import()
    assert again.status_code == 202 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == retry.json()["id"]
    stored = stack.sql(
        "SELECT count(*), count(DISTINCT external_id) FROM memory_message "
        "WHERE external_id LIKE %s",
        [f"{key}/%"],
    )[0]
    assert stored == (400, 400)
    jobs = stack.sql(
        "SELECT count(*) FROM memory_importjob j JOIN memory_conversation c "
        "ON c.id = j.conversation_id WHERE c.title = 'Restart call'"
    )[0][0]
    assert jobs == 1
    wait_until_indexed(stack, retry.json()["id"], timeout=180)


@pytest.mark.soak
def test_a_short_soak_keeps_memory_flat_and_errors_at_zero(stack):
    client_id = first_client_id(stack)
    paths = [
        "/api/v1/clients/",
        f"/api/v1/clients/{client_id}/memories/",
        f"/api/v1/clients/{client_id}/memories/search/?q=retire",
        f"/api/v1/clients/{client_id}/memories/?kind=holding",
    ]
    counts = {"requests": 0, "errors": 0}
    failures: list[str] = []
    lock = threading.Lock()

    def rss_mb(name: str) -> float:
        total = 0
        for pid in stack.pids(name):
            try:
                total += psutil.Process(pid).memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total / 2**20

    def load(until: float, writer: bool):
        number = 0
        while time.monotonic() < until:
            number += 1
            if writer and number % 10 == 0:
                label = f"soak-{uuid.uuid4().hex[:6]}"
                response = stack.api(
                    "POST",
                    f"/api/v1/clients/{client_id}/transcripts/",
                    json={"title": "Soak", "turns": turns(label, 3)},
                    headers={"Idempotency-Key": label},
                )
                ok = response.status_code == 202
            else:
                response = stack.api("GET", paths[number % len(paths)])
                ok = response.status_code == 200
            with lock:
                counts["requests"] += 1
                if not ok:
                    counts["errors"] += 1
                    failures.append(f"{response.status_code} {response.text[:200]}")

    # Warm up, so the baseline is a process that has served every path.
    load(time.monotonic() + 5, writer=True)
    baseline = {"web": rss_mb("web"), "worker": rss_mb("worker")}
    until = time.monotonic() + SOAK_SECONDS
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(load, until, n == 0) for n in range(4)]:
            future.result()
    after = {"web": rss_mb("web"), "worker": rss_mb("worker")}

    assert counts["errors"] == 0, failures[:5]
    assert counts["requests"] > 50
    for name in baseline:
        growth = after[name] - baseline[name]
        # Flat: allocator noise and caches filling, not a leak per request.
        assert growth < max(40.0, 0.25 * baseline[name]), (name, baseline, after)
    print(
        f"soak: {counts['requests']} requests in {SOAK_SECONDS:.0f}s, 0 errors; "
        f"RSS MB before/after {baseline} / {after}"
    )
