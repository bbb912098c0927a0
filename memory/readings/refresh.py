"""Refresh: read memories' market references again against the newest stored quotes.

Refreshing never rewrites what was said. For each active holding or view with a
market reference, the reading (``reading``) is made again from the newest
stored quote of its instrument; where it changed, the reference takes the new
reading, the subject's ledger a ``refresh`` event, and each threshold newly
crossed an alert (once: the reference remembers what it raised).

A refresh event records the part of the memory's state it changes, the reading:
``{"reading": ...}`` before and after. Time travel lays it over the memory's last
full state (``memory.ledger.replay``).

The work is set-based: one quote per instrument serves every reference to it, and
each chunk of subjects is read in one query and written in a few statements (COPY
into scratch tables, then UPDATE or INSERT from them), in its own transaction
under its subjects' locks. No quote provider is asked here.
"""

from __future__ import annotations

import contextlib
import gc
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from market.selectors import latest_quotes, prices_at
from memory.bulk import copy_json, copy_text, scratch_fill
from memory.ledger.canonical import canonical_text
from memory.ledger.chain import (
    Cause,
    Chained,
    Draft,
    Tail,
    append_many,
    chain_drafts,
)
from memory.models import CauseType, EventAction, MarketReference, StatedPriceSource

from .policies import policies_for
from .reading import QuoteFacts, reading_compute

# How far before a statement a quote (or a close) still counts as its price.
STATED_PRICE_LOOKBACK = timedelta(days=7)
# References refreshed per transaction: big enough for set-based writes, small
# enough that subjects' ledger locks are not held for long.
REFRESH_CHUNK = 10_000
# Chunks refreshed side by side, each on its own connection (outside a caller's
# transaction only): one computes while another waits on the database.
REFRESH_THREADS = 3


@dataclass
class RefreshReport:
    """What one refresh of references did."""

    references: int = 0
    read: int = 0
    changed: int = 0
    without_quote: int = 0
    stated_prices_filled: int = 0
    events: int = 0
    alerts: int = 0
    subjects: int = 0
    instruments: int = 0
    seconds: float = 0.0
    alert_kinds: dict[str, int] = field(default_factory=dict)

    COUNTS = (
        "references",
        "read",
        "changed",
        "without_quote",
        "stated_prices_filled",
        "events",
        "alerts",
        "subjects",
    )

    def as_dict(self) -> dict:
        return {
            **{name: getattr(self, name) for name in self.COUNTS},
            "alert_kinds": self.alert_kinds,
            "instruments": self.instruments,
            "seconds": round(self.seconds, 3),
        }

    def merge(self, part: RefreshReport) -> None:
        """Add the counts of one chunk's report to this one."""
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(part, name))
        for kind, count in part.alert_kinds.items():
            self.alert_kinds[kind] = self.alert_kinds.get(kind, 0) + count


def _ids(values: Iterable | None) -> list[int] | None:
    if values is None:
        return None
    return sorted({value if isinstance(value, int) else value.pk for value in values})


# A refresh's scope: its subjects, with how many references each (to cut chunks).
# Superseded memories' references count here too; reading them is left out, under
# the subjects' locks.
SUBJECTS_SQL = """
SELECT r.subject_id, r.tenant_id, count(*)
FROM memory_marketreference r WHERE TRUE {filters}
GROUP BY r.subject_id, r.tenant_id ORDER BY r.subject_id
"""

# Every statement of a chunk joins its few thousand rows to the big tables by key:
# probing an index per row is the right plan at any table size, where hashing or
# merging would read a whole table per chunk (the planner, seeing unanalysed
# scratch tables, may choose that). No parallel workers either: the chunks
# themselves run side by side.
CHUNK_SETTINGS = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
}


@contextlib.contextmanager
def _chunk_settings(cursor):
    """Plan a chunk's statements with ``CHUNK_SETTINGS``, then put back the caller's.

    Set for the transaction (``set_config(..., true)``): a chunk of its own ends
    with them; one inside a caller's transaction (a refresh on read) puts back
    what its caller had, or they would outlast it until that transaction ends.
    """
    names = list(CHUNK_SETTINGS)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = dict(zip(names, cursor.fetchone(), strict=True))
    _settings_apply(cursor, CHUNK_SETTINGS)
    yield
    # No ``finally``: a chunk that fails rolls back its transaction or savepoint,
    # and its settings with it.
    _settings_apply(cursor, before)


def _settings_apply(cursor, settings: dict[str, str]) -> None:
    cursor.execute(
        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
        [part for pair in settings.items() for part in pair],
    )


LOCK_SQL = """
SELECT id, tenant_id, ledger_length, ledger_head, erased_at
FROM memory_subject WHERE id = ANY(%(subjects)s) ORDER BY id FOR UPDATE
"""

