"""Rollback to message M: the conversation and its memory, back as they were at M.

One transaction under the subject's lock (PRODUCT.md §4):

- the head moves to M; the later messages of the active branch are marked rolled
  back (kept, an abandoned branch; never deleted);
- every memory event those messages caused — their episodes, what extraction
  drew from them, what the reply's tools wrote, and the reviews their proposals
  got (an approval, and what it superseded or retracted) — is reverted by
  compensating events: what they created is retracted, what they changed is
  restored to the version before them;
- a memory changed since by another cause (an advisor's edit, an API call,
  another conversation, an import) is left alone and reported as a conflict,
  with the version the rolled-back messages made and the one it holds now; so
  is the other half of a supersede (a memory and its successor go together);
- rolling back to M again changes nothing; the next message starts a new branch
  from M; a preview says what would be reverted and what would conflict, and
  writes nothing.

Compensating events name no message as their cause (type ``rollback``): a later
rollback to an earlier message must not take them for the rolled-back messages'
own events.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Q
from django.db.models.fields.json import KT

from memory.background import enqueue
from memory.errors import InvalidMemory, InvalidTransition
from memory.ledger.canonical import iso
from memory.ledger.chain import Cause, subject_lock
from memory.ledger.replay import is_restorable, message_ancestry
from memory.models import (
    CauseType,
    Conversation,
    EventAction,
    Memory,
    MemoryEvent,
    MemoryStatus,
    Message,
    MessageStatus,
)
from memory.services import memories_revert

SUMMARY_CONSOLIDATE = "memory.subject_summary_consolidate"
# Events a review of a proposal appends after its approval, in the same breath.
REVIEW_FOLLOW_UPS = (EventAction.SUPERSEDE, EventAction.RETRACT)
REVIEW_WINDOW = 50


@dataclass
class Reverted:
    """One memory put back: retracted (it was created) or restored (it was changed)."""

    memory: int
    kind: str
    action: str
    # For a restore: the event whose version it returns to.
    restores_event: int | None = None
    # The compensating event (none in a preview).
    event: int | None = None
    hash: str | None = None


@dataclass
class Conflict:
    """A memory the rollback left alone, with both versions."""

    memory: int
    kind: str
    reason: str
    rolled_back: dict
    current: dict


@dataclass
class RollbackReport:
    conversation: int
    to_message: int
    head: int
    preview: bool
    noop: bool
    rolled_back_messages: list[int] = field(default_factory=list)
    reverted: list[Reverted] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _version(event: MemoryEvent | None) -> dict:
    """Describe the version an event made: its id, hash, state and cause."""
    if event is None:
        return {"event": None, "hash": None, "version": None, "state": None}
    state = event.after
    return {
        "event": event.pk,
        "hash": event.hash,
        "action": event.action,
        "version": None if state is None else state.get("version"),
        "state": state,
        "occurred_at": iso(event.occurred_at),
        "cause": {
            "type": event.cause_type,
            "user_id": event.cause_user_id,
            "message_id": event.cause_message_id,
            "ref": event.cause_ref,
        },
    }


def _follow_ups(
    subject_id: int, approvals: list[MemoryEvent]
) -> dict[int, list[MemoryEvent]]:
    """Return, per approval, the events it appended right after it, with its cause.

    Approving a proposal supersedes, or retracts, what held its slot, in the
    same transaction under the subject's lock: those events follow it. The
    windows after every approval are read in one query.
    """
    if not approvals:
        return {}
    windows = Q()
    for approval in approvals:
        windows |= Q(
            sequence__gt=approval.sequence,
            sequence__lte=approval.sequence + REVIEW_WINDOW,
        )
    after = list(
        MemoryEvent.objects.filter(windows, subject_id=subject_id)
        .only("id", "sequence", "memory_id", "action", *CAUSE_COLUMNS)
        .order_by("sequence")
    )
    follow_ups = {}
    for approval in approvals:
        follow_ups[approval.pk] = found = []
        for event in after:
            if event.sequence <= approval.sequence:
                continue
            if event.sequence > approval.sequence + REVIEW_WINDOW:
                break
            if _cause_of(event) != _cause_of(approval) or (
                event.action not in REVIEW_FOLLOW_UPS
            ):
                break
            found.append(event)
    return follow_ups


def _cause_of(event: MemoryEvent) -> tuple:
    return tuple(getattr(event, name) for name in CAUSE_COLUMNS)


@dataclass
class _Plan:
    retract: dict[int, str] = field(default_factory=dict)  # memory -> kind
    restore: dict[int, MemoryEvent] = field(default_factory=dict)
    conflicts: dict[int, Conflict] = field(default_factory=dict)


RESTORED_FIELDS = ("text", "payload", "key", "importance", "confidence")
CAUSE_COLUMNS = ("cause_type", "cause_user_id", "cause_message_id", "cause_ref")
REVIEWS = (EventAction.APPROVE, EventAction.REJECT, EventAction.UPDATE)


def _histories(memories) -> dict[int, list[MemoryEvent]]:
    """Return the events of some memories, each memory's in the order of its chain.

    ``memories`` is a list of ids or a subquery of them. What each memory was
    before an event is the event before it: no need to read (and decode) the
    ``before`` of hundreds of events; a review's need of it (the status it
    found) is read alone. Refreshes change only readings: a rollback neither
    reverts them nor counts them as a change by another cause, so the
    hundreds a holding gathers are not read.
    """
    events = (
        MemoryEvent.objects.filter(memory_id__in=memories)
        .exclude(action=EventAction.REFRESH)
        .defer("before")
        .annotate(before_status=KT("before__status"))
        .order_by("sequence")
    )
    history: dict[int, list[MemoryEvent]] = defaultdict(list)
    for event in events:
        history[event.memory_id].append(event)
    return history


def _rolled_events(
    subject_id: int, message_ids: list[int]
) -> tuple[set[int], dict[int, list[MemoryEvent]]]:
    """Return the events to revert (ids), and the history of every memory they
    touched: the messages' own events, and the reviews their proposals got.

    One query reads the events of every memory the messages touched; the
    reviews are among them. Only an approval's follow-ups (what it closed, on
    other memories) take more.
    """
    caused = set(message_ids)
    touched = MemoryEvent.objects.filter(
        subject_id=subject_id, cause_message_id__in=message_ids
    ).values("memory_id")
    history = _histories(touched)
    events = [e for memory_events in history.values() for e in memory_events]
    rolled = {e.pk for e in events if e.cause_message_id in caused}
    created = {
        e.memory_id for e in events if e.pk in rolled and e.action == EventAction.CREATE
    }
    approvals = []
    # The reviews those messages' proposals got are theirs too.
    for review in events:
        if (
            review.memory_id not in created
            or review.action not in REVIEWS
            or review.pk in rolled
        ):
            continue
        if (
            review.action == EventAction.UPDATE
            and review.before_status != MemoryStatus.PROPOSED
        ):
            continue  # an edit after it was applied: another cause's change
        rolled.add(review.pk)
        if review.action == EventAction.APPROVE:
            approvals.append(review)
    follow_ups = [
        e for found in _follow_ups(subject_id, approvals).values() for e in found
    ]
    rolled.update(e.pk for e in follow_ups)
    more = sorted({e.memory_id for e in follow_ups} - set(history))
    if more:
        history.update(_histories(more))
    return rolled, history


def _earlier_rollbacks(
    conversation_id: int, events: list[MemoryEvent], rolled: set[int]
) -> set[int]:
    """Return the events of this conversation's earlier rollbacks, and of the
    messages they rolled back: its own past, never another cause's change.

    Only events not being reverted now matter: those are asked about.
    """
    ref = f"conversation {conversation_id} to message "
    others = [e for e in events if e.pk not in rolled]
    own = {
        e.pk
        for e in others
        if e.cause_type == CauseType.ROLLBACK and e.cause_ref.startswith(ref)
    }
    causes = {e.cause_message_id for e in others if e.cause_message_id}
    if not causes:
        return own
    abandoned = set(
        Message.objects.filter(
            pk__in=causes,
            conversation_id=conversation_id,
            status=MessageStatus.ROLLED_BACK,
        ).values_list("pk", flat=True)
    )
    return own | {e.pk for e in others if e.cause_message_id in abandoned}


def _already(memory: Memory, state: dict) -> bool:
    """Whether a memory already holds the version a restore would bring back."""
    return memory.status == state.get("status") and all(
        getattr(memory, name) == state.get(name) for name in RESTORED_FIELDS
    )


def _plan(subject_id: int, conversation_id: int, message_ids: list[int]) -> _Plan:
    """Decide, for each memory the messages touched, how it is put back.

    A preview and a rollback share it: the preview says what the rollback does.
    """
    rolled, history = _rolled_events(subject_id, message_ids)
    own_past = _earlier_rollbacks(
        conversation_id, [e for events in history.values() for e in events], rolled
    )
    current = Memory.objects.only("id", "kind", "status", *RESTORED_FIELDS).in_bulk(
        list(history)
    )
    plan = _Plan()
    partners: dict[int, set[int]] = defaultdict(set)
    made_by_them: dict[int, MemoryEvent] = {}
    for memory_id, events in history.items():
        memory = current[memory_id]
        mine = [e for e in events if e.pk in rolled]
        first, made_by_them[memory_id] = mine[0], mine[-1]
        for event in mine:
            successor = (event.after or {}).get("superseded_by_id")
            if event.action == EventAction.SUPERSEDE and successor:
                partners[memory_id].add(successor)
                partners[successor].add(memory_id)
        since = [
            e
            for e in events
            if e.sequence > first.sequence
            and e.pk not in rolled
            and e.pk not in own_past
        ]
        if since:
            reason = (
                "erased since"
                if since[-1].action == EventAction.ERASE
                else "changed since by another cause"
            )
            plan.conflicts[memory_id] = Conflict(
                memory_id, memory.kind, reason, _version(mine[-1]), _version(since[-1])
            )
            continue
        if first.action == EventAction.CREATE:
            if memory.status in (MemoryStatus.ACTIVE, MemoryStatus.PROPOSED):
                plan.retract[memory_id] = memory.kind
            continue
        earlier = [e for e in events if e.sequence < first.sequence]
        prior = earlier[-1] if earlier else None
        if prior is None or not is_restorable(prior):
            plan.conflicts[memory_id] = Conflict(
                memory_id,
                memory.kind,
                "its version before these messages cannot be restored",
                _version(mine[-1]),
                _version(events[-1]),
            )
        elif not _already(memory, prior.after):
            plan.restore[memory_id] = prior
    # A memory and its successor are put back together, or not at all.
    blocked = True
    while blocked:
        blocked = False
        for memory_id, others in partners.items():
            conflicting = sorted(o for o in others if o in plan.conflicts)
            if memory_id in plan.conflicts or memory_id not in current:
                continue
            if conflicting:
                plan.retract.pop(memory_id, None)
                plan.restore.pop(memory_id, None)
                plan.conflicts[memory_id] = Conflict(
                    memory_id,
                    current[memory_id].kind,
                    f"goes with memory {conflicting[0]} (a supersede), which was "
                    "changed since",
                    _version(made_by_them[memory_id]),
                    _version(history[memory_id][-1]),
                )
                blocked = True
    return plan


def _target(conversation: Conversation, to_message) -> Message:
    message_id = to_message.pk if isinstance(to_message, Message) else to_message
    target = Message.objects.filter(
        pk=message_id, conversation_id=conversation.pk
    ).first()
    if target is None:
        raise InvalidMemory({"to_message": "is not a message of this conversation"})
    if target.status != MessageStatus.ACTIVE:
        raise InvalidTransition(
            "That message is on an abandoned branch; roll back to a message of "
            "the active branch.",
            extra={"to_message": target.pk, "status": target.status},
        )
    return target


@transaction.atomic
def conversation_rollback(
    *,
    conversation: Conversation,
    to_message: Message | int,
    user_id: int | None,
    preview: bool = False,
) -> RollbackReport:
    """Roll the conversation back to ``to_message``, its memory with it."""
    subject = subject_lock(conversation.subject_id)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    target = _target(conversation, to_message)
    branch = message_ancestry(conversation.head_id) if conversation.head_id else []
    if target.pk not in branch:
        raise InvalidTransition(
            "That message is not on the active branch.",
            extra={"to_message": target.pk, "head": conversation.head_id},
        )
    later = branch[: branch.index(target.pk)]
    report = RollbackReport(
        conversation=conversation.pk,
        to_message=target.pk,
        head=target.pk if later and not preview else conversation.head_id,
        preview=preview,
        noop=not later,
        rolled_back_messages=sorted(later),
    )
    if not later:
        return report
    plan = _plan(subject.pk, conversation.pk, later)
    report.conflicts = sorted(plan.conflicts.values(), key=lambda c: c.memory)
    report.reverted = [
        Reverted(memory_id, kind, "retract") for memory_id, kind in plan.retract.items()
    ] + [
        Reverted(memory_id, (event.after or {}).get("kind", ""), "restore", event.pk)
        for memory_id, event in plan.restore.items()
    ]
    report.reverted.sort(key=lambda r: r.memory)
    if preview:
        return report
    cause = Cause(
        CauseType.ROLLBACK,
        user_id=user_id,
        ref=f"conversation {conversation.pk} to message {target.pk}",
    )
    reason = f"rolled back with its conversation to message {target.pk}"
    events = memories_revert(
        subject=subject,
        retract=plan.retract,
        restore=plan.restore,
        cause=cause,
        reason=reason,
    )
    compensating = {event.memory_id: event for event in events}
    for reverted in report.reverted:
        event = compensating[reverted.memory]
        reverted.event, reverted.hash = event.pk, event.hash
    Message.objects.filter(pk__in=later, status=MessageStatus.ACTIVE).update(
        status=MessageStatus.ROLLED_BACK
    )
    conversation.head = target
    conversation.save(update_fields=["head"])
    if events:
        enqueue(SUMMARY_CONSOLIDATE, subject.pk)
    return report
