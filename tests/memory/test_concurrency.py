"""Concurrent writers: one subject's chain never forks; subjects never wait on
one another. Each thread has its own database connection."""

import threading
import time

import pytest
from django.db import connection, transaction

from memory.ledger.chain import Cause, subject_lock
from memory.ledger.verify import chain_verify
from memory.models import MemoryEvent
from memory.services import memory_record, memory_update, subject_create

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 20


def run_threads(target, count):
    """Run ``target(i)`` in ``count`` threads; return the exceptions raised."""
    errors = []

    def body(i):
        try:
            target(i)
        except Exception as error:  # reported to the test, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def write(subject, i):
    memory = memory_record(
        subject=subject,
        kind="fact",
        text=f"Fact number {i}",
        payload={"detail": i},
        cause=Cause.user(i + 1),
    )
    memory_update(memory=memory, cause=Cause.user(i + 1), text=f"Fact {i}, revised")


def test_parallel_writers_to_one_subject_leave_one_valid_chain():
    subject = subject_create(tenant_id=1, kind="client")
    start = threading.Barrier(WRITERS)

    def writer(i):
        start.wait(timeout=30)
        write(subject, i)

    assert run_threads(writer, WRITERS) == []
    sequences = list(
        MemoryEvent.objects.filter(subject=subject)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 2 * WRITERS + 1))
    prev_hashes = MemoryEvent.objects.filter(subject=subject).values_list(
        "prev_hash", flat=True
    )
    assert len(set(prev_hashes)) == 2 * WRITERS  # no two events share a parent
    report = chain_verify(subject)
    assert report.ok, report.problem
    assert report.events_checked == 2 * WRITERS
    subject.refresh_from_db()
    assert subject.ledger_length == 2 * WRITERS


def test_parallel_writers_to_many_subjects_each_keep_their_chain():
    subjects = [subject_create(tenant_id=1, kind="client") for _ in range(4)]
    start = threading.Barrier(WRITERS)

    def writer(i):
        start.wait(timeout=30)
        write(subjects[i % 4], i)

    assert run_threads(writer, WRITERS) == []
    for subject in subjects:
        assert chain_verify(subject).ok
        assert subject.events.count() == 2 * WRITERS // 4


def test_a_locked_subject_does_not_hold_up_another_subjects_writes():
    held, free = (subject_create(tenant_id=1, kind="client") for _ in range(2))
    locked, release = threading.Event(), threading.Event()

    def holder(_):
        with transaction.atomic():
            subject_lock(held.pk)
            locked.set()
            release.wait(timeout=30)

    holder_thread = threading.Thread(target=lambda: run_threads(holder, 1))
    holder_thread.start()
    try:
        assert locked.wait(timeout=10)
        blocked_done = threading.Event()

        def blocked_writer(_):
            write(held, 0)
            blocked_done.set()

        blocked_thread = threading.Thread(target=lambda: run_threads(blocked_writer, 1))
        blocked_thread.start()

        began = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Waiting on the other subject's lock would fail here, not hang.
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            write(free, 1)
        assert time.monotonic() - began < 3
        assert free.events.count() == 2

        # The same subject's writer does wait: the lock is real.
        assert not blocked_done.wait(timeout=0.5)
        assert held.events.count() == 0
    finally:
        release.set()
        holder_thread.join(timeout=30)
    blocked_thread.join(timeout=30)
    assert blocked_done.is_set()
    assert held.events.count() == 2 and chain_verify(held).ok
