"""The model composer: an OpenAI-compatible chat model, with memory tools.

The model is shown the subject's standing context and what the search found,
each memory with its id, and answers in a few tool rounds at most: it may
search, record, update or retract memories and read stored quotes
(``tools.MemoryTools``), each through the memory services with the reply as its
cause. It names the memories it relies on as ``[#id]``; those become the reply's
citations. A model error or timeout raises ``ReplyFailed``: the turn then
undoes what the tools wrote.
"""

from __future__ import annotations

import json
import re

from memory.llm import ModelAdapter, ModelError
from memory.models import MemoryKind, MessageRole

from .composer import Composition, ReplyFailed
from .grounding import Grounding
from .tools import TOOL_SPECS, MemoryTools
from .wording import day, market_line

MAX_TOOL_ROUNDS = 4
_CITED = re.compile(r"\[#(\d+)\]")
INSTRUCTIONS = """\
You are the digital twin of a financial advisory firm's memory. You answer \
{asker} about {about}, clearly and briefly, from the memories below and from \
your tools. Never invent a holding, a price or a fact; when you do not know, \
say so. Prices marked simulated are not market data: say so when you give one. \
When the user states a new fact about {about}, record it (or update or retract \
the memory it changes); these tools reach only this subject's memory. Name each \
memory you rely on by its tag, like [#12]. Today is {today}."""


def _memory_line(memory, freshness: dict | None, house: bool = False) -> str:
    tag = f"[#{memory.pk}] {memory.kind}"
    if house:
        tag += " (the firm's house view)"
    text = market_line(memory, freshness)
    return f"{tag}: {text} (stated {day(memory.valid_from or memory.recorded_at)})"


def system_prompt(grounding: Grounding) -> str:
    """Write the model's instructions and the memories it is shown."""
    freshness = grounding.freshness
    about = grounding.full_name
    if grounding.speaks_for_self:
        about = "your own views and coverage"
    lines = [
        INSTRUCTIONS.format(
            asker="an analyst" if grounding.speaks_for_self else "an advisor",
            about=about,
            today=day(grounding.now),
        ),
        "",
        "Standing memories:",
    ]
    lines += [_memory_line(m, freshness.get(m.pk)) for m in grounding.standing] or [
        "(none)"
    ]
    found = [
        hit
        for hit in grounding.hits
        if hit.memory.pk not in {m.pk for m in grounding.standing}
    ]
    if found:
        lines += ["", "Found for this question:"]
        for hit in found:
            memory = hit.memory
            if memory.kind == MemoryKind.EPISODE:
                lines.append(
                    f"[#{memory.pk}] earlier turn ({day(memory.valid_from)}): "
                    f"{memory.text}"
                )
            else:
                lines.append(
                    _memory_line(
                        memory,
                        freshness.get(memory.pk) or hit.freshness,
                        house=memory.subject_id != grounding.subject.pk,
                    )
                )
    return "\n".join(lines)


def conversation_messages(grounding: Grounding) -> list[dict]:
    """Return the chat so far on this branch, then the turn to answer."""
    messages = [{"role": "system", "content": system_prompt(grounding)}]
    for message in grounding.history:
        if message.role in (MessageRole.USER, MessageRole.ASSISTANT):
            messages.append({"role": message.role, "content": message.text})
    messages.append({"role": "user", "content": grounding.message.text})
    return messages


class ModelComposer:
    """Compose replies with a chat model that can use the memory tools."""

    name = "model"

    def __init__(self, adapter: ModelAdapter, max_tool_rounds: int = MAX_TOOL_ROUNDS):
        self.adapter = adapter
        self.max_tool_rounds = max_tool_rounds

    @classmethod
    def from_settings(cls) -> ModelComposer:
        return cls(ModelAdapter.from_settings())

    def compose(self, grounding: Grounding, *, tools: MemoryTools) -> Composition:
        messages = conversation_messages(grounding)
        model = self.adapter.chat_model_name
        tools.author_label = f"model:{model}"
        for round_number in range(self.max_tool_rounds + 1):
            last = round_number == self.max_tool_rounds
            try:
                reply = self.adapter.chat(
                    messages=messages,
                    tools=TOOL_SPECS,
                    tool_choice="none" if last else "auto",
                )
            except ModelError as error:
                raise ReplyFailed(error.message) from error
            model = reply["model"] or model
            tools.author_label = f"model:{model}"
            if not reply["tool_calls"]:
                return self._composition(reply, grounding, tools, model)
            if last:
                raise ReplyFailed(
                    f"model {model} still called tools after "
                    f"{self.max_tool_rounds} rounds"
                )
            messages.append(ModelAdapter.tool_calls_message(reply))
            for call in reply["tool_calls"]:
                result = tools.run(call["name"], call["arguments"])
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call["id"],
                        "content": json.dumps(result, default=str),
                    }
                )
        raise ReplyFailed("no reply")  # not reached: the last round returns or raises

    def _composition(
        self, reply: dict, grounding: Grounding, tools: MemoryTools, model: str
    ) -> Composition:
        text = (reply["content"] or "").strip()
        if not text:
            raise ReplyFailed(f"model {model} gave an empty reply")
        allowed = grounding.memory_ids | set(tools.touched)
        marked = [int(pk) for pk in _CITED.findall(text)]
        cited = list(dict.fromkeys(pk for pk in marked if pk in allowed))
        if not marked:
            # Unmarked, the reply rests on what the tools reached, or else on
            # the memories the search found for the question.
            cited = list(tools.touched) or [hit.memory.pk for hit in grounding.hits[:5]]
        return Composition(
            text=text,
            cited=cited,
            author=f"model:{model}",
            operations=tools.operations,
        )
