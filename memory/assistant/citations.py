"""Citations: the exact versions of the memories a reply relied on.

A citation names the memory, its version, the ledger event that made that
version (its id, sequence and hash) and, for a holding or a view, the quote the
reply read it against and that quote's as-of time. It is built under the
subject's lock, after every change the turn made, so the version named is the
one the reply saw. ``memory.ledger.replay.citation_resolve`` resolves it later,
after a supersede or an erasure.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from market.models import QuoteSource
from memory.ledger.canonical import iso
from memory.ledger.replay import memory_versions_current
from memory.models import MarketReference, Memory, MemoryKind, Subject
from memory.readings.reading import price_text


def _citable(subject: Subject, memory_ids: list[int]) -> dict[int, Memory]:
    """Return the memories a reply to ``subject`` may cite: its own, house views."""
    house_views = Q(
        tenant_id=subject.tenant_id,
        kind=MemoryKind.VIEW,
        published_at__isnull=False,
    )
    return (
        Memory.objects.filter(Q(subject_id=subject.pk) | house_views, pk__in=memory_ids)
        .only("id", "subject_id", "kind", "version")
        .in_bulk()
    )


def _loaded_references(memories: list[Memory]) -> dict[int, MarketReference | None]:
    """Return the references already loaded with these memories, with instruments.

    A reply's memories carry the readings it showed (brought up to date on read):
    those are the quotes it read them against, with no need to read them again.
    """
    loaded = {}
    cache = Memory.market_reference.related
    for memory in memories:
        if not cache.is_cached(memory):
            continue
        reference = cache.get_cached_value(memory)
        if reference is None or MarketReference.instrument.is_cached(reference):
            loaded[memory.pk] = reference
    return loaded


def _quotes(memory_ids: list[int], loaded: dict | None = None) -> dict[int, dict]:
    loaded = loaded or {}
    unread = [pk for pk in memory_ids if pk not in loaded]
    references = [r for r in loaded.values() if r is not None]
    if unread:
        references += MarketReference.objects.filter(
            memory_id__in=unread
        ).select_related("instrument")
    return {
        reference.memory_id: {
            "symbol": reference.instrument.symbol,
            "price": price_text(reference.last_price),
            "currency": reference.instrument.currency,
            "as_of": iso(reference.last_price_as_of),
            "source": reference.last_price_source,
            "simulated": reference.last_price_source == QuoteSource.SIMULATED,
        }
        for reference in references
        if reference.last_price is not None
    }


def _citable_known(subject: Subject, known: dict[int, Memory]) -> dict[int, Memory]:
    return {
        pk: memory
        for pk, memory in known.items()
        if memory.subject_id == subject.pk
        or (
            memory.tenant_id == subject.tenant_id
            and memory.kind == MemoryKind.VIEW
            and memory.published_at is not None
        )
    }


def citations_build(
    *,
    subject: Subject,
    memory_ids: Iterable[int],
    known: dict[int, Memory] | None = None,
) -> list[dict]:
    """Return the citations of the memories a reply relied on, in its order.

    A memory the subject's reply may not cite (another subject's) is left out.
    ``known`` are memories already loaded as they stand now (the grounding's,
    when nothing wrote to them since): they need not be read again.
    """
    ordered = list(dict.fromkeys(int(pk) for pk in memory_ids))
    if not ordered:
        return []
    loaded = {}
    if known is not None and all(pk in known for pk in ordered):
        memories = _citable_known(subject, {pk: known[pk] for pk in ordered})
        loaded = _loaded_references(list(memories.values()))
    else:
        memories = _citable(subject, ordered)
    ordered = [pk for pk in ordered if pk in memories]
    versions = memory_versions_current(memory_ids=ordered)
    market = [pk for pk in ordered if memories[pk].kind in ("holding", "view")]
    quotes = _quotes(market, loaded) if market else {}
    citations = []
    for pk in ordered:
        event = versions.get(pk)
        if event is None:
            continue
        memory = memories[pk]
        citations.append(
            {
                "memory": pk,
                "version": memory.version,
                "event": event.pk,
                "sequence": event.sequence,
                "hash": event.hash,
                "kind": memory.kind,
                "subject": memory.subject_id,
                "quote": quotes.get(pk),
            }
        )
    return citations
