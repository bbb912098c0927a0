"""Legal holds: a matter that stops a subject's erasure and expiry until released."""

from django.db import transaction
from django.utils import timezone

from memory.errors import (
    InvalidMemory,
    InvalidTransition,
    LegalHoldActive,
    full_clean_or_raise,
)
from memory.ledger.chain import subject_lock
from memory.models import LegalHold, Subject


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
    locked = subject_lock(subject.pk)
    hold = LegalHold(
        subject=locked,
        matter=(matter or "").strip(),
        scope=(scope or "").strip(),
        approver_user_id=approver_user_id,
        reason=(reason or "").strip(),
        placed_by_user_id=placed_by_user_id,
    )
    full_clean_or_raise(hold, exclude=["subject"])
    hold.save()
    return hold


@transaction.atomic
def legal_hold_release(
    *, hold: LegalHold, released_by_user_id: int, release_reason: str
) -> LegalHold:
    """Release a hold, saying why; the hold stays on record."""
    if not (release_reason or "").strip():
        raise InvalidMemory({"release_reason": "is required to release a hold"})
    subject_lock(hold.subject_id)
    current = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if current.released_at is not None:
        raise InvalidTransition(
            "This hold was already released.", extra={"hold_id": current.pk}
        )
    current.released_at = timezone.now()
    current.released_by_user_id = released_by_user_id
    current.release_reason = release_reason.strip()
    full_clean_or_raise(current, exclude=["subject"])
    current.save()
    return current


def subject_on_hold(subject: Subject) -> bool:
    """Return whether any hold on the subject is still in force."""
    return LegalHold.objects.filter(
        subject_id=subject.pk, released_at__isnull=True
    ).exists()


def refuse_if_on_hold(subject: Subject) -> None:
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
