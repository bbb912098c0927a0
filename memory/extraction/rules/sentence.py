"""A message read sentence by sentence: where each sentence starts and ends, what
of it states something, and the context every topic reads from and adds to."""

import re
from datetime import datetime

from ..candidates import Candidate, CandidateAction
from ..speakers import Person, speaks_for_subject, subject_of
from ..tickers import TickerMention, TickerResolver

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "u.s", "inc", "jr"}
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*\s+|\n+|[.!?]+[\"')\]]*$")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the (start, end) spans of the sentences of a text."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        last_word = re.search(r"([\w.]+)$", before)
        if (
            match.group(0)[:1] == "."
            and last_word
            and last_word.group(1).lower().rstrip(".") in _ABBREVIATIONS
        ):
            continue
        end = match.start() + len(match.group(0).rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    # Trim leading whitespace so evidence starts at the first word.
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in spans]


_QUESTION_TAIL = re.compile(
    r"[,;:-]\s*(?:so\s+|and\s+|but\s+)?(?:should|shall|can|could|would|will|do|does|"
    r"did|is|are|what|how|why|when|where|which|any|thoughts|right|ok|okay)\b[^,;]*\?$",
    re.IGNORECASE,
)


def declarative(sentence: str) -> str:
    """Return the part of a sentence that states something (not a question)."""
    stripped = sentence.rstrip()
    if not stripped.endswith("?"):
        return sentence
    tail = _QUESTION_TAIL.search(stripped)
    return stripped[: tail.start()] if tail else ""


# A hedged sentence ("maybe", "I think") proposes with less confidence.
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|possibly|might|may\s+be|i\s+guess|not\s+sure|"
    r"i\s+think|i\s+suppose|thinking\s+(?:about|of)|considering|kind\s+of|sort\s+of|"
    r"i'm\s+not\s+certain|unsure|could\s+be)\b",
    re.IGNORECASE,
)


class Sentence:
    """One sentence being read: its text, instruments and speaker, and what it found.

    ``earlier`` holds the candidates of the message's earlier sentences and
    ``context`` those known before the message (both oldest first), so that a
    correction can find the slot it corrects.
    """

    def __init__(
        self,
        evidence: str,
        *,
        role: str,
        occurred_at: datetime | None,
        resolver: TickerResolver,
        earlier: list[Candidate],
        context: list[Candidate],
    ):
        self.resolver = resolver
        self.evidence = evidence
        self.text = declarative(evidence).replace("’", "'")
        self.role = role
        self.occurred_at = occurred_at
        self.earlier = earlier
        self.context = context
        self.mentions: list[TickerMention] = (
            self.resolver.find(self.text) if self.text else []
        )
        self.hedged = bool(_HEDGE.search(self.text))
        self.out: list[Candidate] = []

    def subject_at(self, anchor: int) -> Person:
        """Return who the clause whose verb is at ``anchor`` is about."""
        return subject_of(self.text[:anchor])

    def speaks_for_subject(
        self, anchor: int, kind: str, *, family: bool = False
    ) -> bool:
        """Return whether the clause whose verb is at ``anchor`` is the subject's."""
        return speaks_for_subject(
            self.role, self.subject_at(anchor), kind, family=family
        )

    def add(
        self, kind, key, text, payload, *, action=ASSERT, confidence=0.8, importance
    ) -> None:
        """Propose a candidate memory, with this sentence as its evidence."""
        if self.hedged and action is ASSERT:
            confidence = min(confidence, 0.55)
        self.out.append(
            Candidate(
                kind=kind,
                key=key,
                text=text,
                payload=payload,
                action=action,
                confidence=round(confidence, 2),
                importance=importance,
                evidence=self.evidence.strip(),
            )
        )
