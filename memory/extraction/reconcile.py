"""Reconcile candidates with what a subject holds, slot by slot, in memory.

Each candidate is compared with the subject's memories in its slot (its
``key``): nothing new is NOTHING, a new value supersedes (never overwrites), a
retraction retracts, and a firm that reviews (or a candidate the extractor is
unsure of) gets a proposal instead. The reconciler works on the subject's
memories loaded once, so many messages are reconciled in one pass: a later
message of the batch sees what an earlier one changed. It writes nothing; it
returns the rows to write and the ledger entries to append (``writes``).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError

from memory.errors import InvalidMemory
from memory.ledger.chain import Entry
from memory.ledger.states import snapshot
from memory.models import (
    EventAction,
    Memory,
    MemorySource,
    MemoryStatus,
    Message,
    ProposalAction,
)
from memory.payloads import payload_clean

from .candidates import Candidate, CandidateAction
from .rules import ACCOUNT_LABELS

# An event's reason is hashed into the chain and so survives erasure: it must never
# carry what the client said. The cause (the message) is the provenance.
EXTRACTION_REASON = "extracted from the message that caused this event"

# A restatement keeps what it does not mention: "it was 300 shares, not 200" does not
# forget the account or the cost basis.
INHERITED = {
    "holding": ("account", "cost_basis", "currency"),
    "goal": ("target_age", "target_date", "amount", "currency"),
    "profile": ("income_band", "net_worth_band"),
}


@dataclass
class ExtractionReport:
    """What extracting one message did: memories applied, proposed, left alone."""

    message_id: int
    applied: list[tuple[str, int]] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    already_extracted: bool = False
    failed: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.applied or self.proposed)


@dataclass
class Plan:
    """The writes a reconciliation decided on, in the order they happened."""

    created: list[Memory] = field(default_factory=list)
    changed: dict[int, Memory] = field(default_factory=dict)
    entries: list[tuple[int, Entry]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.entries


def holding_text(payload: dict) -> str:
    """Restate a holding from its payload, as an advisor would write it."""
    quantity = payload.get("quantity")
    amount = f"{quantity:,.4g}" if isinstance(quantity, float) else f"{quantity:,}"
    text = f"Holds {amount} {payload['instrument']}"
    if payload.get("cost_basis") is not None:
        text += f" at an average cost of ${payload['cost_basis']:,.2f}"
    if payload.get("account"):
        account = payload["account"]
        label = ACCOUNT_LABELS.get(account, f"the {account.replace('_', ' ')} account")
        text += f" in {label}"
    return text


def _validated(memory: Memory) -> Memory:
    """Check a memory as the services do before they save one."""
    try:
        memory.full_clean(exclude=["id", "subject", "superseded_by", "embedding"])
    except ValidationError as error:
        raise InvalidMemory(
            {
                name: [str(m) for m in messages]
                for name, messages in error.message_dict.items()
            }
        ) from error
    if not memory.text.strip():
        raise InvalidMemory({"text": "must not be empty"})
    if not 0 <= memory.confidence <= 1:
        raise InvalidMemory({"confidence": "must be between 0 and 1"})
    if not 0 <= memory.importance <= 1:
        raise InvalidMemory({"importance": "must be between 0 and 1"})
    return memory


class Reconciler:
    """Reconcile the candidates of a subject's messages, one message after another.

    ``memories`` are the subject's active and proposed memories (not episodes),
    ``sources`` their source message ids, ``ids`` fresh primary keys for the
    memories it creates. The caller holds the subject's lock.
    """

    def __init__(
        self,
        *,
        subject,
        memories: list[Memory],
        sources: dict[int, list[int]],
        policy,
        author_label: str,
        ids: Iterator[int],
        now: datetime,
    ):
        self.subject = subject
        self.policy = policy
        self.author_label = author_label
        self.ids = ids
        self.now = now
        self.sources = sources
        self.plan = Plan()
        self.active: dict[str, list[Memory]] = {}
        self.waiting: dict[str, list[Memory]] = {}
        for memory in memories:
            slots = (
                self.active if memory.status == MemoryStatus.ACTIVE else self.waiting
            )
            slots.setdefault(memory.key, []).append(memory)

    # ------------------------------------------------------------------- reading

    def holders(self, key: str) -> list[Memory]:
        """Return the active memories of a slot, newest first (as the selector).

        Those holding the key itself, or else those in its sub-slots: "holding:AAPL"
        covers AAPL in every account when no memory holds "holding:AAPL" itself.
        """
        found = list(self.active.get(key, ()))
        if not found:
            prefix = key + ":"
            found = [
                memory
                for slot, memories in self.active.items()
                if slot.startswith(prefix)
                for memory in memories
            ]
        return sorted(found, key=lambda m: (m.recorded_at, m.pk), reverse=True)

    def current(self) -> list[Memory]:
        """Return the active and proposed memories as they stand now."""
        return [
            m
            for slots in (self.active, self.waiting)
            for ms in slots.values()
            for m in ms
        ]

    # ------------------------------------------------------------------- writing

    def _state(self, memory: Memory) -> dict:
        return snapshot(memory, self.sources.get(memory.pk, []))

    def _append(self, message: Message, memory, action, before, reason="") -> None:
        entry = Entry(memory, action, before, self._state(memory), reason)
        self.plan.entries.append((message.pk, entry))

    def _record(
        self, message, candidate, *, key, text, payload, status, **fields
    ) -> Memory:
        """Create a memory said by ``message``; ``fields``: kind, proposal_action."""
        proposal_action = fields.get("proposal_action", "")
        memory = Memory(
            pk=next(self.ids),
            subject_id=self.subject.pk,
            tenant_id=self.subject.tenant_id,
            kind=fields.get("kind", candidate.kind),
            key=key[:200],
            text=(text or "").strip(),
            payload=payload,
            status=status,
            importance=candidate.importance,
            confidence=candidate.confidence,
            valid_from=message.occurred_at,
            recorded_at=self.now,
            source=MemorySource.MESSAGE,
            author_label=self.author_label,
            proposal_action=proposal_action
            or (ProposalAction.RECORD if status == MemoryStatus.PROPOSED else ""),
            created_at=self.now,
            updated_at=self.now,
        )
        memory._state.adding = False  # its key is drawn: no unique check to query
        _validated(memory)
        self.plan.created.append(memory)
        self.sources[memory.pk] = [message.pk]
        self.plan.links.append((memory.pk, message.pk))
        slots = self.active if status == MemoryStatus.ACTIVE else self.waiting
        slots.setdefault(memory.key, []).append(memory)
        self._append(message, memory, EventAction.CREATE, None)
        return memory

    def _changed(self, memory: Memory) -> None:
        memory.updated_at = self.now
        self.plan.changed[memory.pk] = memory
        self.active[memory.key] = [
            m for m in self.active.get(memory.key, []) if m.pk != memory.pk
        ]

    def _retract(self, holder: Memory, message: Message, report) -> None:
        """End a memory as of the message that said it ended."""
        before = self._state(holder)
        holder.status = MemoryStatus.RETRACTED
        holder.valid_to = max(
            message.occurred_at, holder.valid_from or message.occurred_at
        )
        self._changed(holder)
        self._append(message, holder, EventAction.RETRACT, before, EXTRACTION_REASON)
        report.applied.append(("retract", holder.pk))

    def _supersede(self, holder, message, candidate, *, key, text, payload, report):
        before = self._state(holder)
        successor = self._record(
            message,
            candidate,
            key=key,
            text=text,
            payload=payload,
            status=MemoryStatus.ACTIVE,
        )
        holder.status = MemoryStatus.SUPERSEDED
        holder.valid_to = max(successor.valid_from, holder.valid_from)
        holder.superseded_by = successor
        self._changed(holder)
        self._append(message, holder, EventAction.SUPERSEDE, before, EXTRACTION_REASON)
        report.applied.append(("supersede", successor.pk))

    # ---------------------------------------------------------------- deciding

    def message(self, message: Message, candidates: list[Candidate], report) -> None:
        """Reconcile one message's candidates, in order; note each in ``report``."""
        for candidate in candidates:
            try:
                self.candidate(message, candidate, report)
            except InvalidMemory as error:
                report.skipped.append(f"{candidate.key}: {error.message}")

    def candidate(self, message: Message, candidate: Candidate, report) -> None:
        auto = (
            self.policy.auto_apply_extractions
            and candidate.confidence >= self.policy.min_auto_apply_confidence
        )
        holders = self.holders(candidate.key)
        stance = candidate.payload.get("stance") if candidate.kind == "view" else None
        if candidate.action == CandidateAction.RETRACT:
            if stance:
                # "No longer bullish" withdraws a bullish view, not a bearish one.
                holders = [
                    h for h in holders if h.payload.get("stance") in (None, stance)
                ]
            if not holders:
                report.skipped.append(f"{candidate.key}: nothing to retract")
                return
            if auto:
                for holder in holders:
                    self._retract(holder, message, report)
                return
            if self._waits(candidate.key, holders[0].payload, ProposalAction.RETRACT):
                report.unchanged.append(holders[0].pk)
                return
            # A proposal to retract: approving it retracts what holds the slot.
            proposal = self._record(
                message,
                candidate,
                key=candidate.key,
                text=candidate.text or f"No longer true: {holders[0].text}",
                payload=dict(holders[0].payload),
                status=MemoryStatus.PROPOSED,
                kind=holders[0].kind,
                proposal_action=ProposalAction.RETRACT,
            )
            report.proposed.append(proposal.pk)
            return

        payload = payload_clean(candidate.kind, dict(candidate.payload))
        if candidate.kind == "holding":
            payload = _apply_change(payload, holders)
            if payload is None:  # sold everything that was held
                if auto:
                    for holder in holders:
                        self._retract(holder, message, report)
                    return
                # Not sure enough to end it at once: a proposal to retract.
                self.candidate(
                    message,
                    Candidate(
                        kind=candidate.kind,
                        key=candidate.key,
                        text=f"No longer holds {candidate.payload['instrument']}",
                        action=CandidateAction.RETRACT,
                        confidence=candidate.confidence,
                        importance=candidate.importance,
                    ),
                    report,
                )
                return
            payload = payload_clean("holding", payload)
        if len(holders) > 1:
            holders = [h for h in holders if h.key == candidate.key] or holders[:1]
        holder = holders[0] if holders else None
        payload = _inherit(candidate.kind, payload, holder)
        text = candidate.text
        if (
            candidate.kind == "holding"
            and payload.get("quantity") is not None
            and (holder is not None or "change" in candidate.payload)
        ):
            text = holding_text(payload)
        # "holding:AAPL" said of the one account that holds AAPL fills that slot.
        key = (
            holder.key
            if holder and holder.key.startswith(candidate.key)
            else candidate.key
        )
        if holder is not None and _same(holder, candidate, payload):
            report.unchanged.append(holder.pk)
            return
        if holder is not None and auto:
            self._supersede(
                holder,
                message,
                candidate,
                key=key,
                text=text,
                payload=payload,
                report=report,
            )
            return
        if not auto and self._waits(key, payload, ProposalAction.RECORD, candidate):
            report.unchanged.append(self.waiting[key][-1].pk)
            return
        memory = self._record(
            message,
            candidate,
            key=key,
            text=text,
            payload=payload,
            status=MemoryStatus.ACTIVE if auto else MemoryStatus.PROPOSED,
        )
        if auto:
            report.applied.append(("add", memory.pk))
        else:
            report.proposed.append(memory.pk)

    def _waits(self, key, payload, action, candidate=None) -> bool:
        """Say whether the same proposal already waits for review in this slot."""
        for proposal in self.waiting.get(key, ()):
            if proposal.proposal_action != action:
                continue
            if candidate is not None and candidate.kind == "fact":
                if proposal.text.strip().lower() == candidate.text.strip().lower():
                    return True
            elif _comparable(proposal.payload) == _comparable(payload):
                return True
        return False


