"""The CRM integration under load: search through gunicorn, and the changes feed.

- ``api_search_rps``: ``GET /api/v1/clients/{id}/memories/search/`` answered per
  second by gunicorn with the production settings (``DJANGO_DEBUG=0``), on
  loopback, from concurrent keep-alive clients with real tokens; every request
  authenticates its token, is throttled, searches and logs the access.
- ``feed_events_per_s``: ledger events read through ``GET /api/v1/memory-events/``
  (in process, pages of 1000), and through the selector alone.

Its data (one firm, its clients and memories, and a tenant of feed events) is
built once in the bench database and reused.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from bench.progress import Progress, logger

FIRM_SLUG = "bench-api"
CLIENTS = 20
MEMORIES_PER_CLIENT = 100
FEED_EVENTS = 200_000
FEED_SUBJECTS = 100
# Gunicorn runs with the production settings (advisor/config/gunicorn.py: a worker
# per core, 4 threads each); these override them only when set.
WORKERS = os.environ.get("BENCH_API_WORKERS")
THREADS = os.environ.get("BENCH_API_THREADS")
CONCURRENCY = int(os.environ.get("BENCH_API_CONCURRENCY", "16"))
DURATION_S = float(os.environ.get("BENCH_API_SECONDS", "20"))
SEARCH_TARGET_RPS = 300
FEED_TARGET_PER_S = 20_000
QUERIES = [
    "apple shares in the ira",
    "when do they want to retire",
    "tesla view",
    "dividend payers",
    "grandchild tuition",
    "risk tolerance",
    "bond ladder",
    "sold the lake house",
]


def _firm():
    from advisor.models import Client, Firm, User
    from advisor.services import client_create, firm_create, user_create
    from memory.ledger.chain import Cause
    from memory.services import memory_record

    firm = Firm.objects.filter(slug=FIRM_SLUG).first()
    if firm is not None and Client.objects.filter(firm=firm).count() >= CLIENTS:
        return firm
    firm = firm or firm_create(name="Bench API firm", slug=FIRM_SLUG)
    advisor = User.objects.filter(username="bench-api-advisor").first() or user_create(
        firm=firm, username="bench-api-advisor", password="bench-api-pass-1",
        role=User.Role.ADVISOR,
    )  # fmt: skip
    progress = Progress("api: memories", CLIENTS * MEMORIES_PER_CLIENT)
    phrases = [
        "Holds {n} AAPL in the IRA",
        "Wants to retire at {n}",
        "Bearish on TSLA, target ${n}",
        "Prefers dividend payers, {n} years of income",
        "Funding a grandchild's tuition of ${n}",
        "Moderate risk tolerance, {n} year horizon",
    ]
    for c in range(Client.objects.filter(firm=firm).count(), CLIENTS):
        client = client_create(advisor=advisor, name=f"Bench client {c}")
        for m in range(MEMORIES_PER_CLIENT):
            memory_record(
                subject=client.subject,
                kind="fact",
                text=phrases[m % len(phrases)].format(n=40 + m),
                payload={"n": m},
                cause=Cause.system("api-bench"),
            )
            progress.advance()
    progress.close()
    return firm


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "EMBEDDED_POSTGRES_DIR": str(settings.EMBEDDED_POSTGRES_DIR),
        "EMBEDDED_POSTGRES_DB": settings.DATABASES["default"]["NAME"],
        # The bench measures the server, not its budget: throttles stay on
        # (each request still counts) with budgets it cannot reach.
        "API_THROTTLE_TOKEN": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    if WORKERS:
        env["GUNICORN_WORKERS"] = WORKERS
    if THREADS:
        env["GUNICORN_THREADS"] = THREADS
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "advisor.config.wsgi:application",
         "-c", "python:advisor.config.gunicorn",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=Path(settings.BASE_DIR), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def _gunicorn_shape() -> str:
    env = {**os.environ}
    if WORKERS:
        env["GUNICORN_WORKERS"] = WORKERS
    if THREADS:
        env["GUNICORN_THREADS"] = THREADS
    shape = subprocess.run(
        [sys.executable, "-c", "from advisor.config import gunicorn as g; "
         "print(f'{g.workers} x {g.threads} threads')"],
        cwd=Path(settings.BASE_DIR), env=env, capture_output=True, text=True,
    )  # fmt: skip
    return shape.stdout.strip()


def _wait_ready(port: int, token: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/me/", headers=_headers(token))
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _headers(token: str) -> dict:
    # As behind a TLS-terminating proxy: production settings redirect plain HTTP.
    return {
        "Authorization": f"Token {token}",
        "X-Forwarded-Proto": "https",
        "Host": "127.0.0.1",
    }


def _load(port: int, tokens: list[str], client_ids: list[int]) -> dict:
    stop = time.monotonic() + DURATION_S
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user(index: int) -> None:
        rng = random.Random(index)
        token = tokens[index % len(tokens)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], []
        while time.monotonic() < stop:
            client_id = client_ids[rng.randrange(len(client_ids))]
            query = QUERIES[rng.randrange(len(QUERIES))].replace(" ", "+")
            path = f"/api/v1/clients/{client_id}/memories/search/?q={query}"
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=_headers(token))
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                bad.append(type(error).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            if response.status != 200 or not json.loads(body)["results"]:
                bad.append(str(response.status))
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "api_search_rps": round(len(latencies) / elapsed, 1),
        "api_search_p50_ms": round(statistics.median(latencies) * 1000, 1),
        "api_search_p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "api_search_requests": len(latencies),
        "api_search_errors": len(errors),
    }


def search_rps() -> dict:
    from advisor.models import Client, User
    from advisor.services import api_token_issue

    firm = _firm()
    advisor = User.objects.get(username="bench-api-advisor")
    tokens = [api_token_issue(user=advisor, name=f"bench-{i}")[1] for i in range(4)]
    client_ids = list(Client.objects.filter(firm=firm).values_list("pk", flat=True))
    port = _free_port()
    server = _gunicorn(port)
    try:
        _wait_ready(port, tokens[0], server)
        logger.info(
            "api: %s s of search load, %s clients over gunicorn's %s",
            DURATION_S, CONCURRENCY, _gunicorn_shape(),
        )  # fmt: skip
        figures = _load(port, tokens, client_ids)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    figures.update(
        api_search_target_rps=SEARCH_TARGET_RPS,
        api_gunicorn_workers=_gunicorn_shape(),
        api_concurrency=CONCURRENCY,
    )
    return figures


FEED_TENANT = 8_000_000_000_012


def _feed_events() -> None:
    """Append the feed tenant's events once: one COPY per 10,000, as a refresh does."""
    from django.utils import timezone

    from memory.ledger.chain import Cause, Draft, Tail, append_many, chain_drafts
    from memory.models import Memory, MemoryEvent, Subject
    from memory.services import subject_create

    have = MemoryEvent.objects.filter(tenant_id=FEED_TENANT).count()
    if have >= FEED_EVENTS:
        return
    subjects = list(Subject.objects.filter(tenant_id=FEED_TENANT)) or [
        subject_create(tenant_id=FEED_TENANT, kind="client")
        for _ in range(FEED_SUBJECTS)
    ]
    memories = {
        s.pk: Memory.objects.create(
            subject=s, tenant_id=FEED_TENANT, kind="fact", text="Feed bench fact",
            source="import",
        ).pk
        for s in subjects
    }  # fmt: skip
    progress = Progress("feed: events", FEED_EVENTS - have)
    per_subject = 100
    while have < FEED_EVENTS:
        with transaction.atomic():
            locked = list(
                Subject.objects.select_for_update().filter(tenant_id=FEED_TENANT)
            )
            tails = {
                s.pk: Tail(s.tenant_id, s.ledger_length, s.ledger_head) for s in locked
            }
            drafts = {
                s.pk: [
                    Draft(
                        memories[s.pk],
                        None,
                        f'{{"reading":{{"n":{i}}}}}',
                        "",
                        "refresh",
                    )
                    for i in range(per_subject)
                ]
                for s in locked
            }
            chained = chain_drafts(
                tails=tails, drafts=drafts, cause=Cause.task("feed-bench"),
                occurred_at=timezone.now(),
            )  # fmt: skip
            with connection.cursor() as cursor:
                append_many(cursor, chained)
        have += per_subject * len(locked)
        progress.advance(per_subject * len(locked))
    progress.close()


