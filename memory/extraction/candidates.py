"""The shared shape of what an extractor proposes, before reconciliation."""

from dataclasses import dataclass, field
from enum import StrEnum

KINDS = ("profile", "goal", "preference", "holding", "view", "fact")


class CandidateAction(StrEnum):
    # ASSERT adds a memory, or supersedes the memory that holds the same key.
    ASSERT = "assert"
    # RETRACT says the memory with this key is no longer true.
    RETRACT = "retract"


@dataclass(frozen=True)
class Candidate:
    """A memory an extractor found stated in one message.

    ``key`` names the slot the fact fills ("holding:AAPL:ira",
    "profile:risk_tolerance"), so a later statement about the same slot supersedes
    or retracts it. ``payload`` holds JSON-serialisable values only.
    """

    kind: str
    key: str
    text: str
    payload: dict = field(default_factory=dict)
    action: CandidateAction = CandidateAction.ASSERT
    confidence: float = 0.8
    importance: float = 0.5
    evidence: str = ""


@dataclass(frozen=True)
class PriorTurn:
    """A turn said just before the message being read, and who said it.

    "About fifteen years." is an investment horizon only after "What's your
    time horizon?"; an extractor reads the turns before a message for that.
    """

    role: str
    text: str
