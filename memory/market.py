"""Market-aware memory: references, current readings, freshness and alerts.

A holding or a view that names an instrument holds a ``MarketReference``: the
instrument, the price when the memory was stated, and the last quote it was read
against. Refreshing never rewrites what was said: the memory's text and payload
stay, and its *reading* (``Memory.reading``) is recomputed from the newest stored
quote, with a ``refresh`` event in the subject's ledger and an alert when a
threshold is crossed. One quote per instrument serves every reference to it.

Reading of a holding: price, market value (quantity x price), unrealised gain and
its fraction of the cost basis when the basis is known, move since stated.

Reading of a view: price, move since stated, distance to target (the move still
needed from the price to the target, ``target / price - 1``), and two verdicts:

- **target reached**: a bullish view's price at or above its target, a bearish
  view's at or below. Once reached it stays reached (for that target).
- **invalidated**, unless the target was reached first: the price moved against
  the view by more than twice the firm's move threshold from the stated price (a
  bullish view fell more than 10 % below it, at the default 5 %; a bearish one rose
  more than 10 % above it; a neutral one moved more than 10 % either way); or the
  view's horizon (``horizon_date``, else stated + ``horizon_months``) passed without
  its target reached (without a target: with the price on the wrong side of the
  stated price). Once invalidated it stays invalidated.

Freshness: a reference is stale when the quote it was last read against is older
than the firm's policy (``stale_after_minutes_market_hours`` while the exchange
trades, else ``stale_after_minutes``), or when that price moved more than the
firm's ``move_threshold`` from the stated price. Exactly at a limit is fresh.

No function here calls a quote provider except ``market_refresh``, which only
tasks and management commands call.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from market.instruments import DEFAULT_INSTRUMENTS
from market.models import Instrument, QuoteSource
from market.selectors import instruments_by_symbol, is_market_open, latest_quotes
from market.services import bars_backfill, instruments_ensure, quotes_refresh

from . import ledger
from .bulk import copy_json, copy_lines, copy_rows, copy_text
from .ledger import Cause
from .models import (
    CauseType,
    EventAction,
    MarketAlert,
    MarketAlertKind,
    MarketReference,
    Memory,
    MemoryKind,
    MemoryPolicy,
    MemoryStatus,
    StatedPriceSource,
)

logger = logging.getLogger(__name__)

MARKET_KINDS = (MemoryKind.HOLDING, MemoryKind.VIEW)
# A view is invalidated by a move against it this many times the move threshold.
INVALIDATION_MULTIPLE = Decimal(2)
# How far before a statement a quote (or a close) still counts as its price.
STATED_PRICE_LOOKBACK = timedelta(days=7)
# References refreshed per transaction: big enough for set-based writes, small
# enough that subjects' ledger locks are not held for long.
REFRESH_CHUNK = 10_000
# Chunks refreshed side by side, each on its own connection (outside a caller's
# transaction only): one computes while another waits on the database.
REFRESH_THREADS = 3
CENT = Decimal("0.01")


# --- Small formatting helpers -------------------------------------------------


def _price_text(value: Decimal | float | int | None) -> str | None:
    """Return a price as text: cents when that is exact, else every digit."""
    if value is None:
        return None
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    cents = value.quantize(CENT)
    return f"{cents if cents == value else value.normalize():f}"


def _money(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _fraction(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 6))


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def age_text(seconds: float) -> str:
    """Say how old something is in the unit an advisor would use."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_date(payload: dict, stated_at: datetime) -> date | None:
    """Return the day a view's horizon ends, if it names one."""
    if payload.get("horizon_date"):
        try:
            return date.fromisoformat(str(payload["horizon_date"])[:10])
        except ValueError:
            return None
    months = payload.get("horizon_months")
    if months:
        return _add_months(stated_at.astimezone(UTC).date(), int(months))
    return None


# --- Readings -----------------------------------------------------------------


@dataclass(frozen=True)
class AlertDraft:
    kind: str
    threshold_key: str
    threshold: Decimal | None
    message: str

    @property
    def crossed_key(self) -> str:
        return f"{self.kind}:{self.threshold_key}"


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def reading_compute(
    *,
    kind: str,
    symbol: str,
    payload: dict,
    stated_price: Decimal | None,
    stated_at: datetime,
    price: Decimal,
    currency: str,
    as_of: datetime,
    source: str,
    crossed: Iterable[str],
    move_threshold: Decimal,
    previous: dict | None = None,
    now: datetime,
) -> tuple[dict, list[AlertDraft]]:
    """Return a memory's reading against a price, and the alerts it newly crosses.

    Pure: the same inputs give the same reading, so a refresh with unchanged
    quotes changes nothing.
    """
    crossed = set(crossed)
    move = (price - stated_price) / stated_price if stated_price else None
    reading = {
        "instrument": symbol,
        "price": _price_text(price),
        "currency": currency,
        "as_of": ledger.iso(as_of),
        "source": source,
        "simulated": source == QuoteSource.SIMULATED,
        "stated_price": _price_text(stated_price),
        "move_since_stated": _fraction(move),
    }
    alerts: list[AlertDraft] = []
    quoted = f"now {_price_text(price)} {currency}"
    if move is not None and abs(move) > move_threshold:
        direction = "up" if move > 0 else "down"
        alerts.append(
            AlertDraft(
                MarketAlertKind.MOVED_BEYOND_THRESHOLD,
                f"{direction}:{_percent(move_threshold)}",
                move_threshold,
                f"{symbol} {'rose' if move > 0 else 'fell'} "
                f"{_percent(abs(round(move, 4)))}"
                f" since it was stated at {_price_text(stated_price)} "
                f"(threshold {_percent(move_threshold)}); {quoted}.",
            )
        )
    if kind == MemoryKind.HOLDING:
        _holding_reading(reading, payload, price)
    else:
        alerts += _view_reading(
            reading,
            symbol=symbol,
            payload=payload,
            price=price,
            move=move,
            stated_at=stated_at,
            crossed=crossed,
            move_threshold=move_threshold,
            previous=previous or {},
            quoted=quoted,
            now=now,
        )
    return reading, [a for a in alerts if a.crossed_key not in crossed]


