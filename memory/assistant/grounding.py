"""What grounds a reply: the search for the question, the standing context, readings.

A reply rests on two things: the hybrid search for what was just asked, and the
subject's standing context (profile, goals, preferences, holdings, open views)
that every answer may need. Before either grounds a reply, the market readings
of the subject's holdings and views are brought up to the freshest *stored*
quote (``memories_fresh_for_reply``: never a provider call; a fetch is queued
when even that quote is older than the firm's policy).

The rest (alerts, open proposals, the last meeting, this branch's history, what
changed since a date) is read only when a composer asks for it, so a plain
question costs no more than it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Prefetch, Q
from django.utils import timezone

from memory.ledger.replay import message_ancestry
from memory.models import (
    Conversation,
    MarketReference,
    Memory,
    MemoryKind,
    MemoryStatus,
    Message,
    MessageRole,
    MessageStatus,
    SpeakerRole,
    Subject,
    SubjectKind,
)
from memory.readings.alerts import alerts_open
from memory.readings.freshness import memories_fresh_for_reply
from memory.recall.search import Hit, memory_search
from memory.selectors import SEMANTIC_KINDS, semantic_memories
from memory.tenancy import subject_names

STANDING_KINDS = [
    MemoryKind.PROFILE,
    MemoryKind.GOAL,
    MemoryKind.PREFERENCE,
    MemoryKind.HOLDING,
    MemoryKind.VIEW,
]
MARKET_KINDS = (MemoryKind.HOLDING, MemoryKind.VIEW)
STANDING_LIMIT = 80
SEARCH_LIMIT = 8
HISTORY_LIMIT = 20
# A reply never reads a memory's vectors: most of a row's bytes.
UNREAD_COLUMNS = ("embedding", "search_vector")
# What composers and citations read of the standing context.
STANDING_COLUMNS = (
    "id",
    "subject_id",
    "tenant_id",
    "kind",
    "key",
    "text",
    "payload",
    "status",
    "importance",
    "valid_from",
    "valid_to",
    "recorded_at",
    "version",
    "published_at",
)


@dataclass
class Grounding:
    """Everything a composer may use to answer one turn."""

    subject: Subject
    conversation: Conversation
    message: Message
    now: datetime
    hits: list[Hit]
    standing: list[Memory]
    names: list[str] = field(default_factory=list)
    _freshness: dict[int, dict] = field(default_factory=dict, repr=False)
    _freshness_read: set[int] = field(default_factory=set, repr=False)

    @property
    def speaks_for_self(self) -> bool:
        """Whether the one asking is the subject (an analyst's own chat)."""
        return self.subject.kind == SubjectKind.ANALYST

    @property
    def name(self) -> str:
        """Return how a reply names the subject: a first name, or "you"."""
        if self.speaks_for_self:
            return "you"
        return self.names[-1] if self.names else "the client"

    @property
    def full_name(self) -> str:
        if self.speaks_for_self:
            return self.names[0] if self.names else "your memory"
        return self.names[0] if self.names else "the client"

    def of_kind(self, kind: str) -> list[Memory]:
        return [memory for memory in self.standing if memory.kind == kind]

    @property
    def memories(self) -> dict[int, Memory]:
        """Return every memory the grounding holds, by id, as loaded."""
        loaded = {hit.memory.pk: hit.memory for hit in self.hits}
        loaded.update({memory.pk: memory for memory in self.standing})
        return loaded

    def memory(self, memory_id: int) -> Memory | None:
        for memory in self.standing:
            if memory.pk == memory_id:
                return memory
        for hit in self.hits:
            if hit.memory.pk == memory_id:
                return hit.memory
        return None

    @property
    def memory_ids(self) -> set[int]:
        """Return the ids of every memory the grounding holds."""
        return {m.pk for m in self.standing} | {h.memory.pk for h in self.hits}

    @property
    def freshness(self) -> dict[int, dict]:
        """Return the market freshness of every memory that may ground the reply."""
        return self.freshness_of(self.memories.values())

    def freshness_of(self, memories: Iterable[Memory]) -> dict[int, dict]:
        """Return the market freshness of these memories (those that have one).

        The subject's own holdings and views are first brought up to the
        freshest stored quote (``memories_fresh_for_reply``: no provider is
        asked; a fetch is queued when even that quote is too old); house views
        keep the freshness the search found. Each memory is read once, when a
        composer first shows it: a question that shows no price reads none.
        """
        wanted = [
            m
            for m in memories
            if m.kind in MARKET_KINDS and m.pk not in self._freshness_read
        ]
        own = [m for m in wanted if m.subject_id == self.subject.pk]
        found = {hit.memory.pk: hit.freshness for hit in self.hits}
        for memory in wanted:
            self._freshness_read.add(memory.pk)
            if memory.subject_id != self.subject.pk and found.get(memory.pk):
                self._freshness[memory.pk] = found[memory.pk]
        if own:
            fresh = memories_fresh_for_reply(memories=own, now=self.now)
            self._freshness.update({item["memory_id"]: item for item in fresh})
            # Their readings as they stand now, after any refresh just applied.
            _references_reload(own)
        return {
            m.pk: self._freshness[m.pk] for m in memories if m.pk in self._freshness
        }

    @cached_property
    def alerts(self) -> list:
        return list(
            alerts_open(tenant_id=self.subject.tenant_id, subject_ids=[self.subject.pk])
        )

    @cached_property
    def proposals(self) -> list[Memory]:
        return list(
            semantic_memories(
                subject=self.subject, statuses=[MemoryStatus.PROPOSED]
            ).defer(*UNREAD_COLUMNS)
        )

    @cached_property
    def history(self) -> list[Message]:
        """Return this branch's messages before the one being answered, oldest first.

        Failed replies are left out: nothing was said.
        """
        ancestry = message_ancestry(self.message)[1 : HISTORY_LIMIT + 1]
        messages = Message.objects.filter(pk__in=ancestry, failure_reason="")
        return sorted(messages, key=lambda m: ancestry.index(m.pk), reverse=True)

    @cached_property
    def last_meeting(self) -> tuple[Conversation, list[Message]] | None:
        """Return the subject's latest other conversation and its people's turns."""
        latest = (
            Message.objects.filter(
                subject_id=self.subject.pk, status=MessageStatus.ACTIVE
            )
            .exclude(conversation_id=self.conversation.pk)
            .order_by("-occurred_at", "-pk")
            .select_related("conversation")
            .first()
        )
        if latest is None:
            return None
        turns = list(
            Message.objects.filter(
                conversation_id=latest.conversation_id,
                role=MessageRole.USER,
                status=MessageStatus.ACTIVE,
            ).order_by("-occurred_at", "-pk")[:4]
        )
        return latest.conversation, list(reversed(turns))

    def changed_since(self, moment: datetime) -> list[Memory]:
        """Return the semantic memories that began or ended being true since then."""
        return list(
            Memory.objects.filter(
                subject_id=self.subject.pk,
                kind__in=SEMANTIC_KINDS,
                status__in=[
                    MemoryStatus.ACTIVE,
                    MemoryStatus.SUPERSEDED,
                    MemoryStatus.RETRACTED,
                ],
            )
            .filter(Q(valid_from__gte=moment) | Q(valid_to__gte=moment))
            .select_related("market_reference")
            # Successors by primary key: joining them made PostgreSQL hash
            # every memory of the table to find a few.
            .prefetch_related(
                Prefetch(
                    "superseded_by", queryset=Memory.objects.defer(*UNREAD_COLUMNS)
                )
            )
            .defer(*UNREAD_COLUMNS)
            .order_by("valid_from", "pk")[:60]
        )


def _useful(hit: Hit, message: Message) -> bool:
    """Leave out the turn being answered, and the twin's own earlier words."""
    memory = hit.memory
    if memory.kind != MemoryKind.EPISODE:
        return True
    payload = memory.payload or {}
    return (
        payload.get("message_id") != message.pk
        and payload.get("speaker_role") != SpeakerRole.ASSISTANT
    )


def _references_reload(memories: list[Memory]) -> None:
    """Give memories their references as they stand after an on-read refresh."""
    references = MarketReference.objects.filter(
        memory_id__in=[m.pk for m in memories]
    ).select_related("instrument")
    by_memory = {reference.memory_id: reference for reference in references}
    cache = Memory.market_reference.related
    for memory in memories:
        # None remembered too: a memory with no reference has no reading.
        cache.set_cached_value(memory, by_memory.get(memory.pk))


def grounding_gather(
    *, message: Message, conversation: Conversation, now: datetime | None = None
) -> Grounding:
    """Gather what grounds the reply to ``message``.

    Readings are brought up to date when first read (``Grounding.freshness``).
    """
    now = now or timezone.now()
    subject = message.subject
    hits = memory_search(
        subject=subject,
        query=message.text,
        limit=SEARCH_LIMIT + 2,
        include_house_views=subject.kind == SubjectKind.CLIENT,
    )
    hits = [hit for hit in hits if _useful(hit, message)][:SEARCH_LIMIT]
    standing = list(
        # Readings are loaded with their freshness, for the memories shown.
        semantic_memories(subject=subject)
        .filter(kind__in=STANDING_KINDS)
        .select_related(None)
        .only(*STANDING_COLUMNS)[:STANDING_LIMIT]
    )
    # One object per memory: a reading brought up to date shows wherever it is.
    by_id = {memory.pk: memory for memory in standing}
    for hit in hits:
        hit.memory = by_id.get(hit.memory.pk, hit.memory)
    return Grounding(
        subject=subject,
        conversation=conversation,
        message=message,
        now=now,
        hits=hits,
        standing=standing,
        names=subject_names(subject.pk),
    )
