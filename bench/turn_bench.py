"""The twin's turn and rollback: server-side latency, in process, committed.

- ``turn_p50_ms`` / ``turn_p95_ms``: ``turn_take`` with the offline composer on
  a client with 2,000 memories (1,500 episodes of realistic talk and 500
  semantic memories, 40 holdings and 20 views read against stored quotes):
  the user's message and its episode, the hybrid search, the standing context,
  the readings on read, the reply with its citations, its episode, the access
  log, all in one committed transaction. Questions cycle through holdings,
  risk, goals, preferences, views, changes, a meeting prep and a statement.
- ``rollback_50_turns_ms``: ``conversation_rollback`` over 50 turns whose
  extraction caused 100 memory events (each turn superseded one of 50
  holdings: the successor's create and the old one's supersede), plus the 100
  episodes of those turns' messages: 50 restores and 150 retractions.
- ``as_of_message_ms``: the subject's memory rebuilt as of a message.

Queued work (extraction, embedding, quote fetches) is held, not sent: the
figures are the request's own; the worker's extraction is the ``extract`` section.
"""

from __future__ import annotations

import statistics
import time

from django.db import transaction

from bench.import_bench import realistic_turns
from bench.progress import Progress, percentile
from market.instruments import DEFAULT_INSTRUMENTS
from market.providers.simulated import SimulatedProvider
from market.services import quotes_fetch
from memory import background
from memory.conversations.imports import transcript_import
from memory.conversations.messages import conversation_start
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_take
from memory.ledger.chain import Cause
from memory.ledger.replay import subject_state_as_of_message
from memory.ledger.verify import chain_verify
from memory.models import MarketReference, Memory, MemoryKind
from memory.readings.references import references_sync
from memory.readings.refresh import readings_refresh
from memory.recall.search import memory_search
from memory.services import memory_record, memory_supersede, subject_create

TURN_TENANT = 8_000_000_000_011
MEMORIES = 2_000
EPISODES = 1_500
TURNS = 300
ROLLBACK_TURNS = 50
ROLLBACKS = 3
QUESTIONS = [
    "What does he hold, and what is it worth?",
    "What is his risk tolerance?",
    "What are his goals?",
    "What does he want to avoid?",
    "How is his Tesla view doing against its target?",
    "What changed since last month?",
    "Prep me for the meeting.",
    "How much is his Nvidia position worth?",
    "He mentioned he might sell some Apple next quarter.",
]
CAUSE = Cause.task("turn-bench")
SYMBOLS = [spec["symbol"] for spec in DEFAULT_INSTRUMENTS][:50]


def _semantic(subject, count: int) -> list[Memory]:
    """Record ``count`` semantic memories: holdings, views, goals, the rest facts."""
    made = []
    kinds = (
        [("holding", i) for i in range(40)]
        + [("view", i) for i in range(20)]
        + [("goal", i) for i in range(5)]
        + [("profile", 0)]
        + [("preference", i) for i in range(10)]
    )
    kinds += [("fact", i) for i in range(count - len(kinds))]
    for kind, i in kinds:
        symbol = SYMBOLS[i % 20]
        payload, text = {
            "holding": (
                {"instrument": symbol, "quantity": 10 + i, "cost_basis": 50 + i},
                f"Holds {10 + i} {symbol} in account {i}",
            ),
            "view": (
                {"instrument": symbol, "stance": "bullish", "target_price": 300 + i},
                f"Bullish on {symbol}, target ${300 + i}",
            ),
            "goal": ({"goal": f"goal {i}", "amount": 10_000 * (i + 1)}, f"Goal {i}"),
            "profile": (
                {"risk_tolerance": "moderate", "horizon_years": 12},
                "Moderate risk tolerance, 12-year horizon",
            ),
            "preference": (
                {"topic": f"sector {i}", "polarity": "avoids"},
                f"Avoids sector {i}",
            ),
            "fact": ({"detail": i}, f"Life event number {i}: a trip, a move, a job"),
        }[kind]
        made.append(
            memory_record(
                subject=subject,
                kind=kind,
                key=f"{kind}:{symbol if kind in ('holding', 'view') else ''}:{i}",
                text=text,
                payload=payload,
                cause=CAUSE,
            )
        )
    return made


def _subject_with_memories(memories: int, episodes: int):
    subject = subject_create(tenant_id=TURN_TENANT, kind="client")
    turns = realistic_turns(episodes, prefix=f"turn-bench-{subject.pk}")
    transcript_import(subject=subject, turns=turns, title="history", index=False)
    semantic = _semantic(subject, memories - episodes)
    references_sync(memories=[m for m in semantic if m.kind in ("holding", "view")])
    quotes_fetch(symbols=SYMBOLS, provider=SimulatedProvider())
    references = MarketReference.objects.filter(subject_id=subject.pk)
    readings_refresh(
        references=list(references.values_list("pk", flat=True)),
        cause_ref="turn-bench",
    )
    return subject


def _turns(conversation, count: int, cpu: list[float] | None = None) -> list[float]:
    progress = Progress("turns (offline composer)", count)
    timings = []
    for i in range(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        turn_take(
            conversation=conversation,
            text=QUESTIONS[i % len(QUESTIONS)],
            user_id=1,
            speaker="Bench Advisor",
        )
        timings.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - cpu_started) * 1000)
        progress.advance()
    progress.close()
    return timings