# What a reading needs, and no more: the statement time only where it counts (a
# view's horizon, a stated price still to find); the reading as its canonical
# text, which is what the ledger takes as the state before.
ROWS_SQL = """
SELECT r.id, r.memory_id, r.subject_id, r.tenant_id, r.instrument_id,
       r.stated_price,
       CASE WHEN m.kind = 'view' OR r.stated_price IS NULL THEN r.stated_at END,
       r.crossed, r.reading::text, r.reading->>'invalidated_reason',
       m.kind, m.payload
FROM memory_marketreference r
JOIN memory_memory m ON m.id = r.memory_id
WHERE r.subject_id = ANY(%(subjects)s) AND m.status = 'active' {filters}
ORDER BY r.subject_id, r.memory_id
"""


def _filters(
    reference_ids: list[int] | None,
    instrument_ids: list[int] | None,
    tenant_id: int | None,
) -> tuple[str, dict]:
    sql, params = [], {}
    if reference_ids is not None:
        sql.append("AND r.id = ANY(%(references)s)")
        params["references"] = reference_ids
    if instrument_ids is not None:
        sql.append("AND r.instrument_id = ANY(%(instruments)s)")
        params["instruments"] = instrument_ids
    if tenant_id is not None:
        sql.append("AND r.tenant_id = %(tenant)s")
        params["tenant"] = tenant_id
    return " ".join(sql), params


def _json(value):
    """Decode a JSON column, which Django has psycopg hand over as text."""
    if value == "[]":  # most references have raised no alert yet
        return []
    return json.loads(value) if isinstance(value, str) else value


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cycle collector for a refresh, then let it run again.

    A refresh allocates millions of small tuples, dicts and strings, none in a
    cycle: reference counting frees them. The collector, triggered every few
    hundred allocations, ran some 370 times per 100,000 references, walking
    the objects the process holds each time (7 % of a refresh, more in a
    process holding more). Collection is process-wide: it is only turned back
    on if it was on, and a concurrent refresh ending first turns it on early
    (which costs time, not memory).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_collector_paused()
