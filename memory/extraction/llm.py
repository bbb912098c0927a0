"""The LLM extractor: any OpenAI-compatible chat model, with structured output.

It goes through the one model adapter (``memory.llm``) and returns the same
``Candidate`` objects as the rules extractor, so reconciliation is shared. The
model's name is recorded as the author of what it extracts.
"""

import json
from datetime import datetime

from .candidates import KINDS, Candidate, CandidateAction

SYSTEM = """You extract durable facts about a financial-advisory client (or, for an \
analyst, the analyst's own market views) from ONE message of a conversation.
Return only facts the message states about the subject (not about relatives' own \
portfolios, not hypotheticals). Each fact fills a slot named by `key`:
holding:SYMBOL[:account], profile:risk_tolerance, profile:horizon_years, \
goal:<topic>, preference:<avoids|likes>:<sector|instrument>:<name>, view:SYMBOL, \
fact:<category>:<topic>. Reuse the key of an existing memory when the message \
updates or contradicts it. Use action "retract" when the message says a fact is no \
longer true (sold everything, no longer avoids...). `payload_json` is a JSON object \
of structured fields: holding {instrument, quantity, cost_basis, currency, account}; \
profile {risk_tolerance (conservative|moderately_conservative|moderate|\
moderately_aggressive|aggressive), horizon_years}; goal {goal, target_date, \
target_age, amount, currency}; preference {topic, polarity (likes|avoids), \
instruments, sectors}; view {instrument or sector, stance (bullish|bearish|neutral), \
target_price, horizon, horizon_months, conviction (low|medium|high)}; fact {category, \
...}. Confidence below 0.6 for hedged statements. `text` is one short third-person \
sentence. Return an empty list when the message states nothing durable."""

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["memories"],
    "properties": {
        "memories": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "kind",
                    "key",
                    "text",
                    "payload_json",
                    "action",
                    "confidence",
                    "importance",
                ],
                "properties": {
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "key": {"type": "string"},
                    "text": {"type": "string"},
                    "payload_json": {"type": "string"},
                    "action": {"type": "string", "enum": ["assert", "retract"]},
                    "confidence": {"type": "number"},
                    "importance": {"type": "number"},
                },
            },
        }
    },
}


class LLMExtractor:
    name = "llm"
    wants_existing = True

    def __init__(self, adapter):
        self.adapter = adapter
        self.version = adapter.chat_model_name
        self.author_label = f"model:{adapter.chat_model_name}"

    @classmethod
    def from_settings(cls) -> "LLMExtractor":
        # The model adapter (and the openai package) load only when chosen.
        from memory.llm import ModelAdapter

        return cls(ModelAdapter.from_settings())

    def extract(
        self,
        text: str,
        *,
        role: str = "client",
        occurred_at: datetime | None = None,
        existing=(),
        context=(),
        previous=(),
        subject_names=(),
    ) -> list[Candidate]:
        """Return the candidates the model finds; malformed items are dropped."""
        known = "\n".join(f"- {m.key}: {m.text}" for m in existing if m.key)[:6000]
        prompt = (
            f"Speaker: {role}\n"
            f"Said at: {occurred_at.isoformat() if occurred_at else 'unknown'}\n"
            f"Existing memories (key: text):\n{known or '(none)'}\n\n"
            f"Message:\n{text}"
        )
        data = self.adapter.chat_json(
            system=SYSTEM, user=prompt, schema=SCHEMA, schema_name="memories"
        )
        candidates = []
        for item in data.get("memories", []):
            try:
                payload = json.loads(item.get("payload_json") or "{}")
                if not isinstance(payload, dict):
                    continue
                candidates.append(
                    Candidate(
                        kind=item["kind"],
                        key=str(item["key"])[:200],
                        text=str(item["text"]).strip(),
                        payload=payload,
                        action=CandidateAction(item["action"]),
                        confidence=min(1.0, max(0.0, float(item["confidence"]))),
                        importance=min(1.0, max(0.0, float(item["importance"]))),
                        evidence=text[:500],
                    )
                )
            except (KeyError, TypeError, ValueError, json.JSONDecodeError):
                continue
        return candidates
