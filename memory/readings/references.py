"""Market references: a holding's or a view's tie to its instrument and stated price.

A holding or a view that names an instrument holds a ``MarketReference``: the
instrument, the price when the memory was stated, the last quote it was read
against, and the memory's current *reading* against it (``reading``). The
services keep references in step with the memories they write
(``references_follow``); what was said is never rewritten by the market.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

from market.instruments import DEFAULT_INSTRUMENTS
from market.models import Instrument
from market.selectors import instruments_by_symbol, prices_at
from market.services import instruments_ensure
from memory.background import enqueue_quietly
from memory.ledger.chain import Cause, Entry, append, subject_lock
from memory.models import (
    CauseType,
    EventAction,
    MarketReference,
    Memory,
    MemoryKind,
    MemoryStatus,
    ProposalAction,
    StatedPriceSource,
)

from .refresh import STATED_PRICE_LOOKBACK

MARKET_KINDS = (MemoryKind.HOLDING, MemoryKind.VIEW)
READINGS_REFRESH = "memory.readings_refresh"


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
        # A proposal to retract a holding is not one to read against the market.
        and memory.proposal_action != ProposalAction.RETRACT
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
        # A broker that is down must not fail the write: the next periodic
        # refresh reads these references.
        enqueue_quietly(READINGS_REFRESH, reference_ids=reference_ids)


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
            append(
                subject=subject_lock(reference.subject_id),
                entries=[
                    Entry(
                        by_id[reference.memory_id],
                        EventAction.REFRESH,
                        {"reading": reference.reading},
                        {"reading": {}},
                        f"instrument changed from {reference.instrument.symbol} "
                        f"to {instrument.symbol}",
                    )
                ],
                cause=Cause(CauseType.REFRESH, ref="memory changed"),
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


def references_unread(*, tenant_id: int) -> bool:
    """Return whether any active memory of the tenant has never been read."""
    return MarketReference.objects.filter(
        tenant_id=tenant_id, memory__status=MemoryStatus.ACTIVE, refreshed_at=None
    ).exists()


def references_first_stated_at(*, tenant_id: int) -> datetime | None:
    """Return when the tenant's oldest referenced statement was made."""
    first = (
        MarketReference.objects.filter(tenant_id=tenant_id)
        .order_by("stated_at")
        .values_list("stated_at", flat=True)
        .first()
    )
    return first
