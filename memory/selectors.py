"""Reads of the memory engine; each owns its query."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from .models import (
    CauseType,
    Conversation,
    ImportJob,
    Memory,
    MemoryEvent,
    MemoryKind,
    MemoryStatus,
    Message,
    Subject,
)

SEMANTIC_KINDS = [kind for kind in MemoryKind.values if kind != MemoryKind.EPISODE]


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


def memory_get(
    *,
    subject: Subject,
    memory_id: int,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> Memory | None:
    """Return one memory of ``subject`` (of those kinds and statuses), or None."""
    memories = Memory.objects.filter(subject_id=subject.pk, pk=memory_id)
    if kinds is not None:
        memories = memories.filter(kind__in=list(kinds))
    if statuses is not None:
        memories = memories.filter(status__in=list(statuses))
    return memories.select_related("market_reference").first()


def semantic_memories(
    *, subject: Subject, statuses: Iterable[str] = (MemoryStatus.ACTIVE,)
) -> QuerySet[Memory]:
    """Return a subject's memories other than episodes, most important first."""
    return (
        Memory.objects.filter(
            subject_id=subject.pk, status__in=list(statuses), kind__in=SEMANTIC_KINDS
        )
        .select_related("market_reference")
        .order_by("-importance", "-recorded_at", "-pk")
    )


def memory_predecessors(*, memory_ids: Iterable[int]) -> dict[int, list[Memory]]:
    """Return, for each memory, the earlier memories it superseded."""
    earlier: dict[int, list[Memory]] = {}
    for memory in Memory.objects.filter(
        status=MemoryStatus.SUPERSEDED, superseded_by__in=list(memory_ids)
    ).order_by("-valid_from", "-pk"):
        earlier.setdefault(memory.superseded_by_id, []).append(memory)
    return earlier


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


def memory_list_for_tenant(
    *,
    tenant_id: int,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
) -> QuerySet[Memory]:
    """Return a tenant's memories (of those kinds and statuses), newest first."""
    memories = Memory.objects.filter(tenant_id=tenant_id)
    if kinds is not None:
        memories = memories.filter(kind__in=list(kinds))
    if statuses is not None:
        memories = memories.filter(status__in=list(statuses))
    return memories.order_by("-recorded_at", "-pk")


def conversation_by_external_id(
    *, subject: Subject, external_id: str
) -> Conversation | None:
    """Return the subject's conversation with this CRM id, or None."""
    if not external_id:
        return None
    return Conversation.objects.filter(
        subject_id=subject.pk, external_id=external_id
    ).first()


def import_job_get(*, job_id: int) -> ImportJob | None:
    """Return an import job with its subject, or None (callers check the tenant)."""
    return ImportJob.objects.filter(pk=job_id).select_related("subject").first()


def memory_event_list_for_tenant(*, tenant_id: int) -> QuerySet[MemoryEvent]:
    """Return a tenant's ledger events, by subject then sequence."""
    return MemoryEvent.objects.filter(tenant_id=tenant_id).order_by(
        "subject_id", "sequence"
    )


def subject_events(*, subject: Subject) -> QuerySet[MemoryEvent]:
    """Return a subject's whole ledger, oldest first."""
    return MemoryEvent.objects.filter(subject_id=subject.pk).order_by("sequence")


def proposal_counts(*, subject_ids: Iterable[int]) -> dict[int, int]:
    """Return how many proposed memories wait for review, per subject."""
    rows = (
        Memory.objects.filter(
            subject_id__in=list(subject_ids), status=MemoryStatus.PROPOSED
        )
        .values("subject_id")
        .annotate(waiting=Count("pk"))
        .values_list("subject_id", "waiting")
    )
    return dict(rows)


def subject_views(
    *, subject: Subject, instrument: str | None = None
) -> QuerySet[Memory]:
    """Return the views a subject stated (active, superseded or retracted), oldest
    first, with their market references; ``instrument`` keeps one instrument's."""
    views = Memory.objects.filter(subject_id=subject.pk, kind=MemoryKind.VIEW).exclude(
        status__in=[
            MemoryStatus.PROPOSED,
            MemoryStatus.REJECTED,
            MemoryStatus.APPLIED,
            MemoryStatus.ERASED,
        ]
    )
    if instrument:
        views = views.filter(payload__instrument=instrument.strip().upper())
    return views.select_related("market_reference__instrument").order_by(
        "valid_from", "pk"
    )


