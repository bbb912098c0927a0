"""Retention: memories past their expiry lose their content, unless a hold stops it."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from memory.ledger.chain import Cause, subject_lock
from memory.models import LegalHold, Memory, MemoryStatus

from .erasure import erase_memories
from .holds import subject_on_hold

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
    locked = subject_lock(subject_id)
    if locked.erased_at is not None or subject_on_hold(locked):
        return 0  # erased or held since the sweep listed it
    expired = list(
        Memory.objects.filter(subject_id=subject_id, expires_at__lte=now)
        .exclude(status=MemoryStatus.ERASED)
        .values_list("pk", flat=True)
    )
    erased, _ = erase_memories(
        subject=locked,
        memory_ids=expired,
        cause=Cause.task(EXPIRY_CAUSE_REF),
        reason="retention period ended",
        now=now,
    )
    return erased