def _holding_reading(reading: dict, payload: dict, price: Decimal) -> None:
    quantity = _decimal(payload.get("quantity"))
    cost = _decimal(payload.get("cost_basis"))
    reading["quantity"] = payload.get("quantity")
    reading["cost_basis"] = _price_text(cost)
    if quantity is None:
        return
    value = quantity * price
    reading["market_value"] = _money(value)
    if cost:
        reading["unrealised_gain"] = _money(value - quantity * cost)
        reading["unrealised_gain_pct"] = _fraction((price - cost) / cost)


def _view_reading(
    reading: dict,
    *,
    symbol,
    payload,
    price,
    move,
    stated_at,
    crossed,
    move_threshold,
    previous,
    quoted,
    now,
) -> list[AlertDraft]:
    alerts = []
    stance = payload.get("stance")
    target = _decimal(payload.get("target_price"))
    horizon = horizon_date(payload, stated_at)
    reading["stance"] = stance
    reading["target_price"] = _price_text(target)
    reading["horizon_date"] = horizon.isoformat() if horizon else None
    reached = False
    if target:
        reading["distance_to_target"] = _fraction((target - price) / price)
        target_key = f"{MarketAlertKind.TARGET_REACHED}:{_price_text(target)}"
        reached_now = (stance == "bullish" and price >= target) or (
            stance == "bearish" and price <= target
        )
        reached = reached_now or target_key in crossed
        if reached_now:
            alerts.append(
                AlertDraft(
                    MarketAlertKind.TARGET_REACHED,
                    _price_text(target),
                    target,
                    f"{symbol} reached the target {_price_text(target)} of a "
                    f"{stance} view; {quoted}.",
                )
            )
    else:
        reading["distance_to_target"] = None
    reading["target_reached"] = reached

    invalidated_key = f"{MarketAlertKind.INVALIDATED}:"
    reason = ""
    if invalidated_key in crossed:
        reason = previous.get("invalidated_reason") or "invalidated earlier"
    elif not reached:
        reason = _invalidation(
            stance, target, move, horizon, move_threshold, now, stated_at
        )
        if reason:
            alerts.append(
                AlertDraft(
                    MarketAlertKind.INVALIDATED,
                    "",
                    None,
                    f"{symbol} {stance} view invalidated: {reason}; {quoted}.",
                )
            )
    reading["invalidated"] = bool(reason)
    reading["invalidated_reason"] = reason or None
    return alerts


def _invalidation(stance, target, move, horizon, move_threshold, now, stated_at):
    limit = move_threshold * INVALIDATION_MULTIPLE
    if move is not None:
        against = {
            "bullish": move < -limit,
            "bearish": move > limit,
            "neutral": abs(move) > limit,
        }.get(stance, False)
        if against:
            return (
                f"moved {_percent(round(move, 4))} from the stated price, more than "
                f"{_percent(limit)} against the view"
            )
    if horizon is not None and now.astimezone(UTC).date() > horizon:
        if target:
            return f"the horizon ({horizon.isoformat()}) passed without the target"
        if move is not None and (
            (stance == "bullish" and move <= 0) or (stance == "bearish" and move >= 0)
        ):
            return (
                f"the horizon ({horizon.isoformat()}) passed with the price against "
                "the view"
            )
    return ""


# --- References ----------------------------------------------------------------


def _builtin_specs() -> dict[str, dict]:
    return {spec["symbol"]: spec for spec in DEFAULT_INSTRUMENTS}


def instruments_for_symbols(symbols: Iterable[str]) -> dict[str, Instrument]:
    """Return the instruments of ``symbols``, creating the missing ones.

    A known symbol is created from the built-in table; an unknown one with its
    symbol for a name, so its quotes can still be fetched.
    """
    wanted = {str(symbol).strip().upper() for symbol in symbols if symbol}
    instruments = instruments_by_symbol(symbols=wanted)
    missing = sorted(wanted - set(instruments))
    if missing:
        builtin = _builtin_specs()
        specs = [builtin.get(s) or {"symbol": s, "name": s} for s in missing]
        try:
            instruments_ensure(specs=specs)
        except IntegrityError:
            # A concurrent writer created one first: theirs is as good as ours.
            pass
        instruments = instruments_by_symbol(symbols=wanted)
    return instruments


PRICE_AT_SQL = """
SELECT v.ord, q.price, q.as_of, b.close,
       (b.date + time '16:00') AT TIME ZONE i.exchange_timezone
FROM unnest(%(instruments)s::bigint[], %(moments)s::timestamptz[], %(ords)s::int[])
     AS v(instrument_id, at, ord)
JOIN market_instrument i ON i.id = v.instrument_id
LEFT JOIN LATERAL (
    SELECT price, as_of FROM market_quote
    WHERE instrument_id = v.instrument_id
      AND as_of <= v.at AND as_of >= v.at - %(lookback)s
    ORDER BY as_of DESC, fetched_at DESC, id DESC
    LIMIT 1
) q ON true
LEFT JOIN LATERAL (
    SELECT close, date FROM market_pricebar
    WHERE instrument_id = v.instrument_id
      AND date <= (v.at AT TIME ZONE i.exchange_timezone)::date
      AND date >= (v.at AT TIME ZONE i.exchange_timezone)::date - %(lookback_days)s
      AND (date + time '16:00') AT TIME ZONE i.exchange_timezone <= v.at
    ORDER BY date DESC
    LIMIT 1
) b ON true
"""


