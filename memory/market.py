"""Market-aware memory: references, freshness, reads before a reply, alerts.

A holding or a view that names an instrument holds a ``MarketReference``: the
instrument, the price when the memory was stated, the last quote it was read
against, and the memory's current *reading* against it (``memory.readings``).
Refreshing never rewrites what was said: the memory's text and payload stay,
and the reading is made again from the newest stored quote (``memory.refresh``).

Freshness: a reference is stale when the quote it was last read against is older
than the firm's policy (``stale_after_minutes_market_hours`` while the exchange
trades, else ``stale_after_minutes``), or when that price moved more than the
firm's ``move_threshold`` from the stated price. Exactly at a limit is fresh.

No function here calls a quote provider except ``market_refresh``, which only
tasks and management commands call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from market.instruments import DEFAULT_INSTRUMENTS
from market.models import Instrument, QuoteSource
from market.selectors import (
    instruments_by_symbol,
    is_market_open,
    latest_quotes,
    prices_at,
)
from market.services import bars_backfill, instruments_ensure, quotes_refresh

from . import ledger
from .models import (
    CauseType,
    EventAction,
    MarketAlert,
    MarketReference,
    Memory,
    MemoryKind,
    MemoryPolicy,
    MemoryStatus,
    StatedPriceSource,
)
from .readings import age_text, fraction, percent, price_text
from .refresh import STATED_PRICE_LOOKBACK, RefreshReport, references_refresh
from .selectors import policies_for

logger = logging.getLogger(__name__)

MARKET_KINDS = (MemoryKind.HOLDING, MemoryKind.VIEW)


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
    prices = prices_at(
        [(instrument.pk, at) for _, instrument, at in stated],
        lookback=STATED_PRICE_LOOKBACK,
    )
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


def references_follow(*, memories: Iterable[Memory]) -> None:
    """Keep the market references of memories just written in step with them.

    A holding or a view that names an instrument gets its reference, or has it
    moved to the instrument it names now (its reading of the old one ends, with
    a ``refresh`` event). Once committed, the active ones are read in the
    background against the newest stored quote, so what was just said shows its
    value within moments; the write itself waits on no refresh, and no quote
    provider is asked. The services call this in their transaction, holding the
    subject's lock.
    """
    memories = [memory for memory in memories if memory.kind in MARKET_KINDS]
    if not memories:
        return
    _references_move(memories)
    references_sync(memories=memories)
    active = [m.pk for m in memories if m.status == MemoryStatus.ACTIVE]
    reference_ids = list(
        MarketReference.objects.filter(memory_id__in=active).values_list(
            "pk", flat=True
        )
    )
    if reference_ids:
        transaction.on_commit(lambda: _read_soon(reference_ids))


def _read_soon(reference_ids: list[int]) -> None:
    from .tasks import references_refresh_task

    try:
        references_refresh_task.delay(reference_ids=reference_ids)
    except Exception:
        # A broker that is down must not fail the write: the next periodic
        # refresh reads these references.
        logger.warning("Reading of references %s not queued", reference_ids)


def _references_move(memories: list[Memory]) -> None:
    """Move references to the instrument their memory names now, if it changed."""
    by_id = {memory.pk: memory for memory in memories}
    moved = [
        (reference, symbol)
        for reference in MarketReference.objects.select_related("instrument")
        .select_for_update(of=("self",))
        .filter(memory_id__in=by_id)
        if (symbol := str(by_id[reference.memory_id].payload.get("instrument") or ""))
        and symbol.strip().upper() != reference.instrument.symbol
    ]
    if not moved:
        return
    instruments = instruments_for_symbols(symbol for _, symbol in moved)
    for reference, symbol in moved:
        instrument = instruments[symbol.strip().upper()]
        if reference.reading:
            ledger.append(
                subject=ledger.subject_lock(reference.subject_id),
                entries=[
                    ledger.Entry(
                        by_id[reference.memory_id],
                        EventAction.REFRESH,
                        {"reading": reference.reading},
                        {"reading": {}},
                        f"instrument changed from {reference.instrument.symbol} "
                        f"to {instrument.symbol}",
                    )
                ],
                cause=ledger.Cause(CauseType.REFRESH, ref="memory changed"),
            )
        (price,) = prices_at(
            [(instrument.pk, reference.stated_at)], lookback=STATED_PRICE_LOOKBACK
        )
        reference.instrument = instrument
        reference.stated_price, reference.stated_price_as_of = price or (None, None)
        reference.stated_price_source = (
            StatedPriceSource.QUOTE_AT_STATEMENT if price else StatedPriceSource.PENDING
        )
        reference.stated_currency = instrument.currency or "USD"
        reference.last_price = reference.last_price_as_of = None
        reference.last_price_source = ""
        reference.refreshed_at = None
        reference.crossed = []
        reference.reading = {}
        reference.full_clean(exclude=["memory", "subject", "instrument"])
        reference.save()


# --- Policies and freshness ----------------------------------------------------


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
                    f"the price moved {percent(round(move, 4))} since it was stated, "
                    f"more than {percent(threshold)}"
                )
    source = reference.last_price_source
    return {
        "status": "stale" if reasons else "fresh",
        "reasons": reasons,
        "symbol": instrument.symbol,
        "price": price_text(price),
        "currency": instrument.currency,
        "as_of": ledger.iso(as_of),
        "age_seconds": None if age is None else int(age.total_seconds()),
        "age": None if age is None else age_text(age.total_seconds()),
        "max_age_seconds": int(limit.total_seconds()),
        "source": source,
        "simulated": source == QuoteSource.SIMULATED,
        "stated_price": price_text(reference.stated_price),
        "stated_price_source": reference.stated_price_source,
        "stated_at": ledger.iso(reference.stated_at),
        "move_since_stated": fraction(move),
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