def readings_refresh(
    *,
    references: Iterable[MarketReference | int] | None = None,
    instrument_ids: Iterable[int] | None = None,
    tenant_id: int | None = None,
    now: datetime | None = None,
    cause_ref: str = "",
    progress: Callable[[RefreshReport], None] | None = None,
) -> RefreshReport:
    """Re-read active memories' references against the newest stored quotes.

    Set-based: the newest quote of each instrument is loaded once, by the first
    chunk that names it, and serves all its references; references, ledger
    events, alerts and the subjects' chain tails are written in a few statements
    per chunk of subjects, each chunk in its own transaction under its subjects'
    locks. A memory whose reading did not change gets no event, so refreshing
    twice with the same quotes appends nothing. Never asks a quote provider.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    report = RefreshReport()
    filters, params = _filters(_ids(references), _ids(instrument_ids), tenant_id)
    with connection.cursor() as cursor:
        cursor.execute(SUBJECTS_SQL.format(filters=filters), params)
        per_subject = cursor.fetchall()
    if not per_subject:
        return report
    tenants = {tenant for _, tenant, _ in per_subject}
    thresholds = {
        tenant: Decimal(policy.move_threshold)
        for tenant, policy in policies_for(tenants).items()
    }
    cause = Cause(
        CauseType.REFRESH, ref=cause_ref or f"market-refresh {now:%Y-%m-%dT%H:%M:%SZ}"
    )
    chunks: list[list[int]] = [[]]
    size = 0
    for subject_id, _, count in per_subject:
        if size >= REFRESH_CHUNK:
            chunks.append([])
            size = 0
        chunks[-1].append(subject_id)
        size += count

    plan = _Plan(
        filters=filters,
        params=params,
        quotes=_QuoteBook(),
        thresholds=thresholds,
        cause=cause,
        now=now,
    )
    if connection.in_atomic_block or len(chunks) == 1 or REFRESH_THREADS < 2:
        # Inside a caller's transaction every chunk must share its connection.
        parts = (_refresh_chunk(chunk, plan=plan) for chunk in chunks)
    else:
        parts = _in_threads(chunks, plan)
    for part in parts:
        report.merge(part)
        report.instruments = plan.quotes.instruments
        if progress:
            progress(report)
    report.seconds = time.perf_counter() - started
    return report


class _QuoteBook:
    """The newest stored quote of each instrument, loaded as chunks name them.

    One refresh loads each instrument's quote once (one query per chunk that
    names instruments not seen before), and every reference to it, in every
    chunk, is read against that one quote.
    """

    def __init__(self) -> None:
        self._facts: dict[int, QuoteFacts | None] = {}
        self._lock = threading.Lock()

    @property
    def instruments(self) -> int:
        """How many instruments were named (with a quote or not)."""
        return len(self._facts)

    def of(self, instrument_ids: set[int]) -> dict[int, QuoteFacts]:
        """Return the quotes of these instruments that have one."""
        with self._lock:
            missing = instrument_ids - self._facts.keys()
            if missing:
                self._facts.update(dict.fromkeys(missing))
                for quote in latest_quotes(instrument_ids=missing).values():
                    self._facts[quote.instrument_id] = QuoteFacts.of(
                        symbol=quote.instrument.symbol,
                        price=quote.price,
                        currency=quote.currency,
                        as_of=quote.as_of,
                        source=quote.source,
                    )
            facts = self._facts
            return {
                instrument_id: facts[instrument_id]
                for instrument_id in instrument_ids
                if facts[instrument_id] is not None
            }


@dataclass(frozen=True)
class _Plan:
    """What every chunk of one refresh shares: its scope, quotes, policy, cause."""

    filters: str
    params: dict
    quotes: _QuoteBook
    thresholds: dict[int, Decimal]
    cause: Cause
    now: datetime


def _in_threads(chunks: list[list[int]], plan: _Plan):
    """Yield each chunk's report, refreshed by a few threads taking turns.

    Chunks lock disjoint subjects, each on its thread's own connection and in
    its own transaction. One thread at a time reads and computes (Python holds
    one core), while the others write (PostgreSQL works on the other cores):
    without the turn, the threads fall into step, all computing and then all
    waiting on the database.
    """
    turn = threading.Lock()

    def job(chunk):
        try:
            return _refresh_chunk(chunk, plan=plan, turn=turn)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REFRESH_THREADS) as pool:
        yield from pool.map(job, chunks)


def _stated_prices(rows, quotes) -> dict[int, tuple]:
    """Find the price when it was stated for each reference still without one."""
    pending: dict[int, tuple[int, datetime]] = {}
    for reference_id, _, _, _, instrument_id, stated_price, stated_at, *_ in rows:
        if stated_price is None and instrument_id in quotes:
            pending[reference_id] = (instrument_id, stated_at)
    found = prices_at(list(pending.values()), lookback=STATED_PRICE_LOOKBACK)
    return dict(zip(pending, found, strict=True))


@transaction.atomic
def _refresh_chunk(subject_ids: list[int], *, plan: _Plan, turn=None) -> RefreshReport:
    """Refresh the references of some subjects, in one transaction under their locks.

    Compute while holding ``turn``; read and write while other chunks compute.
    """
    with connection.cursor() as cursor, _chunk_settings(cursor):
        cursor.execute(LOCK_SQL, {"subjects": subject_ids})
        tails = {
            row[0]: Tail(tenant_id=row[1], length=row[2], head=row[3] or "")
            for row in cursor.fetchall()
            if row[4] is None  # an erased subject's memory is not read again
        }
        # Read under the locks: no writer can supersede a memory meanwhile.
        cursor.execute(
            ROWS_SQL.format(filters=plan.filters),
            {**plan.params, "subjects": list(tails)},
        )
        rows = cursor.fetchall()
        quotes = plan.quotes.of({row[4] for row in rows})
        with turn or contextlib.nullcontext():
            writes = _compute(rows, tails, plan, quotes)
        report = writes.report
        _write_references(cursor, writes.references, plan.now)
        report.events += append_many(cursor, writes.events)
        inserted = _write_alerts(cursor, writes.alerts, plan.now)
    report.alerts += len(inserted)
    for kind in inserted:
        report.alert_kinds[kind] = report.alert_kinds.get(kind, 0) + 1
    return report


@dataclass
class _Writes:
    """One chunk's writes, ready as COPY lines, and what it did so far."""

    report: RefreshReport
    references: list[str]
    events: Chained
    alerts: list[str]


