"""Life facts: births, deaths, marriages, jobs, health, moves and family size.

A fact about a relation ("my daughter got married") is the subject's, kept in its
own slot per relation; whose fact a sentence states is decided in ``speakers``.
"""

import re

from ..speakers import whose_fact
from .numbers import INT, format_money, money_in, parse_int
from .sentence import Sentence

_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|"
    r"December"
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "5th": 5,
    "6th": 6,
}
_BIRTH = re.compile(
    r"\b(?:(?P<ord>first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th)\s+)?"
    r"(?:new\s+|baby\s+)?(?P<who>grandchild|grandkid|grandson|granddaughter|grandbaby|"
    r"baby|child|son|daughter|twins|kid)\s+(?:was\s+|were\s+|is\s+|got\s+|has\s+been\s+)?"
    rf"born\b(?:\s+(?:in|on|last|this)\s+(?P<when>(?:{_MONTHS})(?:\s+\d{{4}})?|"
    r"\d{4}|week|month|year|\w+day))?",
    re.IGNORECASE,
)
_BECAME_GRANDPARENTS = re.compile(
    r"\b(?:became|become|are\s+now|am\s+now|just\s+became)\s+(?:a\s+)?"
    r"grand(?:parents?|ma|pa|mother|father)\b",
    re.IGNORECASE,
)
_HAD_BABY = re.compile(
    r"\bhad\s+(?:a|our|my|the|their|his|her)\s+(?:(?P<ord>first|second|third|fourth)\s+)?"
    r"(?:baby|child|kid)\b",
    re.IGNORECASE,
)
_FACT_PATTERNS: list[tuple[str, str, str, re.Pattern]] = [
    (
        "life_event",
        "expecting",
        "Expecting a baby",
        re.compile(
            r"\b(?:expecting\s+(?:a|our|my|another)\s+(?:\w+\s+)?(?:baby|child|"
            r"grandchild|grandbaby)|(?:is|am|'s|’s)\s+pregnant)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "life_event",
        "marriage",
        "Got married",
        re.compile(
            r"\b(?:got|getting|get|just\s+got|recently\s+got)\s+married\b|"
            r"\bour\s+wedding\b",
            re.IGNORECASE,
        ),
    ),
    (
        "life_event",
        "divorce",
        "Divorce",
        re.compile(
            r"\b(?:got|getting|going\s+through\s+(?:a|the)|finali[sz]ed\s+(?:my|our|the))"
            r"\s+divorced?\b|\bdivorce\s+(?:is|was)\s+final\b",
            re.IGNORECASE,
        ),
    ),
    (
        "life_event",
        "inheritance",
        "Received an inheritance",
        re.compile(r"\binherit(?:ed|ing)\b|\bcame\s+into\s+an\s+inheritance\b", re.I),
    ),
    (
        "employment",
        "promotion",
        "Got promoted",
        re.compile(
            r"\b(?:got|was|been|getting|received|earned)\s+(?:a\s+|the\s+)?"
            r"promot(?:ed|ion)\b|\b(?:got|was|been)\s+bumped\s+up\s+to\b",
            re.IGNORECASE,
        ),
    ),
    (
        "employment",
        "new_job",
        "Started a new job",
        re.compile(
            r"\b(?:started|starting|got|landed|accepted|took|take|taking)\s+"
            r"(?:a\s+)?new\s+(?:job|role|position)\b|\bchanged\s+jobs\b",
            re.IGNORECASE,
        ),
    ),
    (
        "employment",
        "job_loss",
        "Lost their job",
        re.compile(
            r"\b(?:got|was|been|were|getting)\s+(?:laid\s+off|let\s+go|fired)\b|"
            r"\blost\s+(?:my|his|her|their|our)\s+job\b",
            re.IGNORECASE,
        ),
    ),
    (
        "employment",
        "retired",
        "Retired",
        re.compile(
            r"\b(?:i|we|he|she)\s+(?:just\s+|finally\s+|recently\s+|officially\s+)?"
            r"retired\b(?!\s+(?:the|my|our|a)\b)|\b(?:i'm|i\s+am|we're|we\s+are|"
            r"you're|you\s+are|he's|she's|he\s+is|she\s+is|they're|they\s+are)\s+"
            r"(?:now\s+|fully\s+|officially\s+)?retired\b",
            re.IGNORECASE,
        ),
    ),
    (
        "employment",
        "compensation",
        "Got a raise",
        re.compile(
            r"\bgot\s+a\s+(?:big\s+|nice\s+|\w+\s+)?(?:raise|pay\s+rise)\b", re.I
        ),
    ),
    (
        "employment",
        "business_start",
        "Started a business",
        re.compile(
            r"\b(?:started|starting|launched|opened)\s+(?:my|our|a)\s+(?:own\s+)?"
            r"(?:business|company|practice|firm)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "employment",
        "business_sale",
        "Sold a business",
        re.compile(
            r"\b(?:sold|selling)\s+(?:my|our|the)\s+(?:\w+\s+)?(?:business|company|"
            r"practice|firm)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "health",
        "surgery",
        "Surgery",
        re.compile(
            r"\b(?:having|had|have|scheduled\s+for|recovering\s+from|need|needs)\s+"
            r"(?:a\s+|an\s+)?(?:\w+\s+)?surgery\b",
            re.IGNORECASE,
        ),
    ),
    (
        "life_event",
        "home_purchase",
        "Bought a home",
        re.compile(
            r"\b(?:bought|closed\s+on|purchased)\s+(?:a|our|the|my)\s+(?:new\s+|first\s+|"
            r"vacation\s+|second\s+)?(?:house|home|condo|apartment)\b",
            re.IGNORECASE,
        ),
    ),
]
# Whose job is the household's: a spouse's lay-off changes the client's plan.
_HOUSEHOLD = {"husband", "wife", "spouse", "partner"}
_DEATH = re.compile(
    r"\b(?P<rel>father|mother|dad|mom|mum|husband|wife|spouse|partner|brother|sister|"
    r"son|daughter|parents?|father-in-law|mother-in-law|grandmother|grandfather|"
    r"uncle|aunt)\s+(?:just\s+|recently\s+|sadly\s+|unexpectedly\s+)?(?:passed\s+away"
    r"|passed|died)\b",
    re.IGNORECASE,
)
_DIAGNOSIS = re.compile(
    r"\bdiagnosed\s+with\s+(?P<cond>[a-z][a-z' -]{2,40}?)"
    r"(?=\s*(?:[,.;!?]|$)|\s+(?:last|this|in|and|but|so|a|two|three)\b)",
    re.IGNORECASE,
)
_RELOCATION = re.compile(
    r"\b(?:moved|moving|relocat(?:ed|ing)|retiring)\s+to\s+"
    r"(?P<place>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)"
)
_FAMILY_COUNT = re.compile(
    rf"\b(?:i|we|you|he|she|they)\s+(?:now\s+)?(?:have|has)\s+(?P<n>{INT})\s+"
    r"(?P<what>kids|children|"
    r"grandkids|grandchildren|sons|daughters)\b",
    re.IGNORECASE,
)


# Without one of these stems (lower case) a sentence states no life fact.
MAY_STATE = (
    "bumped",
    "house",
    "home",
    "condo",
    "apartment",
    "born",
    "grand",
    "baby",
    "child",
    "kid",
    "twins",
    "pregnan",
    "expecting",
    "married",
    "wedding",
    "divorc",
    "inherit",
    "promot",
    "job",
    "role",
    "position",
    "laid off",
    "let go",
    "fired",
    "retired",
    "raise",
    "business",
    "company",
    "practice",
    "firm",
    "surgery",
    "passed",
    "died",
    "diagnos",
    "mov",
    "relocat",
    "retiring",
    "sons",
    "daughters",
)


def _add_fact(s: Sentence, category, event, text, details, *, key=None, importance=0.6):
    """Propose a life fact; its slot is its category and event unless ``key`` says."""
    payload = {"category": category, "event": event, **details}
    s.add(
        "fact",
        key or f"fact:{category}:{event}",
        text,
        payload,
        importance=importance,
    )


def _whose(s: Sentence, anchor: int, *, bereavement: bool = False, end=None):
    """Return whether the fact at ``anchor`` is the subject's, and the relation.

    ``end``: where the fact's words end, when they hold their own subject
    ("he is retired").
    """
    found = whose_fact(s.role, s.text, anchor, bereavement=bereavement)
    if not found[0] and end is not None:
        found = whose_fact(s.role, s.text, end, bereavement=bereavement)
    return found


def read_facts(s: Sentence) -> None:
    """Read births, deaths, marriages, jobs, health, moves and family size."""
    text = s.text
    if m := _BIRTH.search(text):
        ok, _ = _whose(s, m.start())
        who = m.group("who").lower()
        if ok:
            grand = who.startswith("grand")
            details: dict = {"relation": "grandchild" if grand else "child"}
            if who not in ("grandchild", "grandkid", "grandbaby", "baby", "child"):
                details["newborn"] = who
            if m.group("ord"):
                details["ordinal"] = _ORDINALS[m.group("ord").lower()]
            if m.group("when"):
                details["when"] = m.group("when")
            label = (m.group("ord") or "").capitalize()
            noun = "grandchild" if grand else "child"
            phrase = f"{label} {noun}".strip() if label else noun.capitalize()
            when = f" {_when_words(m.group('when'))}" if m.group("when") else ""
            _add_fact(
                s,
                "life_event",
                "birth",
                f"{phrase} born{when}",
                details,
                key=f"fact:life_event:{details['relation']}",
            )
    elif m := _BECAME_GRANDPARENTS.search(text):
        if _whose(s, m.start())[0]:
            _add_fact(
                s,
                "life_event",
                "birth",
                "Became a grandparent",
                {"relation": "grandchild"},
                key="fact:life_event:grandchild",
            )
    elif m := _HAD_BABY.search(text):
        if _whose(s, m.start())[0]:
            details = {"relation": "child"}
            if m.group("ord"):
                details["ordinal"] = _ORDINALS[m.group("ord").lower()]
            _add_fact(
                s,
                "life_event",
                "birth",
                "Had a baby",
                details,
                key="fact:life_event:child",
            )
    for category, event, label, pattern in _FACT_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        ok, relation = _whose(s, m.start(), end=m.end())
        if not ok:
            continue
        if (
            category == "employment"
            and relation
            and (
                relation not in _HOUSEHOLD
                or re.search(r"\bbusiness\s+partner", text, re.I)
            )
        ):
            continue  # an uncle's promotion is his, not the household's
        details = {}
        key = f"fact:{category}:{event}"
        if event == "marriage" and re.search(r"\bget(?:ting)?\b", m.group(0), re.I):
            label = "Getting married"
        if relation:
            details["relation"] = relation
            key += f":{relation}"
            label = f"{relation.capitalize()}: {label.lower()}"
        if event in ("inheritance", "compensation", "business_sale"):
            amount, currency = money_in(text)
            if amount:
                details["amount"] = amount
                details["currency"] = currency
                label += f" ({format_money(amount, currency)})"
        _add_fact(s, category, event, label, details, key=key)
    if m := _DEATH.search(text):
        if _whose(s, m.start(), bereavement=True)[0]:
            rel = m.group("rel").lower()
            _add_fact(
                s,
                "life_event",
                "death",
                f"Death of {rel}",
                {"relation": rel},
                key=f"fact:life_event:death:{rel}",
                importance=0.7,
            )
    if m := _DIAGNOSIS.search(text):
        ok, relation = _whose(s, m.start())
        if ok:
            condition = m.group("cond").strip().lower()
            key = "fact:health:diagnosis" + (f":{relation}" if relation else "")
            details = {"condition": condition}
            if relation:
                details["relation"] = relation
            _add_fact(
                s,
                "health",
                "diagnosis",
                f"Diagnosed with {condition}",
                details,
                key=key,
                importance=0.7,
            )
    if m := _RELOCATION.search(s.evidence.replace("’", "'")):
        ok, relation = _whose(s, m.start())
        if ok and not relation:
            place = m.group("place")
            _add_fact(
                s,
                "life_event",
                "relocation",
                f"Moving to {place}",
                {"place": place},
            )
    if m := _FAMILY_COUNT.search(text):
        ok, _ = _whose(s, m.start("n"))
        n = parse_int(m.group("n"))
        if ok and n:
            what = m.group("what").lower()
            what = {"kids": "children", "grandkids": "grandchildren"}.get(what, what)
            _add_fact(
                s,
                "family",
                what,
                f"Has {n} {what}",
                {"count": n},
                key=f"fact:family:{what}",
                importance=0.5,
            )


def _when_words(when: str) -> str:
    """Return when a birth happened as words: "in May", "last week", "on Friday"."""
    if re.fullmatch(r"week|month|year", when, re.I):
        return f"last {when}"
    return f"in {when}" if not when.lower().endswith("day") else f"on {when}"
