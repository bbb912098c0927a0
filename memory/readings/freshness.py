"""Freshness: whether a memory's market reading can be trusted now, and on-read refresh.

A reference is stale when the quote it was last read against is older than the
firm's policy (``stale_after_minutes_market_hours`` while the exchange trades,
else ``stale_after_minutes``), or when that price moved more than the firm's
``move_threshold`` from the stated price. Exactly at a limit is fresh.

Before memories ground a reply, ``memories_fresh_for_reply`` applies the newest
*stored* quote at once; no quote provider is ever asked here (a web request
never waits on one): when even that quote is too old, a fetch is queued.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from market.models import Instrument, QuoteSource
from market.selectors import is_market_open, latest_quotes
from memory.background import send_chain
from memory.ledger.canonical import iso
from memory.models import MarketReference, Memory, MemoryPolicy

from .policies import policies_for
from .reading import age_text, fraction, percent, price_text
from .references import READINGS_REFRESH
from .refresh import readings_refresh

logger = logging.getLogger(__name__)

QUOTES_FETCH = "market.quotes_fetch"


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
        "as_of": iso(as_of),
        "age_seconds": None if age is None else int(age.total_seconds()),
        "age": None if age is None else age_text(age.total_seconds()),
        "max_age_seconds": int(limit.total_seconds()),
        "source": source,
        "simulated": source == QuoteSource.SIMULATED,
        "stated_price": price_text(reference.stated_price),
        "stated_price_source": reference.stated_price_source,
        "stated_at": iso(reference.stated_at),
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
    return policy_with_defaults(
        reference.tenant_id,
        reference.policy_stale,
        reference.policy_stale_open,
        reference.policy_move,
    )


def policy_with_defaults(
    tenant_id: int,
    stale_after_minutes,
    stale_after_minutes_market_hours,
    move_threshold,
) -> MemoryPolicy:
    """Return a firm's freshness policy from its stored values (None: never set)."""
    chosen = {
        "stale_after_minutes": stale_after_minutes,
        "stale_after_minutes_market_hours": stale_after_minutes_market_hours,
        "move_threshold": move_threshold,
    }
    # A tenant that never set a policy gets the model's defaults.
    return MemoryPolicy(
        tenant_id=tenant_id,
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
        readings_refresh(references=to_apply, now=now, cause_ref="on read")
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
        transaction.on_commit(lambda: quotes_fetch_queue(symbols, ids))
    return results


def _references_of(memory_ids: list[int]) -> dict[int, MarketReference]:
    return {
        reference.memory_id: reference
        for reference in MarketReference.objects.filter(
            memory_id__in=memory_ids
        ).select_related("instrument")
    }


def quotes_fetch_queue(symbols: list[str], instrument_ids: list[int]) -> bool:
    """Queue a quote fetch of some symbols, then a refresh of their references.

    Return whether it was queued: a broker that is down must not fail the reply
    that asked for it (the next periodic refresh catches up).
    """
    try:
        send_chain(
            (QUOTES_FETCH, (symbols,)),
            (READINGS_REFRESH, (instrument_ids,)),
        )
    except Exception:
        logger.warning("Quote refresh of %s not queued", symbols, exc_info=True)
        return False
    return True


def stale_memory_ids(*, subject_id: int, now: datetime | None = None) -> set[int]:
    """Return the ids of a subject's memories whose market reference is stale.

    By ``reference_freshness``, the one definition of stale; one query for the
    subject's references (a subject holds at most some hundreds).
    """
    now = now or timezone.now()
    references = list(
        MarketReference.objects.filter(subject_id=subject_id).select_related(
            "instrument"
        )
    )
    if not references:
        return set()
    policies = policies_for({reference.tenant_id for reference in references})
    return {
        reference.memory_id
        for reference in references
        if reference_freshness(
            reference, now=now, policy=policies[reference.tenant_id]
        )["status"]
        == "stale"
    }
