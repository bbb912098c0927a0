"""A message read sentence by sentence: where each sentence starts and ends, what
of it states something, and the context every topic reads from and adds to."""

import re
from datetime import datetime

from ..candidates import Candidate, CandidateAction
from ..speakers import Person, speaks_for_subject, subject_of
from ..tickers import TickerMention, TickerResolver
from .wording import plain

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
# A question opens with a question word or an auxiliary; "Maybe 100 shares?" is a
# statement said as a question.
_ASKS = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay|also|now|then|hey|well|just)\W+)*"
    r"(?:what|what's|whats|how|how's|why|when|where|which|who|whose|whom|"
    r"do|does|did|don't|doesn't|didn't|is|isn't|are|aren't|was|were|can|could|"
    r"should|shall|would|will|won't|have|has|had|may|might|any|anything|"
    r"remind|tell|check)\b",
    re.IGNORECASE,
)


def is_question(sentence: str) -> bool:
    """Say whether a sentence asks rather than states."""
    stripped = sentence.rstrip()
    return stripped.endswith("?") and bool(_ASKS.match(stripped))


def declarative(sentence: str) -> str:
    """Return the part of a sentence that states something (not a question).

    "I sold my Tesla, should I buy more?" states the sale; "Do you own TSLA?"
    states nothing; "Maybe 100 shares?" states, unsure (see ``rising``).
    """
    stripped = sentence.rstrip()
    if not stripped.endswith("?"):
        return sentence
    tail = _QUESTION_TAIL.search(stripped)
    if tail:
        return stripped[: tail.start()]
    if _ASKS.match(stripped):
        return ""
    return stripped[:-1]


def rising(sentence: str) -> bool:
    """Say whether a sentence states something as a question ("Maybe 100?")."""
    stripped = sentence.rstrip()
    return (
        stripped.endswith("?")
        and not _ASKS.match(stripped)
        and not _QUESTION_TAIL.search(stripped)
    )


# A hedge makes the extraction unsure, whatever it is about: it waits for review.
_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|possibly|might|may\s+be|i\s+guess|not\s+sure|"
    r"i'm\s+not\s+sure|i\s+suppose|unsure|not\s+certain|i'm\s+not\s+certain|"
    r"could\s+be|i'd\s+have\s+to\s+check|have\s+to\s+check|i\s+need\s+to\s+check|"
    r"if\s+i\s+remember\s+(?:right|correctly)|i\s+forget|if\s+memory\s+serves|"
    r"(?:don't|do\s+not|can't|cannot)\s+(?:quite\s+)?(?:remember|recall)|"
    r"(?:i\s+)?(?:don't|do\s+not)\s+know|dunno|double[- ]check|"
    r"not\s+(?:totally|entirely|completely|quite|100%|a\s+hundred\s+percent|"
    r"one\s+hundred\s+percent)(?:\s+(?:sure|certain))?)\b",
    re.IGNORECASE,
)
# "I think" hedges a fact ("I think I have 200") but is how people give a view.
_THINK = re.compile(r"\b(?:i|we)\s+(?:think|believe)\b", re.IGNORECASE)
_OPINION_KINDS = frozenset({"view", "preference"})
UNSURE = 0.5


class Sentence:
    """One sentence being read: its text, instruments and speaker, and what it found.

    ``text`` is what the patterns read: the statement part of the sentence, its
    numbers in digits, its self-repairs settled and, in an advisor's words, the
    subject's names as pronouns (``wording``). ``evidence`` is what was said.
    ``earlier`` holds the candidates of the message's earlier sentences and
    ``context`` those known before the message (both oldest first), so that a
    correction can find the slot it corrects; ``previous`` the turns said just
    before the message (nearest first).
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
        names=(),
        previous=(),
        text: str | None = None,
        before: str = "",
    ):
        self.resolver = resolver
        self.evidence = evidence
        said = evidence.replace("’", "'")
        self.rising = rising(said) and role != "advisor"
        if text is None:
            text = declarative(said) if role != "advisor" or not rising(said) else ""
        self.text = plain(text, names=names, advisor=role == "advisor")
        self.role = role
        self.occurred_at = occurred_at
        self.earlier = earlier
        self.context = context
        self.previous = list(previous)
        # The sentence just before, in the same message, as the patterns read it.
        self.before = before
        self.mentions: list[TickerMention] = (
            self.resolver.find(self.text) if self.text else []
        )
        self.out: list[Candidate] = []

    @property
    def hedged(self) -> bool:
        """Say whether the sentence hedges ("maybe", "not sure", "Maybe 100?")."""
        return self.rising or bool(_HEDGE.search(self.text))

    @property
    def thinks(self) -> bool:
        return bool(_THINK.search(self.text))

    @classmethod
    def like(cls, s: "Sentence", text: str) -> "Sentence":
        """Return another sentence of the same message, read the same way."""
        return cls(
            text,
            role=s.role,
            occurred_at=s.occurred_at,
            resolver=s.resolver,
            earlier=s.earlier,
            context=s.context,
            text=text,
        )

    def unsure_of(self, kind: str) -> bool:
        """Say whether the speaker hedged what this sentence says of ``kind``."""
        return self.hedged or (self.thinks and kind not in _OPINION_KINDS)

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
        self, kind, key, text, payload, *, action=ASSERT, confidence=0.85, importance
    ) -> None:
        """Propose a candidate memory, with this sentence as its evidence.

        ``confidence`` is how sure the reading is: a clear statement is applied
        at once; a hedged one (or one the rules can only guess at) waits.
        """
        if self.unsure_of(kind):
            confidence = min(confidence, UNSURE)
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
