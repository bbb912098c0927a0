"""Governance of the memory: legal holds, erasure, retention, export, access log.

Erasure honours a client's right to be forgotten: it removes content (texts,
payloads, embeddings, the states inside ledger events) and keeps the ledger's
digests, so the chain still verifies and still shows who erased what, and why.
A legal hold blocks both erasure and retention expiry until it is released.
"""

import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from . import ledger, services
from .errors import (
    InvalidMemory,
    InvalidTransition,
    LegalHoldActive,
    SubjectErased,
)
from .ledger import Cause, Entry
from .models import (
    Conversation,
    Erasure,
    EventAction,
    ImportJob,
    LegalHold,
    MarketAlert,
    MarketReference,
    Memory,
    MemoryEvent,
    MemoryStatus,
    Message,
    Subject,
    SubjectAccess,
)

ERASED_TEXT = "[erased]"
EXPORT_FORMAT = "advisor-twin/memory-export/1"
EXPORT_PARTS = ("subject", "memories", "events", "messages")
EXPORT_SIGNATURE_SALT = "memory.governance.subject_export"


def _clean(instance, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidMemory(
            {
                name: [str(m) for m in messages]
                for name, messages in error.message_dict.items()
            }
        ) from error


# --- Legal holds ---------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *,
    subject: Subject,
    matter: str,
    scope: str,
    approver_user_id: int,
    reason: str,
    placed_by_user_id: int,
) -> LegalHold:
    """Place a legal hold on a subject: no erasure and no expiry until released."""
    # Under the subject's lock, so a hold and an erasure never interleave.
    locked = ledger.subject_lock(subject.pk)
    hold = LegalHold(
        subject=locked,
        matter=(matter or "").strip(),
        scope=(scope or "").strip(),
        approver_user_id=approver_user_id,
        reason=(reason or "").strip(),
        placed_by_user_id=placed_by_user_id,
    )
    _clean(hold, exclude=["subject"])
    hold.save()
    return hold


@transaction.atomic
def legal_hold_release(
    *, hold: LegalHold, released_by_user_id: int, release_reason: str
) -> LegalHold:
    """Release a hold, saying why; the hold stays on record."""
    if not (release_reason or "").strip():
        raise InvalidMemory({"release_reason": "is required to release a hold"})
    ledger.subject_lock(hold.subject_id)
    current = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if current.released_at is not None:
        raise InvalidTransition(
            "This hold was already released.", extra={"hold_id": current.pk}
        )
    current.released_at = timezone.now()
    current.released_by_user_id = released_by_user_id
    current.release_reason = release_reason.strip()
    _clean(current, exclude=["subject"])
    current.save()
    return current


def subject_on_hold(subject: Subject) -> bool:
    """Return whether any hold on the subject is still in force."""
    return LegalHold.objects.filter(
        subject_id=subject.pk, released_at__isnull=True
    ).exists()


def _refuse_if_on_hold(subject: Subject) -> None:
    holds = list(
        LegalHold.objects.filter(
            subject_id=subject.pk, released_at__isnull=True
        ).values_list("pk", "matter")
    )
    if holds:
        raise LegalHoldActive(
            "This subject is on legal hold; release every hold before erasing.",
            extra={"holds": [{"id": pk, "matter": matter} for pk, matter in holds]},
        )


# --- Erasure and retention -----------------------------------------------------------


