"""Twenty concurrent writers on one subject, for a bounded time.

The writers do what users and the system do to one client at once, each in its
own thread with its own database connection, through the services the API and
the pages call: edits of shared memories (``memory_update``, what the API's edit
calls), reviews of proposals (approve and reject, racing for the same ones), new
facts and retractions, a market refresh of the subject's references, a
transcript import with its indexing, and chat turns (each extracted as the
worker would, every second one rolled back with its memory).

Checked after the run: no writer met an unhandled error (a deadlock included:
the database would name it), no update was lost (every acknowledged edit is in
the ledger, once, and the live state is what the ledger replays to), and the
subject's chain verifies. ``make bench`` reports ``concurrent_writers_events_per_s``.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from memory.conversations.imports import import_index, transcript_import
from memory.conversations.messages import conversation_start
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_take
from memory.errors import InvalidTransition
from memory.extraction.pipeline import message_extract
from memory.ledger.chain import Cause
from memory.ledger.replay import subject_state_as_of, subject_state_live
from memory.ledger.verify import chain_verify
from memory.models import MemoryEvent, MemoryStatus, Subject
from memory.readings.refresh import readings_refresh
from memory.services import (
    memory_approve,
    memory_record,
    memory_reject,
    memory_retract,
    memory_update,
    subject_create,
)

WRITERS = 20
SECONDS = 20.0
SHARED_MEMORIES = 4
TENANT = 8_000_000_000_015
SYMBOL = "CWB"
# Of twenty writers: what each does, in turn.
WRITER_KINDS = (
    ["edit"] * 7
    + ["review"] * 4
    + ["record"] * 3
    + ["turn"] * 3
    + ["refresh", "import", "quote"]
)


@dataclass
class Outcome:
    """What the writers did, and what went wrong."""

    calls: Counter = field(default_factory=Counter)
    races_lost: int = 0  # a review of a proposal another reviewer decided first
    edits: list[tuple[int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, edit: tuple[int, str] | None = None) -> None:
        with self.lock:
            self.calls[kind] += 1
            if edit:
                self.edits.append(edit)


def _instrument():
    from market.models import Quote
    from market.services import instruments_ensure

    (instrument,) = instruments_ensure(
        specs=[{"symbol": SYMBOL, "name": "Concurrency bench", "reference_price": 50}]
    )
    Quote.objects.create(
        instrument=instrument,
        price=Decimal("50.00"),
        currency="USD",
        as_of=timezone.now() - timedelta(minutes=1),
        source="simulated",
    )
    return instrument


def _prepare() -> tuple[Subject, list[int]]:
    _instrument()
    subject = subject_create(tenant_id=TENANT + int(time.time()), kind="client")
    shared = []
    for number in range(SHARED_MEMORIES):
        memory = memory_record(
            subject=subject,
            kind="holding",
            key=f"holding:{SYMBOL}:acct{number}",
            text=f"Holds 10 {SYMBOL} in account {number}",
            payload={"instrument": SYMBOL, "quantity": 10, "account": f"acct{number}"},
            cause=Cause.task("concurrency-bench"),
        )
        shared.append(memory.pk)
    return subject, shared


def _writer(kind, number, *, subject, shared, until, outcome, start):
    from memory.models import Memory

    rng = random.Random(number)
    cause = Cause.user(1000 + number, ref=f"writer-{number}")
    start.wait(timeout=60)
    step = 0
    try:
        while time.monotonic() < until:
            step += 1
            if kind == "edit":
                memory = Memory.objects.get(pk=rng.choice(shared))
                token = f"w{number}-{step}"
                quantity = rng.randint(1, 5000)
                memory_update(
                    memory=memory,
                    cause=cause,
                    text=f"Holds {quantity} {SYMBOL} ({token})",
                    payload={**memory.payload, "quantity": quantity},
                )
                outcome.note("edit", (memory.pk, token))
            elif kind == "review":
                proposals = list(
                    Memory.objects.filter(
                        subject=subject, status=MemoryStatus.PROPOSED
                    ).values_list("pk", flat=True)[:5]
                )
                if not proposals:
                    memory_record(
                        subject=subject,
                        kind="fact",
                        text=f"Proposed fact {number}-{step}",
                        payload={"category": "life_event", "detail": "proposal"},
                        cause=cause,
                        status=MemoryStatus.PROPOSED,
                    )
                    outcome.note("propose")
                    continue
                proposal = Memory.objects.get(pk=rng.choice(proposals))
                try:
                    if rng.random() < 0.5:
                        memory_approve(memory=proposal, cause=cause)
                        outcome.note("approve")
                    else:
                        memory_reject(memory=proposal, cause=cause, reason="no")
                        outcome.note("reject")
                except InvalidTransition:
                    with outcome.lock:
                        outcome.races_lost += 1
            elif kind == "record":
                memory = memory_record(
                    subject=subject,
                    kind="fact",
                    text=f"Fact {number}-{step}",
                    payload={"category": "life_event", "detail": f"{number}-{step}"},
                    cause=cause,
                )
                outcome.note("record")
                if step % 3 == 0:
                    memory_retract(memory=memory, cause=cause, reason="said in error")
                    outcome.note("retract")
            elif kind == "refresh":
                readings_refresh(tenant_id=subject.tenant_id)
                outcome.note("refresh")
                time.sleep(0.05)
            elif kind == "quote":
                # Prices move while everyone writes: the refresh has work to do.
                _quote_move(rng)
                outcome.note("quote")
                time.sleep(0.2)
            elif kind == "turn":
                if step == 1:
                    chat = conversation_start(subject=subject, title=f"chat {number}")
                    before = None
                told = turn_take(
                    conversation=chat,
                    text=f"She bought {rng.randint(1, 90)} shares of Apple, "
                    f"note {number}-{step}. What does she hold?",
                    user_id=1000 + number,
                    speaker=f"Writer {number}",
                )
                message_extract(message=told.message, consolidate=False)
                outcome.note("turn")
                if step % 2 == 0 and before is not None:
                    conversation_rollback(
                        conversation=chat, to_message=before, user_id=1000 + number
                    )
                    outcome.note("rollback")
                before = told.reply.pk
            elif kind == "import":
                job = transcript_import(
                    subject=subject,
                    turns=[
                        {
                            "speaker": "client",
                            "text": f"I bought {rng.randint(1, 90)} shares of "
                            f"Microsoft, call {number}-{step}-{turn}.",
                            "occurred_at": (
                                timezone.now() - timedelta(minutes=turn)
                            ).isoformat(),
                            "external_id": f"cw-{subject.pk}-{step}-{turn}",
                        }
                        for turn in range(5)
                    ],
                    index=False,
                )
                import_index(job=job)
                outcome.note("import")
    except Exception as error:  # every error is a finding, reported
        with outcome.lock:
            outcome.errors.append(
                f"{kind} writer {number}: {type(error).__name__}: {error}"
            )
    finally:
        connection.close()


def _quote_move(rng: random.Random) -> None:
    from market.models import Instrument, Quote

    instrument = Instrument.objects.get(symbol=SYMBOL)
    Quote.objects.create(
        instrument=instrument,
        price=Decimal(rng.randint(3000, 7000)) / 100,
        currency="USD",
        as_of=timezone.now(),
        source="simulated",
    )


def lost_updates(subject: Subject, outcome: Outcome) -> list[str]:
    """Return every acknowledged edit the ledger lacks, or holds twice."""
    texts = Counter()
    for event in MemoryEvent.objects.filter(subject=subject, action="update"):
        after = event.after or {}
        texts[(event.memory_id, after.get("text", ""))] += 1
    found = []
    for memory_id, token in outcome.edits:
        held = [
            n
            for (pk, text), n in texts.items()
            if pk == memory_id and text.endswith(f"({token})")
        ]
        if held != [1]:
            found.append(f"memory {memory_id} edit {token}: in the ledger {held}")
    return found


def run_writers(*, writers: int = WRITERS, seconds: float = SECONDS) -> dict:
    """Run the writers on one new subject; return the figures and the checks."""
    subject, shared = _prepare()
    outcome = Outcome()
    start = threading.Barrier(writers + 1)
    events_before = MemoryEvent.objects.filter(subject=subject).count()
    threads = []
    for number in range(writers):
        kind = WRITER_KINDS[number % len(WRITER_KINDS)]
        thread = threading.Thread(
            target=_writer,
            args=(kind, number),
            kwargs={
                "subject": subject,
                "shared": shared,
                "until": time.monotonic() + seconds + 1,
                "outcome": outcome,
                "start": start,
            },
        )
        thread.start()
        threads.append(thread)
    start.wait(timeout=60)
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    elapsed = time.perf_counter() - started
    hung = sum(thread.is_alive() for thread in threads)
    subject.refresh_from_db()
    events = MemoryEvent.objects.filter(subject=subject).count() - events_before
    report = chain_verify(subject)
    lost = lost_updates(subject, outcome)
    replayed = subject_state_as_of(subject=subject, at=timezone.now(), statuses=None)
    live = subject_state_live(subject=subject, statuses=None)
    return {
        "concurrent_writers": writers,
        "concurrent_writers_seconds": round(elapsed, 1),
        "concurrent_writers_events": events,
        "concurrent_writers_events_per_s": round(events / elapsed, 1),
        "concurrent_writers_calls": dict(outcome.calls),
        "concurrent_writers_review_races_lost": outcome.races_lost,
        "concurrent_writers_errors": outcome.errors[:10],
        "concurrent_writers_hung": hung,
        "lost_updates": lost[:10],
        "replay_matches_live": replayed == live,
        "chain_valid": report.ok,
        "chain_problem": report.problem,
        "chain_events_checked": report.events_checked,
    }


def run() -> dict:
    figures = run_writers()
    figures["notes"] = [
        f"concurrency: {WRITERS} threads on one subject for {SECONDS:.0f} s "
        f"({', '.join(f'{n} {k}' for k, n in Counter(WRITER_KINDS).items())}), "
        "each call its own transaction through the services; events_per_s counts "
        "every ledger event the subject gained"
    ]
    return figures