def memory_get_any(*, memory_id: int, tenant_id: int) -> Memory | None:
    """Return a tenant's memory with its subject, or None (callers check who may
    see the subject)."""
    return (
        Memory.objects.filter(pk=memory_id, tenant_id=tenant_id)
        .select_related("subject", "market_reference")
        .first()
    )


def memory_list_changed(
    *,
    subject: Subject,
    kinds: list[str] | None = None,
    statuses: list[str] | None = None,
    changed_since=None,
    memory_ids: Iterable[int] | None = None,
    exclude_ids: Iterable[int] | None = None,
) -> QuerySet[Memory]:
    """Return a subject's memories by kind, status, last change and id, by id."""
    memories = Memory.objects.filter(subject_id=subject.pk).select_related(
        "market_reference"
    )
    if kinds:
        memories = memories.filter(kind__in=kinds)
    if statuses:
        memories = memories.filter(status__in=statuses)
    if changed_since is not None:
        memories = memories.filter(updated_at__gte=changed_since)
    if memory_ids is not None:
        memories = memories.filter(pk__in=list(memory_ids))
    if exclude_ids:
        memories = memories.exclude(pk__in=list(exclude_ids))
    return memories.order_by("pk")


def house_views(*, tenant_id: int, subject_id: int | None = None) -> QuerySet[Memory]:
    """Return a tenant's published house views (of one analyst's subject)."""
    views = Memory.objects.filter(
        tenant_id=tenant_id,
        kind=MemoryKind.VIEW,
        status=MemoryStatus.ACTIVE,
        published_at__isnull=False,
    ).select_related("market_reference")
    if subject_id is not None:
        views = views.filter(subject_id=subject_id)
    return views.order_by("pk")


def memory_source_messages(*, memory_ids: Iterable[int]) -> dict[int, list[Message]]:
    """Return, for each memory, the messages it came from, oldest first."""
    through = Memory.source_messages.through
    rows = through.objects.filter(memory_id__in=list(memory_ids)).select_related(
        "message"
    )
    found: dict[int, list[Message]] = {}
    for row in rows.order_by("message__occurred_at", "message_id"):
        found.setdefault(row.memory_id, []).append(row.message)
    return found


def memories_by_ids(*, tenant_id: int, memory_ids: Iterable[int]) -> dict[int, Memory]:
    """Return a tenant's memories by id, in any status (what a chat cites or a
    rollback names); callers have checked who may see the conversation."""
    return (
        Memory.objects.filter(tenant_id=tenant_id, pk__in=list(memory_ids))
        .select_related("market_reference")
        .in_bulk()
    )


def conversation_list_for_tenant(*, tenant_id: int) -> QuerySet[Conversation]:
    """Return a tenant's conversations, with their subjects."""
    return (
        Conversation.objects.filter(subject__tenant_id=tenant_id)
        .select_related("subject")
        .annotate(message_count=Count("messages"))
    )


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    """Return every message of a conversation, each branch's, in order."""
    return Message.objects.filter(conversation_id=conversation.pk).order_by(
        "occurred_at", "pk"
    )


def conversation_rollback_events(
    *, conversation: Conversation
) -> QuerySet[MemoryEvent]:
    """Return the compensating events of a conversation's rollbacks, in order.

    ``conversation_rollback`` names them by a cause ref of the conversation and
    the message it went back to (they name no message as their cause).
    """
    return MemoryEvent.objects.filter(
        subject_id=conversation.subject_id,
        cause_type=CauseType.ROLLBACK,
        cause_ref__startswith=f"conversation {conversation.pk} to message ",
    ).order_by("sequence")


def message_caused_events(
    *, subject_id: int, message_ids: Iterable[int]
) -> QuerySet[MemoryEvent]:
    """Return the memory events these messages caused, in order."""
    return MemoryEvent.objects.filter(
        subject_id=subject_id, cause_message_id__in=list(message_ids)
    ).order_by("sequence")