def prices_at(
    pairs: list[tuple[int, datetime]],
) -> list[tuple[Decimal, datetime] | None]:
    """Return the price of each (instrument id, moment): the last one known then.

    That is the newest stored quote at or before the moment, or else the last
    daily close before it, within ``STATED_PRICE_LOOKBACK``; one query for all.
    """
    if not pairs:
        return []
    params = {
        "instruments": [instrument_id for instrument_id, _ in pairs],
        "moments": [moment for _, moment in pairs],
        "ords": list(range(len(pairs))),
        "lookback": STATED_PRICE_LOOKBACK,
        "lookback_days": STATED_PRICE_LOOKBACK.days,
    }
    found: list[tuple[Decimal, datetime] | None] = [None] * len(pairs)
    with connection.cursor() as cursor:
        cursor.execute(PRICE_AT_SQL, params)
        for ordinal, quote_price, quote_as_of, close, close_at in cursor.fetchall():
            options = [
                (as_of, price)
                for price, as_of in ((quote_price, quote_as_of), (close, close_at))
                if price is not None
            ]
            if options:
                as_of, price = max(options, key=lambda option: option[0])
                found[ordinal] = (price, as_of)
    return found


def references_sync(
    *, memories: Iterable[Memory], now: datetime | None = None
) -> list[MarketReference]:
    """Give each holding or view that names an instrument its market reference.

    The stated price is the price when the memory was stated (valid_from): the
    last quote or close known then. When none is stored yet it stays empty
    ("pending") and the first refresh fills it. Memories that already have a
    reference keep it. Return the references created.
    """
    candidates = [
        memory
        for memory in memories
        if memory.kind in MARKET_KINDS
        and (memory.payload or {}).get("instrument")
        and memory.status in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED)
    ]
    if not candidates:
        return []
    existing = set(
        MarketReference.objects.filter(
            memory_id__in=[memory.pk for memory in candidates]
        ).values_list("memory_id", flat=True)
    )
    candidates = [memory for memory in candidates if memory.pk not in existing]
    if not candidates:
        return []
    instruments = instruments_for_symbols(m.payload["instrument"] for m in candidates)
    candidates = [
        m for m in candidates if m.payload["instrument"].upper() in instruments
    ]
    stated = [
        (
            memory,
            instruments[memory.payload["instrument"].upper()],
            memory.valid_from or memory.recorded_at or now or timezone.now(),
        )
        for memory in candidates
    ]
    prices = prices_at([(instrument.pk, at) for _, instrument, at in stated])
    references = []
    for (memory, instrument, at), price in zip(stated, prices, strict=True):
        references.append(
            MarketReference(
                memory=memory,
                subject_id=memory.subject_id,
                tenant_id=memory.tenant_id,
                instrument=instrument,
                stated_price=price[0] if price else None,
                stated_price_as_of=price[1] if price else None,
                stated_price_source=(
                    StatedPriceSource.QUOTE_AT_STATEMENT
                    if price
                    else StatedPriceSource.PENDING
                ),
                stated_currency=(
                    memory.payload.get("currency") or instrument.currency or "USD"
                ),
                stated_at=at,
            )
        )
    # A concurrent sync of the same memory is no error: one reference wins.
    MarketReference.objects.bulk_create(references, ignore_conflicts=True)
    return list(
        MarketReference.objects.filter(memory_id__in=[m.pk for m in candidates])
    )


# --- Policies and freshness ----------------------------------------------------


def policies_for(tenant_ids: Iterable[int]) -> dict[int, MemoryPolicy]:
    """Return each tenant's memory policy (the defaults where it set none)."""
    tenant_ids = set(tenant_ids)
    policies = {
        policy.tenant_id: policy
        for policy in MemoryPolicy.objects.filter(tenant_id__in=tenant_ids)
    }
    for tenant_id in tenant_ids - set(policies):
        policies[tenant_id] = MemoryPolicy(tenant_id=tenant_id)
    return policies


def max_quote_age(
    policy: MemoryPolicy, instrument: Instrument, now: datetime
) -> timedelta:
    """Return how old a quote may be before it is stale, for this moment."""
    if is_market_open(instrument, now):
        return timedelta(minutes=policy.stale_after_minutes_market_hours)
    return timedelta(minutes=policy.stale_after_minutes)