def feed_per_s() -> dict:
    from django.test import Client as HttpClient

    from advisor.models import Firm, User
    from advisor.services import api_token_issue, user_create
    from memory.ledger.feed import START, memory_events_after

    _feed_events()
    firm = Firm.objects.filter(pk=FEED_TENANT).first()
    if firm is None:
        firm = Firm.objects.create(pk=FEED_TENANT, name="Feed bench", slug="bench-feed")
    officer = User.objects.filter(username="bench-feed-officer").first() or user_create(
        firm=firm, username="bench-feed-officer", password="bench-feed-pass-1",
        role=User.Role.COMPLIANCE,
    )  # fmt: skip
    _, token = api_token_issue(user=officer, name="feed-bench")

    started = time.perf_counter()
    after, read = START, 0
    while True:
        page = memory_events_after(tenant_id=FEED_TENANT, after=after, limit=1000)
        read += len(page.events)
        after = page.next
        if not page.has_more:
            break
    selector_per_s = read / (time.perf_counter() - started)

    http = HttpClient(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    started = time.perf_counter()
    cursor, served = None, 0
    while True:
        path = "/api/v1/memory-events/?limit=1000" + (
            f"&after={cursor}" if cursor else ""
        )
        body = http.get(path).json()
        served += len(body["results"])
        cursor = body["next"]
        if not body["has_more"]:
            break
    api_per_s = served / (time.perf_counter() - started)
    return {
        "feed_events": served,
        "feed_events_per_s": round(api_per_s, 1),
        "feed_selector_events_per_s": round(selector_per_s, 1),
        "feed_target_per_s": FEED_TARGET_PER_S,
    }


def run() -> dict:
    figures = {**feed_per_s(), **search_rps()}
    figures["notes"] = [
        "api: search through gunicorn with production settings on loopback (the "
        "load generator shares the machine's cores with gunicorn and PostgreSQL); "
        "the feed read in process through its API view, pages of 1000"
    ]
    return figures