def _comparable(payload: dict) -> dict:
    return {k: v for k, v in payload.items() if v is not None}


def _same(memory: Memory, candidate: Candidate, payload: dict) -> bool:
    if memory.kind == "fact":
        return memory.text.strip().lower() == candidate.text.strip().lower()
    return _comparable(memory.payload) == _comparable(payload)


def _inherit(kind: str, payload: dict, holder: Memory | None) -> dict:
    if holder is None:
        return payload
    for name in INHERITED.get(kind, ()):
        if payload.get(name) is None and holder.payload.get(name) is not None:
            payload[name] = holder.payload[name]
    return payload


def _apply_change(payload: dict, holders: list[Memory]) -> dict | None:
    """Resolve "bought 50 more" against the current holding; None if all sold.

    A purchase averages the cost basis over the old and the new shares.
    """
    change = payload.pop("change", None)
    fraction = payload.pop("change_fraction", None)
    current = holders[0].payload if len(holders) == 1 else None
    if change is None and fraction is not None and current and current.get("quantity"):
        change = current["quantity"] * fraction  # "sold half" is -0.5 of the position
    if change is None or payload.get("quantity") is not None:
        return payload
    if current is None or current.get("quantity") is None:
        if change > 0 and not holders:
            payload["quantity"] = change
        return payload
    quantity = current["quantity"] + change
    if quantity <= 0:
        return None
    old_cost, new_cost = current.get("cost_basis"), payload.get("cost_basis")
    if change > 0 and old_cost is not None and new_cost is not None:
        payload["cost_basis"] = round(
            (current["quantity"] * old_cost + change * new_cost) / quantity, 4
        )
    elif change < 0 or new_cost is None:
        payload["cost_basis"] = old_cost  # selling does not change the average cost
    payload["quantity"] = quantity
    return payload