def reference_freshness(
    reference: MarketReference,
    *,
    now: datetime | None = None,
    policy: MemoryPolicy | None = None,
) -> dict:
    """Say whether a reference is fresh, why not, and how old its price is."""
    now = now or timezone.now()
    if policy is None:
        policy = policies_for([reference.tenant_id])[reference.tenant_id]
    instrument = reference.instrument
    threshold = Decimal(policy.move_threshold)
    limit = max_quote_age(policy, instrument, now)
    reasons = []
    price, as_of = reference.last_price, reference.last_price_as_of
    age = None
    move = None
    if price is None or as_of is None:
        reasons.append("no quote has been read for it yet")
    else:
        age = max(now - as_of, timedelta(0))
        if age > limit:
            trading = (
                " while the market trades" if is_market_open(instrument, now) else ""
            )
            reasons.append(
                f"its quote is {age_text(age.total_seconds())} old, older than "
                f"{age_text(limit.total_seconds())}"
                f"{trading}"
            )
        if reference.stated_price:
            move = (price - reference.stated_price) / reference.stated_price
            if abs(move) > threshold:
                reasons.append(
                    f"the price moved {_percent(round(move, 4))} since it was stated, "
                    f"more than {_percent(threshold)}"
                )
    source = reference.last_price_source
    return {
        "status": "stale" if reasons else "fresh",
        "reasons": reasons,
        "symbol": instrument.symbol,
        "price": _price_text(price),
        "currency": instrument.currency,
        "as_of": ledger.iso(as_of),
        "age_seconds": None if age is None else int(age.total_seconds()),
        "age": None if age is None else age_text(age.total_seconds()),
        "max_age_seconds": int(limit.total_seconds()),
        "source": source,
        "simulated": source == QuoteSource.SIMULATED,
        "stated_price": _price_text(reference.stated_price),
        "stated_price_source": reference.stated_price_source,
        "stated_at": ledger.iso(reference.stated_at),
        "move_since_stated": _fraction(move),
    }


def attach_freshness(hits: list, *, now: datetime | None = None) -> list:
    """Set ``freshness`` on the search hits whose memory has a market reference.

    One query: the references, their instruments and their tenants' policies.
    """
    if not hits:
        return hits
    policy = MemoryPolicy.objects.filter(tenant_id=OuterRef("tenant_id"))
    references = {
        reference.memory_id: reference
        for reference in MarketReference.objects.filter(
            memory_id__in=[hit.memory.pk for hit in hits]
        )
        .select_related("instrument")
        .annotate(
            policy_stale=Subquery(policy.values("stale_after_minutes")[:1]),
            policy_stale_open=Subquery(
                policy.values("stale_after_minutes_market_hours")[:1]
            ),
            policy_move=Subquery(policy.values("move_threshold")[:1]),
        )
    }
    now = now or timezone.now()
    for hit in hits:
        reference = references.get(hit.memory.pk)
        if reference is not None:
            hit.freshness = reference_freshness(
                reference, now=now, policy=_annotated_policy(reference)
            )
    return hits


def _annotated_policy(reference) -> MemoryPolicy:
    chosen = {
        "stale_after_minutes": reference.policy_stale,
        "stale_after_minutes_market_hours": reference.policy_stale_open,
        "move_threshold": reference.policy_move,
    }
    # A tenant that never set a policy gets the model's defaults.
    return MemoryPolicy(
        tenant_id=reference.tenant_id,
        **{name: value for name, value in chosen.items() if value is not None},
    )


# --- Refresh --------------------------------------------------------------------


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

    def as_dict(self) -> dict:
        return {
            "references": self.references,
            "read": self.read,
            "changed": self.changed,
            "without_quote": self.without_quote,
            "stated_prices_filled": self.stated_prices_filled,
            "events": self.events,
            "alerts": self.alerts,
            "alert_kinds": self.alert_kinds,
            "subjects": self.subjects,
            "instruments": self.instruments,
            "seconds": round(self.seconds, 3),
        }

    def merge(self, part: RefreshReport) -> None:
        """Add the counts of one chunk's report to this one."""
        for name in (
            "references",
            "read",
            "changed",
            "without_quote",
            "stated_prices_filled",
            "events",
            "alerts",
            "subjects",
        ):
            setattr(self, name, getattr(self, name) + getattr(part, name))
        for kind, count in part.alert_kinds.items():
            self.alert_kinds[kind] = self.alert_kinds.get(kind, 0) + count


def _ids(values: Iterable | None) -> list[int] | None:
    if values is None:
        return None
    return sorted({value if isinstance(value, int) else value.pk for value in values})


SCOPE_SQL = """
SELECT r.subject_id, r.tenant_id, r.instrument_id, count(*)
FROM memory_marketreference r
JOIN memory_memory m ON m.id = r.memory_id
WHERE m.status = 'active' {filters}
GROUP BY r.subject_id, r.tenant_id, r.instrument_id
ORDER BY r.subject_id
"""

LOCK_SQL = """
SELECT id, tenant_id, ledger_length, ledger_head, erased_at
FROM memory_subject WHERE id = ANY(%(subjects)s) ORDER BY id FOR UPDATE
"""

