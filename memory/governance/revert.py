"""Compliance's revert: a memory brought back to a recorded version, as a new event."""

from django.db import transaction

from memory.errors import InvalidTransition
from memory.ledger.chain import Cause
from memory.models import EventAction, Memory, MemoryEvent
from memory.services import memory_restore


@transaction.atomic
def memory_revert_to(
    *, memory: Memory, event: MemoryEvent, cause: Cause, reason: str
) -> Memory:
    """Bring a memory back to the version recorded by ``event``, as a revert event.

    Which versions qualify is ``memory_restore``'s rule (``restorable_versions``).
    """
    if event.memory_id != memory.pk:
        raise InvalidTransition(
            "That version belongs to another memory.",
            extra={"memory_id": memory.pk, "event_id": event.pk},
        )
    return memory_restore(
        memory=memory,
        event=event,
        cause=cause,
        reason=(reason or "").strip(),
        action=EventAction.REVERT,
    )