def _rollback_once(subject) -> tuple[float, float, int, float]:
    """Take 50 turns, each superseding a holding; time the preview and the rollback."""
    holdings = [
        memory_record(
            subject=subject,
            kind=MemoryKind.HOLDING,
            key=f"holding:{symbol}:rollback",
            text=f"Holds 100 {symbol}",
            payload={"instrument": symbol, "quantity": 100},
            cause=CAUSE,
        )
        for symbol in SYMBOLS[:ROLLBACK_TURNS]
    ]
    conversation = conversation_start(subject=subject, title="rollback bench")
    root = turn_take(
        conversation=conversation, text="Hello", user_id=1, speaker="Bench Advisor"
    )
    caused = 0
    for holding in holdings:
        turn = turn_take(
            conversation=conversation,
            text=f"He now has 150 {holding.payload['instrument']}.",
            user_id=1,
            speaker="Bench Advisor",
        )
        # As extraction would have: the successor's create, the old one's close.
        with transaction.atomic():
            memory_supersede(
                memory=holding,
                cause=Cause.message(turn.message.pk, ref="extraction"),
                text=f"Holds 150 {holding.payload['instrument']}",
                payload={"instrument": holding.payload["instrument"], "quantity": 150},
                source_messages=[turn.message],
            )
        caused += 2
    started = time.perf_counter()
    preview = conversation_rollback(
        conversation=conversation, to_message=root.reply, user_id=1, preview=True
    )
    preview_ms = (time.perf_counter() - started) * 1000
    started, cpu_started = time.perf_counter(), time.process_time()
    report = conversation_rollback(
        conversation=conversation, to_message=root.reply, user_id=1
    )
    rollback_ms = (time.perf_counter() - started) * 1000
    rollback_cpu_ms = (time.process_time() - cpu_started) * 1000
    if report.conflicts or len(report.reverted) != len(preview.reverted):
        raise AssertionError(f"unexpected rollback: {len(report.conflicts)} conflicts")
    if len(report.reverted) != 2 * ROLLBACK_TURNS + ROLLBACK_TURNS * 2:
        raise AssertionError(f"reverted {len(report.reverted)} memories")
    return rollback_ms, preview_ms, caused, rollback_cpu_ms


def run(*, quick: bool = False) -> dict:
    """Measure a turn's and a rollback's latency on the bench database."""
    held: list[str] = []
    original_send = background.send
    background.send = lambda name, *args, **kwargs: held.append(name)
    try:
        started = time.perf_counter()
        subject = _subject_with_memories(MEMORIES, EPISODES)
        built_s = time.perf_counter() - started
        count = Memory.objects.filter(subject_id=subject.pk).count()
        conversation = conversation_start(subject=subject, title="turn bench")
        _turns(conversation, 10)  # warm caches and plans
        cpu: list[float] = []
        timings = _turns(conversation, 60 if quick else TURNS, cpu)
        messages = list(
            conversation.messages.order_by("pk").values_list("pk", flat=True)
        )
        as_of = []
        for message_id in messages[:: max(1, len(messages) // 20)]:
            message = conversation.messages.get(pk=message_id)
            started = time.perf_counter()
            subject_state_as_of_message(message=message)
            as_of.append((time.perf_counter() - started) * 1000)
        searches = []
        for question in QUESTIONS * (3 if quick else 10):
            started = time.perf_counter()
            memory_search(
                subject=subject, query=question, limit=10, include_house_views=True
            )
            searches.append((time.perf_counter() - started) * 1000)
        rollbacks = [_rollback_once(subject) for _ in range(1 if quick else ROLLBACKS)]
        if not chain_verify(subject).ok:
            raise AssertionError("the bench subject's chain does not verify")
    finally:
        background.send = original_send
    rollback_ms = statistics.median(r[0] for r in rollbacks)
    return {
        "turn_memories": count,
        "turn_count": len(timings),
        "turn_p50_ms": round(percentile(timings, 0.5), 1),
        "turn_p95_ms": round(percentile(timings, 0.95), 1),
        "turn_p95_ms_target": 50,
        # The bench process's own CPU per turn (not PostgreSQL's): what a busy
        # machine inflates least.
        "turn_process_cpu_p50_ms": round(percentile(cpu, 0.5), 1),
        "turn_process_cpu_p95_ms": round(percentile(cpu, 0.95), 1),
        "rollback_50_turns_ms": round(rollback_ms, 1),
        "rollback_50_turns_ms_target": 100,
        "rollback_preview_ms": round(statistics.median(r[1] for r in rollbacks), 1),
        "rollback_process_cpu_ms": round(statistics.median(r[3] for r in rollbacks), 1),
        "rollback_memory_events_caused": rollbacks[0][2],
        "rollback_episodes_retracted": 2 * ROLLBACK_TURNS,
        "as_of_message_p50_ms": round(percentile(as_of, 0.5), 1),
        # Of a turn, the hybrid search alone (memory.recall, an exact scan of
        # the subject's rows): the same call the turn makes.
        "turn_search_p50_ms": round(percentile(searches, 0.5), 1),
        "turn_setup_s": round(built_s, 1),
        "notes": [
            "turn: turn_take in process (no HTTP), offline composer, each turn "
            f"committed, on a client with {count} memories; queued tasks "
            f"({len(held)}: extraction, embeddings, refreshes) are held, not sent",
            "rollback: 50 turns whose extraction superseded 50 holdings (100 "
            "memory events) plus their 100 episodes; median of "
            f"{len(rollbacks)} rollbacks, each one committed transaction",
        ],
    }