ROWS_SQL = """
SELECT r.id, r.memory_id, r.subject_id, r.instrument_id, r.stated_price,
       r.stated_price_source, r.stated_at, r.last_price, r.last_price_as_of,
       r.last_price_source, r.crossed,
       m.tenant_id, m.kind, m.key, m.text, m.payload, m.status, m.importance,
       m.confidence, m.source, m.author_user_id, m.author_label, m.version,
       m.superseded_by_id, m.retention_class, m.reading, m.valid_from, m.valid_to,
       m.recorded_at, m.expires_at, m.published_at,
       ARRAY(SELECT s.message_id FROM memory_memory_source_messages s
             WHERE s.memory_id = m.id ORDER BY s.message_id)
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
    return json.loads(value) if isinstance(value, str | bytes) else value


def references_refresh(
    *,
    references: Iterable[MarketReference | int] | None = None,
    instrument_ids: Iterable[int] | None = None,
    tenant_id: int | None = None,
    now: datetime | None = None,
    cause_ref: str = "",
    progress: Callable[[RefreshReport], None] | None = None,
) -> RefreshReport:
    """Re-read active memories' references against the newest stored quotes.

    Set-based: the newest quote of every instrument involved is loaded in one
    query and serves all its references; readings, references, ledger events,
    alerts and the subjects' chain tails are written in a few statements per
    chunk of subjects, each chunk in its own transaction under its subjects'
    locks. A memory whose reading did not change gets no event, so refreshing
    twice with the same quotes appends nothing. Never asks a quote provider.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    report = RefreshReport()
    filters, params = _filters(_ids(references), _ids(instrument_ids), tenant_id)
    with connection.cursor() as cursor:
        cursor.execute(SCOPE_SQL.format(filters=filters), params)
        scope = cursor.fetchall()
    if not scope:
        return report
    per_subject: dict[int, int] = defaultdict(int)
    tenants, instruments = set(), set()
    for subject_id, tenant, instrument_id, count in scope:
        per_subject[subject_id] += count
        tenants.add(tenant)
        instruments.add(instrument_id)
    quotes = {
        quote.instrument_id: quote
        for quote in latest_quotes(instrument_ids=instruments).values()
    }
    policies = policies_for(tenants)
    cause = Cause(
        CauseType.REFRESH, ref=cause_ref or f"market-refresh {now:%Y-%m-%dT%H:%M:%SZ}"
    )
    report.instruments = len(instruments)
    chunks: list[list[int]] = [[]]
    size = 0
    for subject_id, count in per_subject.items():
        if size >= REFRESH_CHUNK:
            chunks.append([])
            size = 0
        chunks[-1].append(subject_id)
        size += count

    def run(chunk: list[int]) -> RefreshReport:
        part = RefreshReport()
        _refresh_chunk(chunk, filters, params, quotes, policies, cause, now, part)
        return part

    if connection.in_atomic_block or len(chunks) == 1 or REFRESH_THREADS < 2:
        # Inside a caller's transaction every chunk must share its connection.
        parts = map(run, chunks)
    else:
        parts = _in_threads(run, chunks)
    for part in parts:
        report.merge(part)
        if progress:
            progress(report)
    report.seconds = time.perf_counter() - started
    return report


def _in_threads(run, chunks):
    """Yield ``run(chunk)`` for each chunk, computed by a few threads.

    Chunks lock disjoint subjects, each on its thread's own connection and in
    its own transaction; while one thread waits on PostgreSQL another computes,
    which is where a refresh spends its time.
    """

    def job(chunk):
        try:
            return run(chunk)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=REFRESH_THREADS) as pool:
        yield from pool.map(job, chunks)


def _snapshot_halves(row, payload: dict) -> tuple[str, str]:
    """Return a memory row's canonical snapshot, split where its reading goes.

    ``ledger.snapshot`` serialised with sorted keys is ``head,"reading":...,tail``;
    a refresh changes only the reading, so the two halves serve both the before
    and the after state.
    """
    head = {
        "author_label": row[21],
        "author_user_id": row[20],
        "confidence": row[18],
        "expires_at": ledger.iso(row[29]),
        "id": row[1],
        "importance": row[17],
        "key": row[13],
        "kind": row[12],
        "payload": payload,
        "published_at": ledger.iso(row[30]),
    }
    tail = {
        "recorded_at": ledger.iso(row[28]),
        "retention_class": row[24],
        "source": row[19],
        "source_message_ids": list(row[31] or []),
        "status": row[16],
        "subject_id": row[2],
        "superseded_by_id": row[23],
        "text": row[14],
        "valid_from": ledger.iso(row[26]),
        "valid_to": ledger.iso(row[27]),
        "version": row[22],
    }
    return _canonical_text(head)[:-1], _canonical_text(tail)[1:]


