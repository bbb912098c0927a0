"""The reply composer's interface: what a composer is given and what it returns.

A composer reads a :class:`~memory.assistant.grounding.Grounding` (the question,
what the search found, the subject's standing context and its fresh readings)
and returns a :class:`Composition`: the reply's text, the memories it relied on
(the turn turns them into citations of their exact versions), who composed it,
and what its memory tools did. A composer that cannot reply raises
:class:`ReplyFailed` with the reason the user is shown; the turn keeps the user's
message, marks the reply failed, and undoes whatever the composer's tools wrote.

Two composers, chosen by the ``ASSISTANT_COMPOSER`` setting: ``offline`` (the
default: answers from the retrieved memories and stored quotes, no model) and
``model`` (an OpenAI-compatible chat model with memory tools).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .grounding import Grounding
    from .tools import MemoryTools


class ReplyFailed(Exception):
    """The composer could not reply; ``reason`` says why, in the user's words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Composition:
    """A composed reply, before it is stored."""

    text: str
    # The memories the reply relied on, in the order it names them.
    cited: list[int]
    # What composed it: "offline-composer/1", "model:gpt-4o-mini".
    author: str
    # What its memory tools did, by id only (``MemoryTools.operations``).
    operations: list[dict] = field(default_factory=list)


class Composer(Protocol):
    name: str

    def compose(self, grounding: Grounding, *, tools: MemoryTools) -> Composition: ...
