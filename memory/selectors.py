"""Reads of the memory engine; each owns its query."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet

from .models import (
    EventAction,
    Memory,
    MemoryEvent,
    MemoryPolicy,
    MemoryStatus,
    Message,
    Subject,
)


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


def _replay(events) -> dict[int, dict]:
    """Lay a subject's events over one another, oldest first, into states.

    An event's ``after`` is the memory's whole state, except a refresh's: that
    holds only the reading, laid over the state before it.
    """
    states: dict[int, dict] = {}
    last_reading: dict[int, dict] = {}
    for memory_id, action, after in events:
        if memory_id is None:
            continue
        if after is None:
            states.pop(memory_id, None)
        elif action == EventAction.REFRESH:
            last_reading[memory_id] = after["reading"]
            if memory_id in states:
                states[memory_id] = {**states[memory_id], **after}
        else:
            states[memory_id] = after
            if memory_id in last_reading:
                states[memory_id]["reading"] = last_reading[memory_id]
    return states


def subject_state_as_of(
    *, subject: Subject, at: datetime, statuses=(MemoryStatus.ACTIVE,)
) -> dict[int, dict]:
    """Reconstruct a subject's memories as they stood at ``at``, from the ledger.

    Return ``{memory_id: state}`` for the memories whose status then was one of
    ``statuses`` (all of them when ``statuses`` is None).
    """
    events = (
        MemoryEvent.objects.filter(subject_id=subject.pk, occurred_at__lte=at)
        .order_by("sequence")
        .values_list("memory_id", "action", "after")
    )
    return _filter(_replay(events.iterator(chunk_size=2000)), statuses)


def message_ancestry(message: Message) -> list[int]:
    """Return the ids of a message and every message above it in its tree."""
    ids = []
    current = message
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


def subject_state_as_of_message(
    *, message: Message, statuses=(MemoryStatus.ACTIVE,)
) -> dict[int, dict]:
    """Reconstruct the subject's memories as the conversation stood at ``message``.

    That is every change made up to the message (including what extraction later
    drew from it and from its ancestors), but none caused by later messages or by
    other branches of the conversation.
    """
    ancestry = message_ancestry(message)
    subject_events = MemoryEvent.objects.filter(subject_id=message.subject_id)
    caused = subject_events.filter(cause_message_id__in=ancestry)
    last_caused = (
        caused.order_by("-sequence").values_list("sequence", flat=True).first()
    )
    last_before = (
        subject_events.filter(occurred_at__lte=message.created_at)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    cutoff = max(last_caused or 0, last_before or 0)
    events = (
        subject_events.filter(sequence__lte=cutoff)
        .filter(Q(cause_message_id__isnull=True) | Q(cause_message_id__in=ancestry))
        .order_by("sequence")
        .values_list("memory_id", "action", "after")
    )
    return _filter(_replay(events.iterator(chunk_size=2000)), statuses)


def _filter(states: dict[int, dict], statuses) -> dict[int, dict]:
    if statuses is None:
        return states
    wanted = {str(s) for s in statuses}
    return {pk: s for pk, s in states.items() if s.get("status") in wanted}


def subject_state_live(*, subject: Subject, statuses=(MemoryStatus.ACTIVE,)) -> dict:
    """Return the live state of a subject's memories in the ledger's own shape.

    That is each memory's snapshot, with its market reading where a refresh
    gave it one, as time travel reconstructs it.
    """
    from .ledger import snapshot

    memories = (
        Memory.objects.filter(subject_id=subject.pk)
        .select_related("market_reference")
        .prefetch_related("source_messages")
    )
    if statuses is not None:
        memories = memories.filter(status__in=statuses)
    states = {}
    for memory in memories:
        state = snapshot(memory, [msg.pk for msg in memory.source_messages.all()])
        if memory.reading:
            state["reading"] = memory.reading
        states[memory.pk] = state
    return states


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