def _canonical_text(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@transaction.atomic
def _refresh_chunk(subject_ids, filters, params, quotes, policies, cause, now, report):
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SQL, {"subjects": subject_ids})
        subjects = {
            row[0]: SimpleNamespace(
                pk=row[0], tenant_id=row[1], length=row[2], head=row[3] or ""
            )
            for row in cursor.fetchall()
            if row[4] is None  # an erased subject's memory is not read again
        }
        # Read under the locks: no writer can supersede a memory meanwhile.
        cursor.execute(
            ROWS_SQL.format(filters=filters), {**params, "subjects": list(subjects)}
        )
        rows = cursor.fetchall()
        report.references += len(rows)
        pending = [
            row for row in rows if row[4] is None and quotes.get(row[3]) is not None
        ]
        stated = dict(
            zip(
                [row[0] for row in pending],
                prices_at([(row[3], row[6]) for row in pending]),
                strict=True,
            )
        )
        memory_updates: dict[int, str] = {}
        reference_updates = []
        alerts = []
        events_by_subject: dict[int, list] = defaultdict(list)
        thresholds = {
            tenant: Decimal(policy.move_threshold)
            for tenant, policy in policies.items()
        }
        for row in rows:
            quote = quotes.get(row[3])
            if quote is None:
                report.without_quote += 1
                continue
            report.read += 1
            reference_id, memory_id, subject_id = row[0], row[1], row[2]
            stated_price, stated_source = row[4], row[5]
            stated_as_of = None
            filled = stated_price is None
            if filled:
                found = stated.get(reference_id)
                if found is not None:
                    stated_price, stated_as_of = found
                    stated_source = StatedPriceSource.QUOTE_AT_STATEMENT
                elif quote.as_of >= row[6]:
                    stated_price, stated_as_of = quote.price, quote.as_of
                    stated_source = StatedPriceSource.FIRST_QUOTE_AFTER
                else:
                    filled = False
                report.stated_prices_filled += filled
            crossed = _json(row[10]) or []
            payload = _json(row[15]) or {}
            previous = _json(row[25]) or {}
            reading, drafts = reading_compute(
                kind=row[12],
                symbol=quote.instrument.symbol,
                payload=payload,
                stated_price=stated_price,
                stated_at=row[6],
                price=quote.price,
                currency=quote.currency,
                as_of=quote.as_of,
                source=quote.source,
                crossed=crossed,
                move_threshold=thresholds[row[11]],
                previous=previous,
                now=now,
            )
            if drafts:
                crossed = crossed + [draft.crossed_key for draft in drafts]
                alerts += [
                    (
                        row[11],
                        subject_id,
                        memory_id,
                        reference_id,
                        str(draft.kind),
                        draft.threshold_key,
                        draft.message,
                        quote.price,
                        draft.threshold,
                    )
                    for draft in drafts
                ]
            if (
                filled
                or drafts
                or row[7] != quote.price
                or row[8] != quote.as_of
                or row[9] != quote.source
            ):
                reference_updates.append(
                    (
                        reference_id,
                        quote.price,
                        quote.as_of,
                        quote.source,
                        _canonical_text(crossed),
                        stated_price,
                        stated_source,
                        stated_as_of,
                        filled,
                    )
                )
            if reading == previous:
                continue
            report.changed += 1
            reading_text = _canonical_text(reading)
            memory_updates[memory_id] = reading_text
            head, tail = _snapshot_halves(row, payload)
            events_by_subject[subject_id].append(
                (
                    memory_id,
                    head,
                    tail,
                    _canonical_text(previous),
                    reading_text,
                    f"{quote.instrument.symbol} {reading['price']} {quote.currency} "
                    f"as of {reading['as_of']} ({quote.source})",
                )
            )
        _write_memories(cursor, memory_updates)
        _write_references(cursor, reference_updates, now)
        report.events += _append_events(cursor, subjects, events_by_subject, cause, now)
        report.subjects += len(events_by_subject)
        inserted = _write_alerts(cursor, alerts, now)
    report.alerts += len(inserted)
    for kind in inserted:
        report.alert_kinds[kind] = report.alert_kinds.get(kind, 0) + 1


def _temp_table(cursor, name: str, columns: str) -> None:
    """Create (or empty) a scratch table that lives until the transaction ends.

    Emptied rather than created afresh: a caller's outer transaction may run
    several refreshes, and ON COMMIT DROP waits for the outermost commit.
    """
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DROP")
    cursor.execute(f"TRUNCATE {name}")
    # Each filled scratch table is analysed before it is joined: unanalysed, the
    # planner guesses its size and hashes the whole memory table instead of
    # probing its primary key.


def _write_memories(cursor, updates: dict[int, str]) -> None:
    if not updates:
        return
    _temp_table(cursor, "refresh_reading", "id bigint, reading jsonb")
    copy_lines(
        cursor,
        "refresh_reading",
        ("id", "reading"),
        [f"{pk}\t{copy_json(text)}" for pk, text in updates.items()],
    )
    cursor.execute("ANALYZE refresh_reading")
    cursor.execute(
        "UPDATE memory_memory m SET reading = v.reading "
        "FROM refresh_reading v WHERE m.id = v.id"
    )


REFERENCE_UPDATE_COLUMNS = (
    "id",
    "price",
    "as_of",
    "source",
    "crossed",
    "stated",
    "stated_source",
    "stated_as_of",
    "filled",
)


def _write_references(cursor, updates: list[tuple], now: datetime) -> None:
    if not updates:
        return
    _temp_table(
        cursor,
        "refresh_reference",
        "id bigint, price numeric, as_of timestamptz, source text, crossed jsonb, "
        "stated numeric, stated_source text, stated_as_of timestamptz, "
        "filled boolean",
    )
    copy_rows(cursor, "refresh_reference", REFERENCE_UPDATE_COLUMNS, updates)
    cursor.execute("ANALYZE refresh_reference")
    cursor.execute(
        """
        UPDATE memory_marketreference r SET
            last_price = v.price, last_price_as_of = v.as_of,
            last_price_source = v.source, crossed = v.crossed, refreshed_at = %s,
            stated_price = CASE WHEN v.filled THEN v.stated ELSE r.stated_price END,
            stated_price_source = CASE WHEN v.filled THEN v.stated_source
                                  ELSE r.stated_price_source END,
            stated_price_as_of = CASE WHEN v.filled THEN v.stated_as_of
                                 ELSE r.stated_price_as_of END
        FROM refresh_reference v WHERE r.id = v.id
        """,
        [now],
    )


EVENT_COLUMNS = (
    "subject_id",
    "tenant_id",
    "sequence",
    "memory_id",
    "action",
    "before",
    "after",
    "content_digest",
    "cause_type",
    "cause_user_id",
    "cause_message_id",
    "cause_ref",
    "reason",
    "occurred_at",
    "prev_hash",
    "hash",
)


