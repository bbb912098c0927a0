"""Erasure: a client's right to be forgotten, with the ledger still verifiable.

Erasure removes content (texts, payloads, embeddings, the states and reasons
inside ledger events) and keeps the ledger's digests, so the chain still
verifies and still shows who erased what, and why. A legal hold blocks it
(``holds``). What the engine cannot see — the people's own records, the traces
web requests left — the tenancy provider removes when told (``subject_erased``).

Reasons: an event of chain version 2 holds its reason inside its content digest,
so erasure clears it with the states. A version 1 event (written before that
version) hashed its reason as text: it keeps it, or its chain would break.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from memory import tenancy
from memory.errors import InvalidMemory, SubjectErased, full_clean_or_raise
from memory.ledger.chain import Cause, Entry, append, subject_lock
from memory.ledger.replay import CITATION_IDENTITY
from memory.models import (
    Conversation,
    Erasure,
    EventAction,
    ImportJob,
    MarketAlert,
    MarketReference,
    Memory,
    MemoryEvent,
    MemoryStatus,
    Message,
    Subject,
)

from .holds import refuse_if_on_hold

ERASED_TEXT = "[erased]"


def _citations_without_content() -> RawSQL:
    """Return each citation of a message with its identity only (ids, hash)."""
    keys = ", ".join(f"'{key}', c -> '{key}'" for key in CITATION_IDENTITY)
    return RawSQL(
        f"coalesce((SELECT jsonb_agg(jsonb_build_object({keys})) "
        "FROM jsonb_array_elements(memory_message.citations) AS c), '[]'::jsonb)",
        [],
    )


def _redact_events(events, *, now) -> int:
    """Remove the states, and the reasons where the chain allows, of these events.

    The trigger allows exactly this update: every hashed column kept.
    """
    return events.filter(redacted_at__isnull=True).update(
        before=None,
        after=None,
        reason=Case(
            When(chain_version__gte=2, then=Value("")),
            default=F("reason"),
            output_field=TextField(),
        ),
        redacted_at=now,
    )


def _admin_log_scrub(model, object_ids) -> int:
    """Remove the names the admin's history kept of these objects."""
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return 0
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids
    ).update(object_repr=ERASED_TEXT, change_message="")


def erase_memories(
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
    events_redacted = _redact_events(
        MemoryEvent.objects.filter(
            subject_id=subject.pk, memory_id__in=memory_ids
        ).filter(_with_content()),
        now=now,
    )
    _admin_log_scrub(Memory, to_erase)
    if to_erase:
        append(
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


def _with_content() -> Q:
    """Events still holding content: states, or a reason erasure may remove.

    An erase event keeps its reason: it is the erasure's, kept on its record.
    """
    return (
        Q(before__isnull=False)
        | Q(after__isnull=False)
        | (Q(chain_version__gte=2) & ~Q(reason="") & ~Q(action=EventAction.ERASE))
    )


@transaction.atomic
def subject_erase(
    *, subject: Subject, requested_by_user_id: int, reason: str
) -> Erasure:
    """Erase a subject's memory, messages and ledger content; keep the digests.

    Refuse while any legal hold is in force. Messages keep their place in their
    conversation tree but lose their text, speaker and external ids; a reply's
    citations keep only the ids and hashes of the versions they name (what
    quote and which instrument go), so they still resolve, to the erasure.
    """
    if not (reason or "").strip():
        raise InvalidMemory({"reason": "is required to erase a subject"})
    locked = subject_lock(subject.pk)
    if locked.erased_at is not None:
        raise SubjectErased(
            "This subject was already erased.", extra={"subject_id": locked.pk}
        )
    refuse_if_on_hold(locked)
    now = timezone.now()
    memory_ids = list(
        Memory.objects.filter(subject_id=locked.pk).values_list("pk", flat=True)
    )
    memories_erased, memory_events_redacted = erase_memories(
        subject=locked,
        memory_ids=memory_ids,
        cause=Cause.user(requested_by_user_id, ref="erasure"),
        reason=reason.strip(),
        now=now,
    )
    # Any other event of the subject still holding content loses it too.
    other_events_redacted = _redact_events(
        MemoryEvent.objects.filter(subject_id=locked.pk).filter(_with_content()),
        now=now,
    )
    # External ids are CRM identifiers of the person; an erased subject takes no
    # new import, so they are no longer needed for idempotency.
    messages = Message.objects.filter(subject_id=locked.pk)
    conversations = Conversation.objects.filter(subject_id=locked.pk)
    _admin_log_scrub(Message, messages.values_list("pk", flat=True))
    _admin_log_scrub(Conversation, conversations.values_list("pk", flat=True))
    _admin_log_scrub(Subject, [locked.pk])
    messages_erased = messages.update(
        text=ERASED_TEXT,
        speaker=ERASED_TEXT,
        citations=_citations_without_content(),
        failure_reason=Case(
            When(failure_reason="", then=Value("")), default=Value(ERASED_TEXT)
        ),
        external_id="",
    )
    conversations.update(title="", external_id="")
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
    full_clean_or_raise(erasure, exclude=["subject"])
    erasure.save()
    # The people's records and the traces of requests, in the same transaction:
    # an erasure that fails there leaves nothing half-done.
    tenancy.subject_erased(locked.pk)
    return erasure
