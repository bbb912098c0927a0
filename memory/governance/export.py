"""Export: a subject's memory, messages and ledger, with a manifest to verify it.

The manifest holds a SHA-256 of each part's canonical JSON and the chain's head,
signed with the installation's secret, so ``export_verify`` can tell whether an
export was altered.
"""

import hashlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from memory.ledger.canonical import canonical, iso
from memory.ledger.chain import GENESIS, subject_lock
from memory.ledger.states import snapshot
from memory.ledger.verify import event_problem
from memory.models import Memory, MemoryEvent, Message, Subject

EXPORT_FORMAT = "advisor-twin/memory-export/1"
EXPORT_PARTS = ("subject", "memories", "events", "messages")
# The salt names the module that first signed exports; kept so they still verify.
EXPORT_SIGNATURE_SALT = "memory.governance.subject_export"


def _digest(part) -> str:
    return hashlib.sha256(canonical(part)).hexdigest()


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
        "occurred_at": iso(event.occurred_at),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
        "redacted_at": iso(event.redacted_at),
        "chain_version": event.chain_version,
    }


@transaction.atomic
def subject_export(*, subject: Subject) -> dict:
    """Return a subject's memories, messages and full ledger, with a manifest.

    The manifest holds a SHA-256 of each part's canonical JSON and the chain's
    head, so ``export_verify`` can tell whether the export was altered.
    """
    # The lock makes memories, messages and events one consistent cut.
    locked = subject_lock(subject.pk)
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
            "erased_at": iso(locked.erased_at),
            "ledger_length": locked.ledger_length,
            "ledger_head": locked.ledger_head,
        },
        "memories": [
            snapshot(m, [msg.pk for msg in m.source_messages.all()]) for m in memories
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
                "occurred_at": iso(m.occurred_at),
                "external_id": m.external_id,
                "status": m.status,
            }
            for m in messages
        ],
    }
    parts["manifest"] = {
        "format": EXPORT_FORMAT,
        "subject_id": locked.pk,
        "exported_at": iso(timezone.now()),
        "events": len(parts["events"]),
        "chain_head": locked.ledger_head or GENESIS,
        "sha256": {name: _digest(parts[name]) for name in EXPORT_PARTS},
    }
    parts["manifest"]["signature"] = _signature(parts["manifest"])
    return parts


def _signature(manifest: dict) -> str:
    # Keyed by the installation's secret: whoever edits a part and rewrites its
    # digest still cannot produce the manifest's signature.
    unsigned = {name: value for name, value in manifest.items() if name != "signature"}
    return salted_hmac(
        EXPORT_SIGNATURE_SALT, canonical(unsigned), algorithm="sha256"
    ).hexdigest()


def _export_chain_problem(events: list[dict], subject_id: int) -> str:
    prev = GENESIS
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
            # Exports made before chain version 2 hold only version 1 events.
            chain_version=row.get("chain_version", 1),
        )
        problem = event_problem(event, expected_sequence=expected, prev=prev)
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
        head = events[-1]["hash"] if events else GENESIS
        if manifest["chain_head"] != head:
            return False
        return not _export_chain_problem(events, subject_id)
    except (KeyError, TypeError, ValueError, IndexError):
        return False
