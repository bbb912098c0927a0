"""The memory audit admin: memories, their version timeline, the ledger, holds.

For compliance only, and scoped to the staff user's tenant (``memory.tenancy``
says which, and what they may do): nothing here adds, edits or deletes a memory
or an event. Changes go through the services (revert, legal hold, erasure) and
so leave their own ledger record; every view of a memory or subject is written
to the access log. Importing this package registers one admin per module.
"""

from . import (
    access,
    conversations,
    erasures,
    events,
    extraction,
    holds,
    memories,
    subjects,
)
from .base import CONFIRM_TEMPLATE, ReasonForm

__all__ = [
    "CONFIRM_TEMPLATE",
    "ReasonForm",
    "access",
    "conversations",
    "erasures",
    "events",
    "extraction",
    "holds",
    "memories",
    "subjects",
]
