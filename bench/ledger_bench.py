"""Ledger append throughput: one busy subject, and writes spread over many.

Each append is one service call in its own transaction (``memory_record`` or
``memory_update``), exactly as the app makes them: the subject's row lock, the
memory's write, the event's hash and the chain's tail, all committed.
"""

from __future__ import annotations

import threading
import time

from django.db import connection

from bench.progress import Progress
from memory.ledger.chain import Cause, Entry, append, subject_lock
from memory.ledger.states import snapshot
from memory.ledger.verify import chain_verify
from memory.services import memory_record, memory_update, subject_create

LEDGER_TENANT = 8_000_000_000_003
EVENTS = 20_000
SUBJECTS = 200
WRITERS = 8
TARGET_PER_S = 2_000
CAUSE = Cause.task("ledger-bench")


def _append_all(subjects: list, count: int, progress: Progress) -> None:
    """Append ``count`` events round-robin over ``subjects``, one call each."""
    latest: dict[int, object] = {}
    for i in range(count):
        subject = subjects[i % len(subjects)]
        memory = latest.get(subject.pk)
        # Half creates, half new versions of the subject's latest memory.
        if memory is None or (i // len(subjects)) % 2 == 0:
            latest[subject.pk] = memory_record(
                subject=subject,
                kind="holding",
                key=f"holding:AAPL:{i}",
                text=f"Holds {i + 1} AAPL in the IRA",
                payload={"instrument": "AAPL", "quantity": i + 1, "account": "ira"},
                cause=CAUSE,
            )
        else:
            memory_update(
                memory=memory,
                cause=CAUSE,
                text=f"Holds {i + 1} AAPL in the IRA (corrected)",
                payload={"instrument": "AAPL", "quantity": i + 1, "account": "ira"},
            )
        progress.advance()


def _sequential(subject, events: int) -> float:
    """Append ``events`` events to one subject from one writer; return events/s."""
    progress = Progress("ledger: one subject", events)
    started = time.perf_counter()
    _append_all([subject], events, progress)
    elapsed = time.perf_counter() - started
    progress.close()
    return events / elapsed


def _parallel(subjects: list, events: int, writers: int) -> float:
    """Append over ``subjects`` from ``writers`` threads, each with its own
    connection and its own share of the subjects; return events/s."""
    progress = Progress(f"ledger: {len(subjects)} subjects", events)
    lock = threading.Lock()

    class Shared:
        def advance(self):
            with lock:
                progress.advance()

    errors = []

    def writer(index: int) -> None:
        try:
            share = subjects[index::writers]
            _append_all(share, events // writers, Shared())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    progress.close()
    if errors:
        raise errors[0]
    return (events // writers) * writers / elapsed


BATCH = 200


def _batched(subjects: list, events: int, batch: int) -> float:
    """Append events in transactions of ``batch`` each, as imports, extraction and
    market refreshes do: one subject lock, one INSERT of events, the chain's tail.

    The memories the events are about exist beforehand (made untimed), so the
    figure is the ledger's own: snapshots, digests, hashes and the INSERT.
    """
    from django.db import transaction

    from memory.models import Memory

    pools = {}
    for subject in subjects:
        pools[subject.pk] = Memory.objects.bulk_create(
            [
                Memory(
                    subject_id=subject.pk,
                    tenant_id=subject.tenant_id,
                    kind="fact",
                    text=f"Fact {i} for the ledger bench",
                    payload={"category": "bench", "n": i},
                    source="import",
                )
                for i in range(batch)
            ]
        )
    progress = Progress(f"ledger: batches of {batch}, {len(subjects)} subjects", events)
    started = time.perf_counter()
    done = 0
    while done < events:
        subject = subjects[(done // batch) % len(subjects)]
        size = min(batch, events - done)
        with transaction.atomic():
            locked = subject_lock(subject.pk)
            entries = []
            for memory in pools[subject.pk][:size]:
                before = snapshot(memory, [])
                memory.importance = round((memory.importance + 0.01) % 1, 4)
                entries.append(Entry(memory, "update", before, snapshot(memory, [])))
            append(subject=locked, entries=entries, cause=CAUSE)
        done += size
        progress.advance(size)
    elapsed = time.perf_counter() - started
    progress.close()
    return events / elapsed


def run(
    *, events: int = EVENTS, single_events: int = 2_000, writers: int = WRITERS
) -> dict:
    """Measure ledger appends per second on the caller's (disposable) database."""
    one = subject_create(tenant_id=LEDGER_TENANT, kind="client")
    one_per_s = _sequential(one, single_events)
    many = [
        subject_create(tenant_id=LEDGER_TENANT, kind="client") for _ in range(SUBJECTS)
    ]
    many_per_s = _parallel(many, single_events, writers)
    batch_one = subject_create(tenant_id=LEDGER_TENANT, kind="client")
    batched_one_per_s = _batched([batch_one], events, BATCH)
    batched_many_per_s = _batched(many, events, BATCH)

    started = time.perf_counter()
    report = chain_verify(batch_one)
    verify_s = time.perf_counter() - started
    if not report.ok or report.events_checked != events:
        raise AssertionError(f"the benchmark's chain does not verify: {report}")
    for subject in (one, *many[:10]):
        if not chain_verify(subject).ok:
            raise AssertionError(f"subject {subject.pk}'s chain does not verify")
    return {
        "ledger_events": events,
        "ledger_append_per_s": round(min(batched_one_per_s, batched_many_per_s), 1),
        "ledger_append_per_s_batched_one_subject": round(batched_one_per_s, 1),
        "ledger_append_per_s_batched_many_subjects": round(batched_many_per_s, 1),
        "ledger_append_per_s_single_call_one_subject": round(one_per_s, 1),
        "ledger_append_per_s_single_call_many_subjects": round(many_per_s, 1),
        "ledger_append_per_s_target": TARGET_PER_S,
        "ledger_writers_many_subjects": writers,
        "ledger_verify_events_per_s": round(events / verify_s, 1),
        "notes": [
            f"ledger: the headline is appends committed in transactions of {BATCH} "
            "events (how imports, extraction and market refreshes write), to one "
            "subject and round-robin over 200; single_call figures are one service "
            "call (memory_record / memory_update) per durable transaction, bounded "
            "by the commit's fsync: one subject from one writer (appends to a "
            f"subject serialise by design), 200 subjects from {writers} threads"
        ],
    }
