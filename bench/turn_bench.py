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

Where a turn's time goes: ``turn_search_in_turn_p50_ms`` / ``_p95_ms`` is the
hybrid search timed inside each measured turn (the same call, not a second
one), ``turn_rest_p50_ms`` / ``_p95_ms`` the rest of each turn (message and
episode, standing context, readings, reply, citations, access log, commit),
and ``turn_queries`` / ``rollback_queries`` the SQL statements each sends.

The client's memories are built in bulk a moment before the turns; the tables
are then analysed and vacuumed (as the refresh bench settles its load), so the
turns are planned with statistics that know the client, as they are for any
client whose memories were not written a minute ago. Without it the first
turns race autovacuum: planned as if the client had one memory, the search
takes five times as long until the statistics catch up.

Queued work (extraction, embedding, quote fetches) is held, not sent: the
figures are the request's own; the worker's extraction is the ``extract`` section.
"""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction

from bench.import_bench import realistic_turns
from bench.progress import Progress, percentile
from market.instruments import DEFAULT_INSTRUMENTS
from market.providers.simulated import SimulatedProvider
from market.services import quotes_fetch
from memory import background
from memory.assistant import grounding
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
# What a turn reads and writes: analysed once the client's memories are built.
SETTLED_TABLES = (
    "memory_memory",
    "memory_memory_source_messages",
    "memory_memoryevent",
    "memory_message",
    "memory_marketreference",
    "memory_subject",
)


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


def _settle() -> None:
    """Give the planner statistics of the client just built, as autovacuum would."""
    with connection.cursor() as cursor:
        for table in SETTLED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


@contextmanager
def _counting(queries: list[int]):
    """Count the statements sent to the database inside the block."""

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield


@contextmanager
def _search_timed(searches: list[float]):
    """Time the turn's own call to the search (the grounding's), as it runs."""
    search = grounding.memory_search

    def timed(**kwargs):
        started = time.perf_counter()
        try:
            return search(**kwargs)
        finally:
            searches.append((time.perf_counter() - started) * 1000)

    grounding.memory_search = timed
    try:
        yield
    finally:
        grounding.memory_search = search


@dataclass
class TurnTimes:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    search: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)


def _turns(conversation, count: int) -> TurnTimes:
    progress = Progress("turns (offline composer)", count)
    times = TurnTimes()
    for i in range(count):
        queries, searched = [0], len(times.search)
        with _counting(queries), _search_timed(times.search):
            started, cpu_started = time.perf_counter(), time.process_time()
            turn_take(
                conversation=conversation,
                text=QUESTIONS[i % len(QUESTIONS)],
                user_id=1,
                speaker="Bench Advisor",
            )
            times.wall.append((time.perf_counter() - started) * 1000)
            times.cpu.append((time.process_time() - cpu_started) * 1000)
        if len(times.search) != searched + 1:
            raise AssertionError("a turn searches once")
        times.queries.append(queries[0])
        progress.advance()
    progress.close()
    return times


def _rollback_once(subject) -> tuple[float, float, int, float, int]:
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
    queries = [0]
    with _counting(queries):
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
    return rollback_ms, preview_ms, caused, rollback_cpu_ms, queries[0]


def run(*, quick: bool = False) -> dict:
    """Measure a turn's and a rollback's latency on the bench database."""
    held: list[str] = []
    original_send = background.send
    background.send = lambda name, *args, **kwargs: held.append(name)
    try:
        started = time.perf_counter()
        subject = _subject_with_memories(MEMORIES, EPISODES)
        _settle()
        built_s = time.perf_counter() - started
        count = Memory.objects.filter(subject_id=subject.pk).count()
        conversation = conversation_start(subject=subject, title="turn bench")
        _turns(conversation, 10)  # warm caches and plans
        turns = _turns(conversation, 60 if quick else TURNS)
        timings, cpu = turns.wall, turns.cpu
        rest = [
            wall - search for wall, search in zip(timings, turns.search, strict=True)
        ]
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
        "turn_search_in_turn_p50_ms": round(percentile(turns.search, 0.5), 1),
        "turn_search_in_turn_p95_ms": round(percentile(turns.search, 0.95), 1),
        "turn_rest_p50_ms": round(percentile(rest, 0.5), 1),
        "turn_rest_p95_ms": round(percentile(rest, 0.95), 1),
        "turn_queries": round(statistics.median(turns.queries)),
        "rollback_50_turns_ms": round(rollback_ms, 1),
        "rollback_50_turns_ms_target": 100,
        "rollback_preview_ms": round(statistics.median(r[1] for r in rollbacks), 1),
        "rollback_process_cpu_ms": round(statistics.median(r[3] for r in rollbacks), 1),
        "rollback_queries": rollbacks[0][4],
        "rollback_memory_events_caused": rollbacks[0][2],
        "rollback_episodes_retracted": 2 * ROLLBACK_TURNS,
        "as_of_message_p50_ms": round(percentile(as_of, 0.5), 1),
        # The hybrid search alone, after the turns (memory.recall, an exact
        # scan of the subject's rows): the same call the turn makes.
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
