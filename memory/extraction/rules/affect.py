"""Affect: a feeling about a sector said in words no pattern of ``preferences`` knows.

"I get such a buzz from biotech", "gambling strikes me as grim": the subject, in
their own words, feels something about a sector. When no pattern read the
sentence, the words' valence in the VADER lexicon (Hutto and Gilbert, 2014; the
``vaderSentiment`` package ships it) says which way: a strongly felt sentence is a
like or an exclusion, a mildly felt one waits for review. The lexicon, not these
rules, knows the words, so what it reads was tuned on no set of ours.

Only a sentence about the subject (their "I", or the advisor's "she") that names
a sector and no instrument is read: how someone feels about one company is a view
or nothing, and a sector said with no one feeling it ("tech had a rough year") is
news.
"""

import re
from functools import cache
from importlib import resources

from ..speakers import Person, names_someone_else
from .sectors import ANY_SECTOR, sector_at
from .sentence import Sentence

_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
_NEGATORS = {
    "not", "no", "never", "don't", "doesn't", "didn't", "won't", "wouldn't",
    "can't", "cannot", "isn't", "aren't", "wasn't", "weren't", "nothing", "nor",
    "hardly", "without", "dont", "doesnt", "wont", "cant",
}  # fmt: skip
# Words whose valence says how markets or money went, not how the subject feels.
_NOT_FEELINGS = {
    "crash", "crashed", "loss", "losses", "lose", "lost", "profit", "profits",
    "gain", "gains", "win", "winning", "rich", "risk", "risky", "safe", "stable",
    "dividend", "dividends", "growth", "bubble", "volatile", "cheap", "expensive",
    "free", "please", "thanks", "thank", "yes", "ok", "okay", "well", "like",
    "sure", "true", "kind", "pretty", "fine", "right", "want", "wants", "wanted",
}  # fmt: skip
_NEGATION_SCALE = -0.74  # VADER's own: a negated word counts against, less strongly
STRONG = 2.0  # a felt sentence: applied at once
MILD = 1.0  # a leaning: waits for review
# A trade, a job, a price or a worry is no taste: "sold my oil stocks happily",
# "I work in healthcare", "energy prices hurt me", "worried about tech".
_NOT_A_TASTE = re.compile(
    r"\b(?:sold|sell|selling|bought|buy|buying|own|owns|hold|holds|have|has|had|got|"
    r"work|works|worked|working|job|career|prices?|bills?|costs?|worried|worry|"
    r"concerned|afraid|scared|nervous|panels?|car|house|home)\b",
    re.IGNORECASE,
)


@cache
def lexicon() -> dict[str, float]:
    """Return the VADER lexicon: a word's mean valence, -4 (worst) to 4 (best)."""
    text = (
        resources.files("vaderSentiment")
        .joinpath("vader_lexicon.txt")
        .read_text(encoding="utf-8")
    )
    words = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha():
            words[parts[0]] = float(parts[1])
    return words


def _valence(word: str, words: dict[str, float]) -> float:
    if word in _NOT_FEELINGS:
        return 0.0
    for form in (word, word.rstrip("s"), re.sub(r"(?:ed|es|ing|ly)$", "", word)):
        if form in words and form not in _NOT_FEELINGS:
            return words[form]
    return 0.0


def read_affect(s: Sentence) -> None:
    """Read a like or an exclusion of a sector from how the sentence feels."""
    text = s.text
    if s.mentions or any(c.kind in ("preference", "view") for c in s.out):
        return
    if not ANY_SECTOR.search(text) or _NOT_A_TASTE.search(text):
        return
    if names_someone_else(text):
        return  # "my mate hates weapons makers": whoever else feels it
    items, spans, pos = [], [], 0
    while pos < len(text):
        at_word = pos == 0 or not text[pos - 1].isalnum()
        sector = sector_at(text, pos) if at_word else None
        if sector:
            items.append(sector[0])
            spans.append((pos, sector[1]))
            pos = sector[1]
        else:
            pos += 1
    items = list(dict.fromkeys(items))
    if not items:
        return
    words = lexicon()
    score, felt_at, recent = 0.0, None, []
    for match in _WORD.finditer(text.lower()):
        if any(start <= match.start() < end for start, end in spans):
            recent.append(match.group(0))
            continue
        word = match.group(0)
        value = _valence(word, words)
        if value:
            if _NEGATORS & set(recent[-3:]) or word.endswith("n't"):
                value *= _NEGATION_SCALE
            score += value
            felt_at = match.start() if felt_at is None else felt_at
        recent.append(word)
    if felt_at is None or abs(score) < MILD:
        return
    subject = s.subject_at(len(text))
    if subject == Person.NONE or not s.speaks_for_subject(len(text), "preference"):
        return
    polarity = "likes" if score > 0 else "avoids"
    confidence = 0.65 if abs(score) >= STRONG else 0.55
    for name in items:
        verb = "like" if polarity == "likes" else "avoid"
        s.add(
            "preference",
            f"preference:{verb}:sector:{name}",
            f"{'Prefers' if verb == 'like' else 'Avoids'} {name}",
            {"topic": name, "polarity": polarity, "instruments": [], "sectors": [name]},
            confidence=confidence,
            importance=0.7,
        )