def _compute(
    rows: list[tuple],
    tails: dict[int, Tail],
    plan: _Plan,
    quotes: dict[int, QuoteFacts],
) -> _Writes:
    """Read each reference against its quote; return what is to be written."""
    now = plan.now
    report = RefreshReport(references=len(rows))
    stated = _stated_prices(rows, quotes)
    updates: list[str] = []
    alerts: list[str] = []
    drafts: dict[int, list[Draft]] = defaultdict(list)
    for row in rows:
        (
            reference_id,
            memory_id,
            subject_id,
            tenant_id,
            instrument_id,
            stated_price,
            stated_at,
            crossed,
            previous,
            invalidated_reason,
            kind,
            payload,
        ) = row
        quote = quotes.get(instrument_id)
        if quote is None:
            report.without_quote += 1
            continue
        report.read += 1
        fill = None
        if stated_price is None:
            found = stated.get(reference_id)
            if found is not None:
                fill = (*found, StatedPriceSource.QUOTE_AT_STATEMENT)
            elif quote.as_of >= stated_at:
                first_after = StatedPriceSource.FIRST_QUOTE_AFTER
                fill = (quote.price, quote.as_of, first_after)
            if fill:
                stated_price = fill[0]
                report.stated_prices_filled += 1
        crossed = _json(crossed)
        reading, raised = reading_compute(
            kind=kind,
            quote=quote,
            payload=_json(payload),
            stated_price=stated_price,
            stated_at=stated_at,
            crossed=crossed,
            move_threshold=plan.thresholds[tenant_id],
            invalidated_reason=invalidated_reason,
            now=now,
        )
        reading_text = canonical_text(reading)
        changed = reading_text != previous
        if not (changed or raised or fill):
            continue
        crossed_text = "\\N"  # unchanged
        if raised:
            crossed = crossed + [alert.crossed_key for alert in raised]
            crossed_text = copy_json(canonical_text(crossed))
            alerts += [
                f"{tenant_id}\t{subject_id}\t{memory_id}\t{reference_id}"
                f"\t{instrument_id}\t{alert.kind}\t{copy_text(alert.threshold_key)}"
                f"\t{copy_text(alert.message)}\t{quote.price}"
                f"\t{copy_text(alert.threshold)}"
                for alert in raised
            ]
        stated_fields = (
            "\\N\t\\N\t\\N" if fill is None else "\t".join(map(copy_text, fill))
        )
        updates.append(
            f"{reference_id}\t{quote.price}\t{quote.as_of_text}"
            f"\t{quote.source_copy}\t{crossed_text}\t{copy_json(reading_text)}"
            f"\t{stated_fields}"
        )
        if changed:
            report.changed += 1
            drafts[subject_id].append(
                Draft(
                    memory_id,
                    f'{{"reading":{previous}}}',
                    f'{{"reading":{reading_text}}}',
                    quote.reason,
                )
            )
    report.subjects = len(drafts)
    events = chain_drafts(
        tails=tails,
        drafts=drafts,
        action=EventAction.REFRESH,
        cause=plan.cause,
        occurred_at=now,
    )
    return _Writes(report=report, references=updates, events=events, alerts=alerts)


REFERENCE_UPDATE_COLUMNS = (
    "id",
    "price",
    "as_of",
    "source",
    "crossed",
    "reading",
    "stated",
    "stated_as_of",
    "stated_source",
)


def _write_references(cursor, lines: list[str], now: datetime) -> None:
    """Give each changed reference its quote, reading, alerts raised, stated price."""
    if not lines:
        return
    scratch_fill(
        cursor,
        "refresh_reference",
        "id bigint, price numeric, as_of timestamptz, source text, crossed jsonb, "
        "reading json, stated numeric, stated_as_of timestamptz, stated_source text",
        REFERENCE_UPDATE_COLUMNS,
        lines,
    )
    cursor.execute(
        """
        UPDATE memory_marketreference r SET
            last_price = v.price, last_price_as_of = v.as_of,
            last_price_source = v.source, crossed = coalesce(v.crossed, r.crossed),
            reading = v.reading,
            refreshed_at = %s,
            stated_price = coalesce(v.stated, r.stated_price),
            stated_price_as_of = CASE WHEN v.stated IS NULL
                                 THEN r.stated_price_as_of ELSE v.stated_as_of END,
            stated_price_source = coalesce(v.stated_source, r.stated_price_source)
        FROM refresh_reference v WHERE r.id = v.id
        """,
        [now],
    )


ALERT_COLUMNS = (
    "tenant_id",
    "subject_id",
    "memory_id",
    "reference_id",
    "instrument_id",
    "kind",
    "threshold_key",
    "message",
    "price",
    "threshold",
)


def _write_alerts(cursor, alerts: list[str], now: datetime) -> list[str]:
    """Insert the alerts; the unique constraint makes a second raise a no-op.

    Once per reference, instrument, kind and threshold: a reference moved to
    another instrument raises that instrument's alerts anew.
    """
    if not alerts:
        return []
    scratch_fill(
        cursor,
        "refresh_alert",
        "tenant_id bigint, subject_id bigint, memory_id bigint, "
        "reference_id bigint, instrument_id bigint, kind text, threshold_key text, "
        "message text, price numeric, threshold numeric",
        ALERT_COLUMNS,
        alerts,
    )
    cursor.execute(
        f"""
        INSERT INTO memory_marketalert ({", ".join(ALERT_COLUMNS)}, created_at)
        SELECT {", ".join(ALERT_COLUMNS)}, %s FROM refresh_alert
        ON CONFLICT (reference_id, instrument_id, kind, threshold_key) DO NOTHING
        RETURNING kind
        """,
        [now],
    )
    return [row[0] for row in cursor.fetchall()]
