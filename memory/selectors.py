"""Reads of the memory engine; each owns its query."""

from django.db.models import QuerySet

from .models import Memory, MemoryEvent, MemoryStatus, Subject


def memory_list(
    *,
    subject: Subject,
    kinds: list[str] | None = None,
    statuses: list[str] | None = (MemoryStatus.ACTIVE,),
) -> QuerySet[Memory]:
    memories = Memory.objects.filter(subject_id=subject.pk).select_related(
        "market_reference"
    )
    if kinds:
        memories = memories.filter(kind__in=kinds)
    if statuses:
        memories = memories.filter(status__in=statuses)
    return memories.order_by("kind", "-recorded_at", "-pk")


def memory_slot_holders(
    *, subject_id: int, key: str, for_update: bool = False
) -> list[Memory]:
    """Return the active memories that fill a slot: the one place slots match.

    A slot is a memory's ``key`` ("holding:AAPL:ira"). Those holding the key
    itself, or else those in its sub-slots: "holding:AAPL" covers AAPL in every
    account when no memory holds "holding:AAPL" itself. ``for_update`` locks
    them (the caller holds the subject's lock and changes them).
    """
    memories = Memory.objects.filter(subject_id=subject_id, status=MemoryStatus.ACTIVE)
    if for_update:
        memories = memories.select_for_update()
    exact = list(memories.filter(key=key))
    if exact:
        return exact
    return list(memories.filter(key__startswith=key + ":"))


def memory_history(*, memory: Memory) -> QuerySet[MemoryEvent]:
    """Return every event of a memory, oldest first: its version timeline."""
    return MemoryEvent.objects.filter(memory_id=memory.pk).order_by("sequence")


def memory_lineage(*, memory: Memory) -> list[Memory]:
    """Return the chain of memories that superseded one another, oldest first."""
    chain = [memory]
    previous = Memory.objects.filter(superseded_by_id=memory.pk).first()
    while previous is not None and previous not in chain:
        chain.insert(0, previous)
        previous = Memory.objects.filter(superseded_by_id=previous.pk).first()
    following = memory.superseded_by
    while following is not None and following not in chain:
        chain.append(following)
        following = following.superseded_by
    return chain


def subject_list_for_tenant(*, tenant_id: int) -> QuerySet[Subject]:
    """Return a tenant's subjects, and only theirs."""
    return Subject.objects.filter(tenant_id=tenant_id).order_by("pk")


def memory_list_for_tenant(*, tenant_id: int) -> QuerySet[Memory]:
    """Return every memory of a tenant, whatever its status, newest first."""
    return Memory.objects.filter(tenant_id=tenant_id).order_by("-recorded_at", "-pk")


def memory_event_list_for_tenant(*, tenant_id: int) -> QuerySet[MemoryEvent]:
    """Return a tenant's ledger events, by subject then sequence."""
    return MemoryEvent.objects.filter(tenant_id=tenant_id).order_by(
        "subject_id", "sequence"
    )


def subject_events(*, subject: Subject) -> QuerySet[MemoryEvent]:
    """Return a subject's whole ledger, oldest first."""
    return MemoryEvent.objects.filter(subject_id=subject.pk).order_by("sequence")
