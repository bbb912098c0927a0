"""A worker killed with SIGKILL mid-task: after a restart the work finishes, once.

Real worker processes on the database broker (``advisor/config/db_broker.py``)
and, for the import, on Redis, the production broker (its message comes back
once its visibility timeout has passed): ``CELERY_TASK_ACKS_LATE`` means the
message of a task whose worker died is delivered again; the tasks are
idempotent, so nothing is stored twice.
"""

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from bench import refresh_bench
from memory.conversations.imports import transcript_import
from memory.ledger.verify import chain_verify
from memory.models import (
    ImportJob,
    MarketReference,
    Memory,
    MemoryEvent,
    MemoryKind,
    Subject,
)
from tests.factories import ClientFactory
from tests.production.stack import redis_url

from .workers import queue_rows, wait_for, worker_pool

pytestmark = [
    pytest.mark.worker,
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
]

TICKERS = ["AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "GOOGL", "META", "JPM"]


def transcript(turns: int) -> list[dict]:
    start = timezone.now() - timedelta(days=30)
    rng = random.Random(15)
    lines = []
    for number in range(turns):
        ticker = TICKERS[number % len(TICKERS)]
        if number % 3 == 0:
            quantity, price = rng.randint(5, 500), rng.randint(20, 900)
            text = f"I bought {quantity} shares of {ticker} at ${price}."
        elif number % 3 == 1:
            target = rng.randint(50, 990)
            text = f"I am feeling bullish on {ticker}, maybe a target of ${target}."
        else:
            text = "We talked about the weather and the grandchildren."
        lines.append(
            {
                "speaker": "client",
                "text": text,
                "occurred_at": (start + timedelta(seconds=number)).isoformat(),
                "external_id": f"kill-call/{number}",
            }
        )
    return lines


def redis_queue(url: str, queue: str) -> dict[str, int]:
    """Return how many messages of ``queue`` Redis holds, waiting and unacked."""
    import redis

    server = redis.Redis.from_url(url)
    unacked = sum(1 for raw in server.hvals("unacked") if f'"{queue}"'.encode() in raw)
    return {
        name: count
        for name, count in (("visible", server.llen(queue)), ("hidden", unacked))
        if count
    }


@pytest.fixture(params=["database", "redis"])
def broker(request, tmp_path):
    """The pool's options and how to count its queue's messages, per broker."""
    if request.param == "database":
        yield {"sweep_seconds": 1.0}, queue_rows
        return
    url, server = redis_url(tmp_path)
    try:
        yield (
            {"redis_url": url, "visibility_timeout": 3.0},
            lambda queue: redis_queue(url, queue),
        )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)


def test_an_import_whose_worker_is_killed_mid_indexing_finishes_once(broker):
    options, messages = broker
    client = ClientFactory()
    subject = client.subject
    # More than two of import_index's extraction passes (2,000 turns each), so
    # the kill lands between two committed passes.
    turns = 4500
    job = transcript_import(
        subject=subject, turns=transcript(turns), title="Long call", index=False
    )
    assert job.turns_stored == turns
    # What an import with indexing does, with the task sent to our own worker
    # rather than run inline as the suite runs tasks.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.INDEXING, finished_at=None
    )

    with worker_pool(**options) as pool:
        first = pool.start()
        pool.send("memory.import_index", job.pk)

        def extracting():
            job.refresh_from_db()
            return 0 < job.turns_extracted < turns

        wait_for(extracting, timeout=180, interval=0.02, what="extraction to start")
        pool.kill(first)
        job.refresh_from_db()
        killed_at = job.turns_extracted
        assert killed_at < turns and job.status != ImportJob.Status.DONE
        # The stock database transport would keep this message hidden for ever;
        # Redis keeps it unacknowledged until its visibility timeout.
        assert messages(pool.queue) == {"hidden": 1}

        pool.start()

        def done():
            job.refresh_from_db()
            return job.status == ImportJob.Status.DONE

        wait_for(done, timeout=300, interval=0.2, what="the import to finish")
        wait_for(lambda: messages(pool.queue) == {}, timeout=20, what="the ack")
        if pool.broker == "database":
            assert "redelivering 1 message(s)" in pool.log_text()
        # The restarted worker was given the dead one's message.
        assert "Task memory.import_index" in pool.logs[-1].read_text()

    assert job.turns_extracted == turns and job.fully_indexed
    # One episode per turn, each turn extracted once, no event twice.
    episodes = Memory.objects.filter(subject=subject, kind=MemoryKind.EPISODE)
    assert episodes.count() == turns
    assert not (
        Memory.source_messages.through.objects.filter(memory__in=episodes)
        .values("message_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    events = MemoryEvent.objects.filter(subject=subject)
    assert not (
        events.filter(action="create").values("memory_id").annotate(n=Count("id"))
    ).filter(n__gt=1)
    assert not (
        events.exclude(cause_message=None)
        .values("cause_message_id", "memory_id", "action")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert Memory.objects.filter(subject=subject).exclude(kind="episode").exists()
    report = chain_verify(Subject.objects.get(pk=subject.pk))
    assert report.ok, report.problem


def test_a_market_refresh_whose_worker_is_killed_finishes_once(monkeypatch):
    instruments = refresh_bench._instruments(40)
    references = 40_000
    _, subjects = refresh_bench._dataset(references, instruments, random.Random(7))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE memory_marketreference")
    refreshes = MemoryEvent.objects.filter(action="refresh")

    with worker_pool(sweep_seconds=1.0) as pool:
        first = pool.start()
        pool.send("memory.readings_refresh")
        # Chunks of subjects commit one by one: kill once some have.
        wait_for(
            lambda: 0 < refreshes.count() < references,
            timeout=180,
            interval=0.02,
            what="the first chunk to commit",
        )
        pool.kill(first)
        killed_at = refreshes.count()
        assert 0 < killed_at < references

        pool.start()
        wait_for(lambda: queue_rows(pool.queue) == {}, timeout=300, interval=0.2)
        assert "redelivering 1 message(s)" in pool.log_text()

    # Every reference read once: one refresh event per memory, none twice.
    assert refreshes.count() == references
    assert not refreshes.values("memory_id").annotate(n=Count("id")).filter(n__gt=1)
    assert MarketReference.objects.filter(last_price__isnull=True).count() == 0
    assert not MarketReference.objects.filter(last_price__lte=Decimal("0")).exists()
    for subject in Subject.objects.filter(pk__in=[s.pk for s in subjects[::50]]):
        report = chain_verify(subject)
        assert report.ok, report.problem
    lengths = set(
        Subject.objects.filter(pk__in=[s.pk for s in subjects]).values_list(
            "ledger_length", flat=True
        )
    )
    assert lengths == {refresh_bench.PER_SUBJECT}