def _erase_memories(
    *, subject: Subject, memory_ids: list[int], cause: Cause, reason: str, now
) -> tuple[int, int]:
    """Remove the content of these memories and of their events; log the erasure.

    The caller holds the subject's lock. Return (memories erased, events redacted).
    """
    memories = Memory.objects.filter(subject_id=subject.pk, pk__in=memory_ids)
    to_erase = list(
        memories.exclude(status=MemoryStatus.ERASED)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Memory.objects.filter(pk__in=to_erase).update(
        text=ERASED_TEXT,
        payload={},
        key="",
        embedding=None,
        status=MemoryStatus.ERASED,
        version=F("version") + 1,
        updated_at=now,
    )
    # The trigger allows exactly this update: content gone, every hashed column kept.
    events_redacted = (
        MemoryEvent.objects.filter(
            subject_id=subject.pk, memory_id__in=memory_ids, redacted_at__isnull=True
        )
        .filter(Q(before__isnull=False) | Q(after__isnull=False))
        .update(before=None, after=None, redacted_at=now)
    )
    if to_erase:
        ledger.append(
            subject=subject,
            entries=[
                Entry(
                    Memory(pk=pk, subject_id=subject.pk),
                    EventAction.ERASE,
                    None,
                    None,
                    reason,
                )
                for pk in to_erase
            ],
            cause=cause,
            occurred_at=now,
        )
    return len(to_erase), events_redacted


@transaction.atomic
def subject_erase(
    *, subject: Subject, requested_by_user_id: int, reason: str
) -> Erasure:
    """Erase a subject's memory, messages and ledger content; keep the digests.

    Refuse while any legal hold is in force. Messages keep their place in their
    conversation tree but lose their text, speaker, citations and external ids.
    """
    if not (reason or "").strip():
        raise InvalidMemory({"reason": "is required to erase a subject"})
    locked = ledger.subject_lock(subject.pk)
    if locked.erased_at is not None:
        raise SubjectErased(
            "This subject was already erased.", extra={"subject_id": locked.pk}
        )
    _refuse_if_on_hold(locked)
    now = timezone.now()
    memory_ids = list(
        Memory.objects.filter(subject_id=locked.pk).values_list("pk", flat=True)
    )
    memories_erased, memory_events_redacted = _erase_memories(
        subject=locked,
        memory_ids=memory_ids,
        cause=Cause.user(requested_by_user_id, ref="erasure"),
        reason=reason.strip(),
        now=now,
    )
    # Any other event of the subject still holding content loses it too.
    other_events_redacted = (
        MemoryEvent.objects.filter(subject_id=locked.pk, redacted_at__isnull=True)
        .filter(Q(before__isnull=False) | Q(after__isnull=False))
        .update(before=None, after=None, redacted_at=now)
    )
    # External ids are CRM identifiers of the person; an erased subject takes no
    # new import, so they are no longer needed for idempotency.
    messages_erased = Message.objects.filter(subject_id=locked.pk).update(
        text=ERASED_TEXT, speaker=ERASED_TEXT, citations=[], external_id=""
    )
    Conversation.objects.filter(subject_id=locked.pk).update(title="", external_id="")
    ImportJob.objects.filter(subject_id=locked.pk).update(error="")
    # Market references and alerts are derived, not records, and they name what
    # the person held and at what price: they go entirely.
    MarketAlert.objects.filter(subject_id=locked.pk).delete()
    MarketReference.objects.filter(subject_id=locked.pk).delete()
    Subject.objects.filter(pk=locked.pk).update(
        summary="", summary_updated_at=now, erased_at=now
    )
    erasure = Erasure(
        subject=locked,
        requested_by_user_id=requested_by_user_id,
        reason=reason.strip(),
        memories_erased=memories_erased,
        events_redacted=memory_events_redacted + other_events_redacted,
        messages_erased=messages_erased,
        erased_at=now,
    )
    _clean(erasure, exclude=["subject"])
    erasure.save()
    return erasure


EXPIRY_CAUSE_REF = "memory_expiry_sweep"


def memory_expiry_sweep(*, now: datetime | None = None) -> int:
    """Erase the content of every memory past its ``expires_at``; return how many.

    Subjects on legal hold are skipped. Each subject is swept in its own
    transaction, so one subject's lock is held only for its own memories.
    """
    now = now or timezone.now()
    held = LegalHold.objects.filter(released_at__isnull=True)
    subject_ids = (
        Memory.objects.filter(expires_at__lte=now, subject__erased_at__isnull=True)
        .exclude(status=MemoryStatus.ERASED)
        .exclude(subject_id__in=held.values("subject_id"))
        .order_by("subject_id")
        .values_list("subject_id", flat=True)
        .distinct()
    )
    return sum(
        _subject_expire(subject_id=subject_id, now=now) for subject_id in subject_ids
    )


@transaction.atomic
def _subject_expire(*, subject_id: int, now: datetime) -> int:
    locked = ledger.subject_lock(subject_id)
    if locked.erased_at is not None or subject_on_hold(locked):
        return 0  # erased or held since the sweep listed it
    expired = list(
        Memory.objects.filter(subject_id=subject_id, expires_at__lte=now)
        .exclude(status=MemoryStatus.ERASED)
        .values_list("pk", flat=True)
    )
    erased, _ = _erase_memories(
        subject=locked,
        memory_ids=expired,
        cause=Cause.task(EXPIRY_CAUSE_REF),
        reason="retention period ended",
        now=now,
    )
    return erased


# --- Export --------------------------------------------------------------------------


def _digest(part) -> str:
    return hashlib.sha256(ledger.canonical(part)).hexdigest()


def _event_row(event: MemoryEvent) -> dict:
    return {
        "id": event.pk,
        "subject_id": event.subject_id,
        "tenant_id": event.tenant_id,
        "sequence": event.sequence,
        "memory_id": event.memory_id,
        "action": event.action,
        "before": event.before,
        "after": event.after,
        "content_digest": event.content_digest,
        "cause_type": event.cause_type,
        "cause_user_id": event.cause_user_id,
        "cause_message_id": event.cause_message_id,
        "cause_ref": event.cause_ref,
        "reason": event.reason,
        "occurred_at": ledger.iso(event.occurred_at),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "redacted_at": ledger.iso(event.redacted_at),
    }


@transaction.atomic
def subject_export(*, subject: Subject) -> dict:
    """Return a subject's memories, messages and full ledger, with a manifest.

    The manifest holds a SHA-256 of each part's canonical JSON and the chain's
    head, so ``export_verify`` can tell whether the export was altered.
    """
    # The lock makes memories, messages and events one consistent cut.
    locked = ledger.subject_lock(subject.pk)
    memories = (
        Memory.objects.filter(subject_id=locked.pk)
        .prefetch_related("source_messages")
        .order_by("pk")
    )
    events = MemoryEvent.objects.filter(subject_id=locked.pk).order_by("sequence")
    messages = Message.objects.filter(subject_id=locked.pk).order_by("pk")
    parts = {
        "subject": {
            "id": locked.pk,
            "tenant_id": locked.tenant_id,
            "kind": locked.kind,
            "summary": locked.summary,
            "erased_at": ledger.iso(locked.erased_at),
            "ledger_length": locked.ledger_length,
            "ledger_head": locked.ledger_head,
        },
        "memories": [
            ledger.snapshot(m, [msg.pk for msg in m.source_messages.all()])
            for m in memories
        ],
        "events": [_event_row(e) for e in events.iterator(chunk_size=2000)],
        "messages": [
            {
                "id": m.pk,
                "conversation_id": m.conversation_id,
                "parent_id": m.parent_id,
                "role": m.role,
                "speaker": m.speaker,
                "text": m.text,
                "occurred_at": ledger.iso(m.occurred_at),
                "external_id": m.external_id,
                "status": m.status,
            }
            for m in messages
        ],
    }
    parts["manifest"] = {
        "format": EXPORT_FORMAT,
        "subject_id": locked.pk,
        "exported_at": ledger.iso(timezone.now()),
        "events": len(parts["events"]),
        "chain_head": locked.ledger_head or ledger.GENESIS,
        "sha256": {name: _digest(parts[name]) for name in EXPORT_PARTS},
    }
    parts["manifest"]["signature"] = _signature(parts["manifest"])
    return parts


def _signature(manifest: dict) -> str:
    # Keyed by the installation's secret: whoever edits a part and rewrites its
    # digest still cannot produce the manifest's signature.
    unsigned = {name: value for name, value in manifest.items() if name != "signature"}
    return salted_hmac(
        EXPORT_SIGNATURE_SALT, ledger.canonical(unsigned), algorithm="sha256"
    ).hexdigest()


def _export_chain_problem(events: list[dict], subject_id: int) -> str:
    prev = ledger.GENESIS
    for expected, row in enumerate(events, start=1):
        event = MemoryEvent(
            subject_id=row["subject_id"],
            tenant_id=row["tenant_id"],
            sequence=row["sequence"],
            memory_id=row["memory_id"],
            action=row["action"],
            before=row["before"],
            after=row["after"],
            content_digest=row["content_digest"],
            cause_type=row["cause_type"],
            cause_user_id=row["cause_user_id"],
            cause_message_id=row["cause_message_id"],
            cause_ref=row["cause_ref"],
            reason=row["reason"],
            occurred_at=datetime.fromisoformat(row["occurred_at"]),
            prev_hash=row["prev_hash"],
            hash=row["hash"],
            redacted_at=row["redacted_at"],
        )
        problem = ledger.event_problem(event, expected_sequence=expected, prev=prev)
        if event.subject_id != subject_id:
            problem = "belongs to another subject"
        if problem:
            return f"event {row['sequence']}: {problem}"
        prev = row["hash"]
    return ""


def export_verify(export: dict) -> bool:
    """Return whether an export is exactly as ``subject_export`` produced it.

    Check the manifest's signature, each part against its digest, and the
    exported ledger as a chain of its own.
    """
    try:
        manifest = export["manifest"]
        if not constant_time_compare(manifest["signature"], _signature(manifest)):
            return False
        digests = manifest["sha256"]
        if set(digests) != set(EXPORT_PARTS):
            return False
        if any(_digest(export[name]) != digests[name] for name in EXPORT_PARTS):
            return False
        events = export["events"]
        subject_id = manifest["subject_id"]
        if export["subject"]["id"] != subject_id or manifest["events"] != len(events):
            return False
        head = events[-1]["hash"] if events else ledger.GENESIS
        if manifest["chain_head"] != head:
            return False
        return not _export_chain_problem(events, subject_id)
    except (KeyError, TypeError, ValueError, IndexError):
        return False


# --- Access log and revert -----------------------------------------------------------


@transaction.atomic
def subject_access_record(
    *, subject: Subject, user_id: int, surface: str
) -> SubjectAccess:
    """Record that a user viewed a subject's memory, and where."""
    access = SubjectAccess(
        subject=subject, tenant_id=subject.tenant_id, user_id=user_id, surface=surface
    )
    _clean(access, exclude=["subject"])
    access.save()
    return access


@transaction.atomic
def memory_revert_to(
    *, memory: Memory, event: MemoryEvent, cause: Cause, reason: str
) -> Memory:
    """Bring a memory back to the version recorded by ``event``, as a revert event."""
    if event.memory_id != memory.pk:
        raise InvalidTransition(
            "That version belongs to another memory.",
            extra={"memory_id": memory.pk, "event_id": event.pk},
        )
    if event.redacted_at is not None or event.after is None:
        raise InvalidTransition(
            "That version's content was erased; it cannot be restored.",
            extra={"event_id": event.pk},
        )
    return services.memory_restore(
        memory=memory,
        event=event,
        cause=cause,
        reason=(reason or "").strip(),
        action=EventAction.REVERT,
    )
