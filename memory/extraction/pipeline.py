"""Turn a message into memories: extract candidates, reconcile, apply or propose.

Reconciliation compares each candidate with the subject's memories in the same
slot (its ``key``): nothing new is NOTHING, a new value supersedes (never
overwrites), a retraction retracts. A firm may require review: then, and always for
low-confidence candidates, the result waits as a proposed memory. One message is
extracted once, in one transaction: running it twice changes nothing, and a failure
leaves nothing half-written.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from memory.background import enqueue
from memory.errors import InvalidMemory
from memory.ledger.chain import Cause, subject_lock
from memory.models import (
    Memory,
    MemorySource,
    MemoryStatus,
    Message,
    MessageRole,
    MessageStatus,
    ProposalAction,
)
from memory.payloads import payload_clean
from memory.selectors import memory_slot_holders
from memory.services import (
    memory_policy_get,
    memory_record,
    memory_retract,
    memory_supersede,
)

from .candidates import Candidate, CandidateAction
from .resolver import instrument_resolver
from .rules import ACCOUNT_LABELS, RulesExtractor
from .speakers import speaker_role

logger = logging.getLogger(__name__)

SUMMARY_CONSOLIDATE = "memory.subject_summary_consolidate"
# An event's reason is hashed into the chain and so survives erasure: it must never
# carry what the client said. The cause (the message) is the provenance.
EXTRACTION_REASON = "extracted from the message that caused this event"


@dataclass
class ExtractionReport:
    message_id: int
    applied: list[tuple[str, int]] = field(default_factory=list)
    proposed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    already_extracted: bool = False


def get_extractor():
    """Return the extractor the ``MEMORY_EXTRACTOR`` setting names."""
    choice = getattr(settings, "MEMORY_EXTRACTOR", "rules")
    if choice == "llm":
        # The model extractor (and the openai package) load only when chosen.
        from .llm import LLMExtractor

        return LLMExtractor.from_settings()
    return RulesExtractor(resolver=instrument_resolver())


def message_speaker_role(message: Message) -> str:
    """Return the role of a message's speaker relative to its subject.

    The role the message was stored with; a message stored before roles were
    (none) falls back to what its speaker's name says.
    """
    if message.speaker_role:
        return message.speaker_role
    return speaker_role(message.speaker, subject_kind=message.subject.kind)


def author_label(extractor) -> str:
    return getattr(extractor, "author_label", None) or (
        f"{extractor.name}-extractor/{extractor.version}"
    )


@transaction.atomic
def message_extract(
    *, message: Message, extractor=None, consolidate: bool = True
) -> ExtractionReport:
    """Extract and reconcile the memories stated in one message (idempotent).

    When anything changed, the subject's profile summary is consolidated after
    commit (``consolidate=False`` leaves that to a caller extracting many).
    """
    report = ExtractionReport(message_id=message.pk)
    subject_lock(message.subject_id)
    message = (
        Message.objects.select_for_update().select_related("subject").get(pk=message.pk)
    )
    if message.extracted_at is not None:
        report.already_extracted = True
        return report
    if message.subject.erased_at is not None or message.role != MessageRole.USER:
        _mark_extracted(message)
        return report
    if message.status == MessageStatus.ROLLED_BACK:
        # Rolled back before its extraction ran: what it said was taken back.
        _mark_extracted(message)
        report.skipped.append("the message was rolled back")
        return report
    extractor = extractor or get_extractor()
    existing = list(
        Memory.objects.filter(
            subject_id=message.subject_id,
            status__in=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
        )
        .exclude(kind="episode")
        .only("id", "kind", "key", "text", "payload", "status")
    )
    candidates = extractor.extract(
        message.text,
        role=message_speaker_role(message),
        occurred_at=message.occurred_at,
        **(
            {"existing": existing}
            if getattr(extractor, "wants_existing", False)
            else {}
        ),
    )
    policy = memory_policy_get(tenant_id=message.subject.tenant_id)
    cause = Cause.message(message.pk, ref="extraction")
    for candidate in candidates:
        try:
            _reconcile(message, candidate, extractor, policy, cause, report)
        except InvalidMemory as error:
            report.skipped.append(f"{candidate.key}: {error.message}")
            logger.info(
                "Skipped candidate %s of message %s: %s",
                candidate.key,
                message.pk,
                error.message,
            )
    _mark_extracted(message)
    if consolidate and (report.applied or report.proposed):
        enqueue(SUMMARY_CONSOLIDATE, message.subject_id)
    return report


def _mark_extracted(message: Message) -> None:
    message.extracted_at = timezone.now()
    message.save(update_fields=["extracted_at"])


def _same(memory: Memory, candidate: Candidate, payload: dict) -> bool:
    if memory.kind == "fact":
        return memory.text.strip().lower() == candidate.text.strip().lower()
    return {k: v for k, v in memory.payload.items() if v is not None} == {
        k: v for k, v in payload.items() if v is not None
    }


# A restatement keeps what it does not mention: "it was 300 shares, not 200" does not
# forget the account or the cost basis.
INHERITED = {
    "holding": ("account", "cost_basis", "currency"),
    "goal": ("target_age", "target_date", "amount", "currency"),
    "profile": ("income_band", "net_worth_band"),
}


def _inherit(kind: str, payload: dict, holder: Memory | None) -> dict:
    if holder is None:
        return payload
    for name in INHERITED.get(kind, ()):
        if payload.get(name) is None and holder.payload.get(name) is not None:
            payload[name] = holder.payload[name]
    return payload


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


def _retract_all(holders, message, cause, report) -> None:
    """End every memory in the slot as of the message that said it ended."""
    for holder in holders:
        memory_retract(
            memory=holder,
            cause=cause,
            valid_to=message.occurred_at,
            reason=EXTRACTION_REASON,
        )
        report.applied.append(("retract", holder.pk))


def _reconcile(message, candidate, extractor, policy, cause, report) -> None:
    auto = (
        policy.auto_apply_extractions
        and candidate.confidence >= policy.min_auto_apply_confidence
    )
    common = {
        "cause": cause,
        "source": MemorySource.MESSAGE,
        "source_messages": [message],
        "confidence": candidate.confidence,
        "importance": candidate.importance,
        "author_label": author_label(extractor),
        "valid_from": message.occurred_at,
    }
    holders = memory_slot_holders(
        subject_id=message.subject_id, key=candidate.key, for_update=True
    )
    stance = candidate.payload.get("stance") if candidate.kind == "view" else None
    if candidate.action == CandidateAction.RETRACT and stance:
        # "No longer bullish" withdraws a bullish view, not a bearish one.
        holders = [h for h in holders if h.payload.get("stance") in (None, stance)]
    if candidate.action == CandidateAction.RETRACT:
        if not holders:
            report.skipped.append(f"{candidate.key}: nothing to retract")
            return
        if auto:
            _retract_all(holders, message, cause, report)
            return
        # A proposal to retract: approving it retracts what holds the slot.
        proposal = memory_record(
            subject=message.subject,
            kind=holders[0].kind,
            key=candidate.key,
            text=candidate.text or f"No longer true: {holders[0].text}",
            payload=holders[0].payload,
            status=MemoryStatus.PROPOSED,
            proposal_action=ProposalAction.RETRACT,
            **common,
        )
        report.proposed.append(proposal.pk)
        return

    payload = payload_clean(candidate.kind, dict(candidate.payload))
    if candidate.kind == "holding":
        payload = _apply_change(payload, holders)
        if payload is None:  # sold everything that was held
            _retract_all(holders, message, cause, report)
            return
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
        holder.key if holder and holder.key.startswith(candidate.key) else candidate.key
    )
    if holder is not None and _same(holder, candidate, payload):
        report.unchanged.append(holder.pk)
        return
    if holder is not None and auto:
        successor = memory_supersede(
            memory=holder,
            text=text,
            payload=payload,
            key=key,
            reason=EXTRACTION_REASON,
            **common,
        )
        report.applied.append(("supersede", successor.pk))
        return
    memory = memory_record(
        subject=message.subject,
        kind=candidate.kind,
        key=key,
        text=text,
        payload=payload,
        status=MemoryStatus.ACTIVE if auto else MemoryStatus.PROPOSED,
        **common,
    )
    if auto:
        report.applied.append(("add", memory.pk))
    else:
        report.proposed.append(memory.pk)