def _append_events(cursor, subjects, events_by_subject, cause, now) -> int:
    """Append each subject's refresh events to its chain, all in one COPY.

    The same chain ``ledger.append`` writes (same digest, same hash), built for
    many subjects at once; the caller holds the subjects' locks.
    """
    if not events_by_subject:
        return 0
    rows = []
    tails = []
    action = EventAction.REFRESH.value
    cause_fields = "\t".join(
        map(copy_text, (str(cause.type), cause.user_id, cause.message_id, cause.ref))
    )
    occurred = now.isoformat()
    for subject_id, entries in events_by_subject.items():
        subject = subjects[subject_id]
        prev = subject.head or ledger.GENESIS
        sequence = subject.length
        for memory_id, head, tail, before_reading, after_reading, reason in entries:
            sequence += 1
            # Canonical snapshots, spliced around the one field a refresh changes.
            before_text = f'{head},"reading":{before_reading},{tail}'
            after_text = f'{head},"reading":{after_reading},{tail}'
            digest = hashlib.sha256(
                f'{{"after":{after_text},"before":{before_text}}}'.encode()
            ).hexdigest()
            header = SimpleNamespace(
                prev_hash=prev,
                subject_id=subject_id,
                tenant_id=subject.tenant_id,
                sequence=sequence,
                memory_id=memory_id,
                action=action,
                content_digest=digest,
                cause_type=cause.type,
                cause_user_id=cause.user_id,
                cause_message_id=cause.message_id,
                cause_ref=cause.ref,
                reason=reason,
                occurred_at=now,
            )
            event_hash = ledger.event_hash(header)
            rows.append(
                f"{subject_id}\t{subject.tenant_id}\t{sequence}\t{memory_id}\t"
                f"{action}\t{copy_json(before_text)}\t{copy_json(after_text)}\t"
                f"{digest}\t{cause_fields}\t{copy_text(reason)}\t{occurred}\t"
                f"{prev}\t{event_hash}"
            )
            prev = event_hash
        tails.append((subject_id, sequence, prev))
    copy_lines(cursor, "memory_memoryevent", EVENT_COLUMNS, rows)
    _temp_table(cursor, "refresh_tail", "id bigint, length bigint, head text")
    copy_rows(cursor, "refresh_tail", ("id", "length", "head"), tails)
    cursor.execute("ANALYZE refresh_tail")
    cursor.execute(
        "UPDATE memory_subject s SET ledger_length = v.length, ledger_head = v.head "
        "FROM refresh_tail v WHERE s.id = v.id"
    )
    return len(rows)


ALERT_COLUMNS = (
    "tenant_id",
    "subject_id",
    "memory_id",
    "reference_id",
    "kind",
    "threshold_key",
    "message",
    "price",
    "threshold",
)


def _write_alerts(cursor, alerts: list[tuple], now: datetime) -> list[str]:
    """Insert the alerts; the unique constraint makes a second raise a no-op."""
    if not alerts:
        return []
    _temp_table(
        cursor,
        "refresh_alert",
        "tenant_id bigint, subject_id bigint, memory_id bigint, "
        "reference_id bigint, kind text, threshold_key text, message text, "
        "price numeric, threshold numeric",
    )
    copy_rows(cursor, "refresh_alert", ALERT_COLUMNS, alerts)
    cursor.execute("ANALYZE refresh_alert")
    cursor.execute(
        f"""
        INSERT INTO memory_marketalert ({", ".join(ALERT_COLUMNS)}, created_at)
        SELECT {", ".join(ALERT_COLUMNS)}, %s FROM refresh_alert
        ON CONFLICT (reference_id, kind, threshold_key) DO NOTHING
        RETURNING kind
        """,
        [now],
    )
    return [row[0] for row in cursor.fetchall()]


# --- On read -------------------------------------------------------------------


def memories_fresh_for_reply(
    *, memories: Iterable[Memory], now: datetime | None = None
) -> list[dict]:
    """Bring the memories about to ground a reply up to the newest stored quote.

    A stale reference is read again at once against the freshest quote already
    stored (no provider is asked: a web request never waits on one). If even that
    quote is older than the firm's policy, the reply uses it, and the freshness
    says how old it is; a refresh of those symbols is queued after commit.
    Return, for each memory with a market reference (in the given order), its
    freshness with ``memory_id``, ``applied`` (a newer stored quote was applied
    now) and ``refresh_queued``.
    """
    now = now or timezone.now()
    memory_ids = [memory.pk for memory in memories]
    references = _references_of(memory_ids)
    if not references:
        return []
    policies = policies_for(r.tenant_id for r in references.values())
    quotes = {
        quote.instrument_id: quote
        for quote in latest_quotes(
            instrument_ids={r.instrument_id for r in references.values()}
        ).values()
    }
    to_apply = []
    for reference in references.values():
        quote = quotes.get(reference.instrument_id)
        stale = (
            reference_freshness(
                reference, now=now, policy=policies[reference.tenant_id]
            )["status"]
            == "stale"
        )
        newer = quote is not None and (
            reference.last_price_as_of is None
            or quote.as_of > reference.last_price_as_of
            or quote.price != reference.last_price
        )
        if stale and newer:
            to_apply.append(reference.pk)
    if to_apply:
        references_refresh(references=to_apply, now=now, cause_ref="on read")
        references = _references_of(memory_ids)
    queued: dict[str, int] = {}
    results = []
    for memory_id in memory_ids:
        reference = references.get(memory_id)
        if reference is None:
            continue
        freshness = reference_freshness(
            reference, now=now, policy=policies[reference.tenant_id]
        )
        too_old = freshness["age_seconds"] is None or (
            freshness["age_seconds"] > freshness["max_age_seconds"]
        )
        if too_old:
            queued[reference.instrument.symbol] = reference.instrument_id
        results.append(
            {
                "memory_id": memory_id,
                **freshness,
                "applied": reference.pk in to_apply,
                "refresh_queued": too_old,
            }
        )
    if queued:
        symbols, ids = sorted(queued), sorted(set(queued.values()))
        transaction.on_commit(lambda: quotes_refresh_queue(symbols, ids))
    return results


