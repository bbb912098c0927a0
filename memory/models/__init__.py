"""The memory engine's records: subjects, conversations, memories and the ledger.

The engine knows subjects and tenants (firms, by key), never clients, advisors or
pages: a client or an analyst *has* a subject. One module per part; every model
and choice is importable from ``memory.models``.
"""

from .conversations import (
    MESSAGE_ROLE_OF,
    Conversation,
    Message,
    MessageRole,
    MessageStatus,
    SpeakerRole,
)
from .extraction import ExtractionFailure
from .fields import CanonicalJSONField
from .governance import Erasure, LegalHold, SubjectAccess
from .imports import ImportJob
from .ledger import CauseType, EventAction, MemoryEvent
from .memories import (
    Memory,
    MemoryKind,
    MemorySource,
    MemoryStatus,
    ProposalAction,
    RetentionClass,
)
from .references import (
    MarketAlert,
    MarketAlertKind,
    MarketReference,
    StatedPriceSource,
)
from .subjects import MemoryPolicy, Subject, SubjectKind

__all__ = [
    "MESSAGE_ROLE_OF",
    "CanonicalJSONField",
    "CauseType",
    "Conversation",
    "Erasure",
    "EventAction",
    "ExtractionFailure",
    "ImportJob",
    "LegalHold",
    "MarketAlert",
    "MarketAlertKind",
    "MarketReference",
    "Memory",
    "MemoryEvent",
    "MemoryKind",
    "MemoryPolicy",
    "MemorySource",
    "MemoryStatus",
    "Message",
    "MessageRole",
    "MessageStatus",
    "ProposalAction",
    "RetentionClass",
    "SpeakerRole",
    "StatedPriceSource",
    "Subject",
    "SubjectAccess",
    "SubjectKind",
]
