"""The memory tools a chat model may call: search, record, update, retract, quote.

Each runs through the memory services, with the reply's message as its cause, so
a rollback of the conversation reverts what a tool wrote like anything else the
turn caused. The tools are bound to one subject: a call naming another
subject's memory (or another subject) is refused, and the refusal is told to
the model and kept among the reply's operations. Operations record ids only:
nothing a client said is copied there, so erasure has nothing to chase.
"""

from __future__ import annotations

from django.utils import timezone

from market.models import QuoteSource
from market.selectors import latest_quotes
from memory.errors import MemoryEngineError
from memory.ledger.chain import Cause
from memory.ledger.replay import memory_versions_current
from memory.models import (
    Memory,
    MemoryKind,
    MemorySource,
    MemoryStatus,
    Message,
    Subject,
    SubjectKind,
)
from memory.readings.reading import age_text
from memory.recall.search import memory_search
from memory.selectors import SEMANTIC_KINDS, memory_get
from memory.services import memory_record, memory_retract, memory_supersede

from .wording import quote_note

SEARCH_LIMIT = 8
# Arguments a model might use to point a tool at someone else's memory.
SUBJECT_ARGUMENTS = ("subject_id", "subject", "client_id", "client", "analyst_id")

_KIND = {"type": "string", "enum": SEMANTIC_KINDS}
TOOL_SPECS = [
    {
        "type": "function",
        "function": {
            "name": "search_memories",
            "description": "Search this subject's memories by meaning and words.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "kinds": {"type": "array", "items": _KIND},
                },
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "record_memory",
            "description": (
                "Record a new memory of this subject: a profile fact, goal, "
                "preference, holding, view or fact stated in the conversation."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "kind": {
                        "type": "string",
                        "enum": [k for k in SEMANTIC_KINDS if k != MemoryKind.EPISODE],
                    },
                    "text": {"type": "string"},
                    "payload": {"type": "object"},
                    "key": {"type": "string"},
                },
                "required": ["kind", "text", "payload"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "update_memory",
            "description": (
                "Replace what a memory says with a newer statement; the old one "
                "stays in history, superseded."
            ),
            "parameters": {
                "type": "object",
                "properties": {
                    "memory_id": {"type": "integer"},
                    "text": {"type": "string"},
                    "payload": {"type": "object"},
                    "reason": {"type": "string"},
                },
                "required": ["memory_id", "text"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "retract_memory",
            "description": "Mark a memory as no longer true.",
            "parameters": {
                "type": "object",
                "properties": {
                    "memory_id": {"type": "integer"},
                    "reason": {"type": "string"},
                },
                "required": ["memory_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_quote",
            "description": "The freshest stored quote of an instrument, with its age.",
            "parameters": {
                "type": "object",
                "properties": {"symbol": {"type": "string"}},
                "required": ["symbol"],
            },
        },
    },
]
TOOL_NAMES = {
    "search_memories": "search",
    "record_memory": "record",
    "update_memory": "update",
    "retract_memory": "retract",
    "get_quote": "quote",
}


class ToolRefused(Exception):
    """A tool call that is not this subject's to make."""


class MemoryTools:
    """The memory tools of one reply, bound to its subject and its cause."""

    def __init__(
        self,
        *,
        subject: Subject,
        cause: Cause,
        source_message: Message,
        author_label: str = "",
    ) -> None:
        self.subject = subject
        self.cause = cause
        self.source_message = source_message
        self.author_label = author_label
        self.operations: list[dict] = []
        # Memories the tools read or wrote, in order: what the reply relied on.
        self.touched: list[int] = []

    def run(self, name: str, arguments: dict) -> dict:
        """Run one tool call; return what the model is told of the result."""
        tool = TOOL_NAMES.get(name)
        if tool is None:
            return self._note({"tool": name}, "failed", f"there is no tool {name}")
        operation = {"tool": tool}
        try:
            self._refuse_other_subjects(arguments)
            return getattr(self, f"_{tool}")(operation, arguments)
        except ToolRefused as refusal:
            return self._note(operation, "refused", str(refusal))
        except MemoryEngineError as error:
            fields = sorted((error.extra.get("fields") or {}).keys())
            detail = f"invalid {', '.join(fields)}" if fields else error.message
            return self._note(operation, "failed", detail, error=error.message)

    # --- the tools -----------------------------------------------------------------

    def _search(self, operation: dict, arguments: dict) -> dict:
        query = _text(arguments, "query")
        kinds = [k for k in arguments.get("kinds") or [] if k in SEMANTIC_KINDS]
        hits = memory_search(
            subject=self.subject,
            query=query,
            kinds=kinds or None,
            limit=SEARCH_LIMIT,
            include_house_views=self.subject.kind == SubjectKind.CLIENT,
        )
        self._touch(hit.memory.pk for hit in hits)
        self._note(operation, "read", f"{len(hits)} memories found")
        return {
            "memories": [
                {
                    "id": hit.memory.pk,
                    "kind": hit.memory.kind,
                    "text": hit.memory.text,
                    "payload": hit.memory.payload,
                    "version": hit.memory.version,
                    "house_view": hit.memory.subject_id != self.subject.pk,
                    "reading": hit.memory.reading or None,
                    "quote": quote_note(hit.freshness) if hit.freshness else None,
                }
                for hit in hits
            ]
        }

    def _record(self, operation: dict, arguments: dict) -> dict:
        kind = _text(arguments, "kind")
        if kind not in SEMANTIC_KINDS or kind == MemoryKind.EPISODE:
            raise ToolRefused(f"a memory of kind {kind!r} cannot be recorded")
        payload = arguments.get("payload") or {}
        if not isinstance(payload, dict):
            raise ToolRefused("payload must be an object")
        memory = memory_record(
            subject=self.subject,
            kind=kind,
            text=_text(arguments, "text"),
            payload=payload,
            key=str(arguments.get("key") or ""),
            cause=self.cause,
            source=MemorySource.MESSAGE,
            source_messages=[self.source_message],
            author_label=self.author_label,
            valid_from=self.source_message.occurred_at,
        )
        return self._written(operation, memory, "create")

    def _update(self, operation: dict, arguments: dict) -> dict:
        memory = self._own_memory(arguments)
        payload = arguments.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise ToolRefused("payload must be an object")
        successor = memory_supersede(
            memory=memory,
            cause=self.cause,
            text=_text(arguments, "text"),
            payload=memory.payload if payload is None else payload,
            source=MemorySource.MESSAGE,
            source_messages=[self.source_message],
            author_label=self.author_label,
            valid_from=self.source_message.occurred_at,
        )
        operation["replaces"] = memory.pk
        return self._written(operation, successor, "supersede")

    def _retract(self, operation: dict, arguments: dict) -> dict:
        memory = self._own_memory(arguments)
        memory_retract(
            memory=memory,
            cause=self.cause,
            valid_to=self.source_message.occurred_at,
            reason="retracted by the assistant, as the conversation said",
        )
        return self._written(operation, memory, "retract")

    def _quote(self, operation: dict, arguments: dict) -> dict:
        symbol = _text(arguments, "symbol").strip().upper()
        quote = latest_quotes(symbols=[symbol]).get(symbol)
        if quote is None:
            self._note(operation, "read", "no stored quote")
            return {"symbol": symbol, "error": "no quote is stored for it"}
        self._note(operation, "read", f"quote of {symbol}")
        simulated = quote.source == QuoteSource.SIMULATED
        return {
            "symbol": symbol,
            "price": str(quote.price),
            "currency": quote.instrument.currency,
            "as_of": quote.as_of.isoformat(),
            "source": quote.source,
            "simulated": simulated,
            "age": age_text(max((timezone.now() - quote.as_of).total_seconds(), 0)),
        }

    # --- helpers -------------------------------------------------------------------

    def _refuse_other_subjects(self, arguments: dict) -> None:
        for name in SUBJECT_ARGUMENTS:
            if name in arguments and str(arguments[name]) != str(self.subject.pk):
                raise ToolRefused(
                    "these tools reach only the memory of the subject of this "
                    "conversation"
                )

    def _own_memory(self, arguments: dict) -> Memory:
        raw = arguments.get("memory_id")
        try:
            memory_id = int(raw)
        except (TypeError, ValueError):
            raise ToolRefused("memory_id must be a memory's id") from None
        memory = memory_get(
            subject=self.subject,
            memory_id=memory_id,
            statuses=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
        )
        if memory is None or memory.kind == MemoryKind.EPISODE:
            # Whether it exists elsewhere is not this conversation's to know.
            raise ToolRefused(
                f"memory {memory_id} is not one of this subject's current memories"
            )
        self._touch([memory.pk])
        return memory

    def _written(self, operation: dict, memory: Memory, action: str) -> dict:
        event = memory_versions_current(memory_ids=[memory.pk])[memory.pk]
        operation.update({"memory": memory.pk, "action": action, "event": event.pk})
        self._touch([memory.pk])
        told = self._note(operation, "applied", f"{action} memory {memory.pk}")
        return {**told, "id": memory.pk, "version": memory.version}

    def _touch(self, memory_ids) -> None:
        for memory_id in memory_ids:
            if memory_id not in self.touched:
                self.touched.append(memory_id)

    def _note(self, operation: dict, status: str, detail: str, **told) -> dict:
        operation.update({"status": status, "detail": detail})
        self.operations.append(operation)
        return {"status": status, "detail": detail, **told}


def _text(arguments: dict, name: str) -> str:
    value = arguments.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ToolRefused(f"{name} must be some text")
    if "\x00" in value:
        raise ToolRefused(f"{name} must not contain NUL characters")
    return value