def _references_of(memory_ids: list[int]) -> dict[int, MarketReference]:
    return {
        reference.memory_id: reference
        for reference in MarketReference.objects.filter(
            memory_id__in=memory_ids
        ).select_related("instrument")
    }


def quotes_refresh_queue(symbols: list[str], instrument_ids: list[int]) -> bool:
    """Queue a quote refresh of some symbols, then a re-read of their references.

    Return whether it was queued: a broker that is down must not fail the reply
    that asked for it (the next periodic refresh catches up).
    """
    from celery import chain

    from market.tasks import quotes_refresh_task

    from .tasks import references_refresh_task

    try:
        chain(
            quotes_refresh_task.si(symbols),
            references_refresh_task.si(instrument_ids),
        ).delay()
    except Exception:
        logger.warning("Quote refresh of %s not queued", symbols, exc_info=True)
        return False
    return True


# --- Periodic refresh (tasks and commands only) ---------------------------------


@dataclass
class MarketRefreshReport:
    """What one periodic market refresh did: quotes fetched, references read."""

    symbols: list[str] = field(default_factory=list)
    quotes_stored: int = 0
    quotes_unchanged: int = 0
    quotes_missing: list[str] = field(default_factory=list)
    quotes_rejected: dict[str, str] = field(default_factory=dict)
    provider_errors: list[str] = field(default_factory=list)
    bars_written: int = 0
    references: RefreshReport = field(default_factory=RefreshReport)

    def as_dict(self) -> dict:
        return {
            "symbols": len(self.symbols),
            "quotes_stored": self.quotes_stored,
            "quotes_unchanged": self.quotes_unchanged,
            "quotes_missing": self.quotes_missing,
            "quotes_rejected": self.quotes_rejected,
            "provider_errors": self.provider_errors,
            "bars_written": self.bars_written,
            "references": self.references.as_dict(),
        }


def referenced_symbols(*, tenant_id: int | None = None) -> dict[str, int]:
    """Return the instruments active memories refer to: symbol -> instrument id."""
    references = MarketReference.objects.filter(memory__status=MemoryStatus.ACTIVE)
    if tenant_id is not None:
        references = references.filter(tenant_id=tenant_id)
    return dict(
        Instrument.objects.filter(
            pk__in=references.values("instrument_id")
        ).values_list("symbol", "id")
    )


def market_refresh(
    *,
    tenant_id: int | None = None,
    fetch: bool = True,
    provider=None,
    backfill_days: int = 0,
    batch_size: int = 40,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> MarketRefreshReport:
    """Fetch the quotes of every referenced instrument, then re-read the references.

    Symbols are de-duplicated across all references (of one tenant if given) and
    fetched in batches. A provider failure keeps the last good quotes (they are
    still applied) and is reported in ``provider_errors``. Only tasks and
    management commands call this: it asks a quote provider over the network.
    """
    say = progress or (lambda message: None)
    report = MarketRefreshReport()
    symbols = referenced_symbols(tenant_id=tenant_id)
    report.symbols = sorted(symbols)
    if fetch and symbols:
        batches = [
            report.symbols[i : i + batch_size]
            for i in range(0, len(report.symbols), batch_size)
        ]
        for number, batch in enumerate(batches, start=1):
            fetched = quotes_refresh(symbols=batch, provider=provider)
            report.quotes_stored += len(fetched.stored)
            report.quotes_unchanged += len(fetched.duplicates)
            report.quotes_missing += fetched.missing
            report.quotes_rejected.update(fetched.rejected)
            if fetched.error:
                report.provider_errors.append(fetched.error)
            say(
                f"[{number}/{len(batches)}] quotes from {fetched.provider}: "
                f"{len(fetched.stored)} stored, {len(fetched.duplicates)} unchanged, "
                f"{len(fetched.missing)} missing, {len(fetched.rejected)} rejected"
                + (f"; error: {fetched.error}" if fetched.error else "")
            )
    if backfill_days and symbols:
        bars = bars_backfill(
            symbols=report.symbols, days=backfill_days, provider=provider
        )
        report.bars_written = sum(bars.bars_written.values())
        if bars.error:
            report.provider_errors.append(bars.error)
        say(f"bars: {report.bars_written} written over {backfill_days} days")
    report.references = references_refresh(
        tenant_id=tenant_id,
        now=now,
        progress=lambda partial: say(
            f"references: {partial.read} read, {partial.changed} changed, "
            f"{partial.events} events, {partial.alerts} alerts"
        ),
    )
    return report


# --- Alerts ------------------------------------------------------------------------


@transaction.atomic
def alert_acknowledge(*, alert: MarketAlert, user_id: int) -> MarketAlert:
    """Mark an alert as seen by a user (the first acknowledgement stands)."""
    alert = MarketAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by_user_id = user_id
        alert.full_clean()
        alert.save(update_fields=["acknowledged_at", "acknowledged_by_user_id"])
    return alert


def alerts_open(*, tenant_id: int, subject_ids: Iterable[int] | None = None):
    """Return a tenant's unacknowledged alerts, newest first."""
    alerts = MarketAlert.objects.filter(tenant_id=tenant_id, acknowledged_at=None)
    if subject_ids is not None:
        alerts = alerts.filter(subject_id__in=list(subject_ids))
    return alerts.select_related("memory", "reference__instrument")
