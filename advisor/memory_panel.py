"""What the client page shows of a subject's memory, gathered in a few queries."""

from dataclasses import dataclass, field

from memory.models import Memory, MemoryKind, MemoryStatus, ProposalAction, Subject
from memory.readings.alerts import alerts_open
from memory.readings.freshness import attach_freshness
from memory.selectors import (
    memory_predecessors,
    memory_slot_holders,
    semantic_memories,
)

KIND_ORDER = [
    MemoryKind.PROFILE,
    MemoryKind.GOAL,
    MemoryKind.PREFERENCE,
    MemoryKind.HOLDING,
    MemoryKind.VIEW,
    MemoryKind.FACT,
]


@dataclass
class Row:
    """A memory as the panel lists it, with its market freshness if any."""

    memory: Memory
    freshness: dict | None = None
    earlier: list[Memory] = field(default_factory=list)
    # For a proposal: the memories approving it would close, and how.
    replaces: list[Memory] = field(default_factory=list)
    effect: str = ""


@dataclass
class Panel:
    groups: list[tuple[str, list[Row]]]
    proposed: list[Row]
    alerts: list
    summary: str
    stale_count: int


def proposal_effect(memory: Memory) -> tuple[str, list[Memory]]:
    """Say what approving a proposed memory would do, and to which memories."""
    holders = (
        [
            holder
            for holder in memory_slot_holders(
                subject_id=memory.subject_id, key=memory.key
            )
            if holder.pk != memory.pk
        ]
        if memory.key
        else []
    )
    kind = MemoryKind(memory.kind).label.lower()
    if memory.proposal_action == ProposalAction.RETRACT:
        if not holders:
            return (
                f"Approving retracts the {kind} this names; none is active now, "
                "so nothing changes.",
                [],
            )
        count = len(holders)
        return (
            f"Approving retracts {count} active {kind}{'s' if count > 1 else ''}:",
            holders,
        )
    if holders:
        return "Approving records it and closes what it replaces:", holders
    return f"Approving records it as a new {kind}.", []


def memory_panel(*, subject: Subject) -> Panel:
    """Group a subject's active memories by kind, with freshness and history."""
    memories = list(
        semantic_memories(
            subject=subject, statuses=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED]
        )
    )
    rows = [Row(memory) for memory in memories]
    attach_freshness(rows)
    earlier = memory_predecessors(memory_ids=[m.pk for m in memories])
    for row in rows:
        row.earlier = earlier.get(row.memory.pk, [])
    active = [row for row in rows if row.memory.status == MemoryStatus.ACTIVE]
    proposed = [row for row in rows if row.memory.status == MemoryStatus.PROPOSED]
    for row in proposed:
        row.effect, row.replaces = proposal_effect(row.memory)
    groups = [
        (MemoryKind(kind).label, [row for row in active if row.memory.kind == kind])
        for kind in KIND_ORDER
    ]
    return Panel(
        groups=[(label, group) for label, group in groups if group],
        proposed=proposed,
        alerts=list(alerts_open(tenant_id=subject.tenant_id, subject_ids=[subject.pk])),
        summary=subject.summary,
        stale_count=sum(
            1 for row in active if row.freshness and row.freshness["status"] == "stale"
        ),
    )
