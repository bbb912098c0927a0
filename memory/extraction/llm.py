"""The LLM extractor: any OpenAI-compatible chat model, with structured output.

It goes through the one model adapter (``memory.llm``) and returns the same
``Candidate`` objects as the rules extractor, so reconciliation is shared. The
model's name is recorded as the author of what it extracts.
"""

import json
from datetime import datetime

from memory.llm import ModelError

from .candidates import KINDS, Candidate, CandidateAction

SYSTEM = """You extract durable facts about a financial-advisory client (or, for an \
analyst, the analyst's own market views) from ONE message of a conversation.
Who speaks decides whose fact it is: a client speaks for themselves ("I"); an \
advisor speaks about the client (by name, first name, "he"/"she", "you") and their \
own "I" is not the client's; an analyst's own views are the analyst's. Return only \
facts the message states about the subject: not relatives' or other people's trades \
or views, not hypotheticals, not questions. A short answer completes the question \
before it ("About fifteen years." after "What's your time horizon?"). Each fact \
fills a slot named by `key`: holding:SYMBOL[:account] (account one of ira, \
roth_ira, 401k, 403b, hsa, 529, taxable, brokerage, joint, trust, custodial), \
profile:risk_tolerance, profile:horizon_years, profile:kyc:<field>, goal:<topic>, \
preference:<avoid|like>:<sector|instrument>:<name>, view:SYMBOL or \
view:sector:<name>, fact:<category>:<event>. Reuse the key of an existing memory \
when the message updates or contradicts it. Use action "retract" when the message \
says a fact is no longer true (sold everything, no longer avoids...). \
`payload_json` is a JSON object of structured fields: holding {instrument, \
quantity, cost_basis, currency, account}; profile {risk_tolerance (conservative|\
moderately_conservative|moderate|moderately_aggressive|aggressive), horizon_years, \
income_band, net_worth_band, kyc}; goal {goal, target_date, target_age, amount, \
currency}; preference {topic, polarity (likes|avoids), instruments, sectors}; view \
{instrument or sector, stance (bullish|bearish|neutral), target_price, horizon, \
horizon_months, conviction (low|medium|high)}; fact {category, event, ...}. \
`confidence` is how sure you are of your reading, not how strongly the client \
holds a view: 0.8 or more for a clear statement (a "slightly bearish" view is \
clear, with low conviction); below 0.6 only when the message hedges ("maybe", \
"I think I have", "not sure") or is ambiguous; those wait for an advisor's review. \
`text` is one short third-person sentence. Return an empty list when the message \
states nothing durable."""

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
        """Return the candidates the model finds; malformed items are dropped.

        An answer that is not the list asked for raises ``ModelError``: the
        extraction is retried, never half-applied.
        """
        known = [f"- {m.key}: {m.text}" for m in existing if getattr(m, "key", "")]
        known += [f"- {c.key}: {c.text} (said earlier in this batch)" for c in context]
        known_text = "\n".join(known)[:6000] or "(none)"
        before = "\n".join(
            f"- {turn.role}: {turn.text[:500]}" for turn in reversed(list(previous))
        )
        prompt = (
            f"Subject: {', '.join(subject_names) or '(name unknown)'}\n"
            f"Speaker role: {role}\n"
            f"Said at: {occurred_at.isoformat() if occurred_at else 'unknown'}\n"
            f"Existing memories (key: text):\n{known_text}\n"
            f"Turns just before (oldest first):\n{before or '(none)'}\n\n"
            f"Message:\n{text}"
        )
        data = self.adapter.chat_json(
            system=SYSTEM, user=prompt, schema=SCHEMA, schema_name="memories"
        )
        items = data.get("memories")
        if not isinstance(items, list):
            raise ModelError(
                f"Model {self.version} returned JSON whose memories is not a list"
            )
        candidates = []
        for item in items:
            if not isinstance(item, dict):
                continue
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
