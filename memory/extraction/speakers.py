"""Whose memory a statement is: the speaker's role, and the subject of each clause.

A client or an analyst speaks for themselves: their "I" is the subject of the
memory. An advisor speaks about the client: "you hold 200 AAPL", "she is retiring"
are the client's, and a bare "200 AAPL in the Roth" usually is too. A brother, a
neighbour or "the street" is someone else, whose holdings and views are not the
subject's. Every rule of the rules extractor asks here rather than deciding itself.
"""

import re
from enum import StrEnum

ROLES = ("client", "advisor", "analyst")


class Person(StrEnum):
    """Who a clause is about, as its words say it."""

    FIRST = "first"  # I, we, my wife and I
    SECOND = "second"  # you, the client
    THIRD_PRONOUN = "pronoun3"  # he, she, they
    THIRD = "third"  # a named relation or other party: my brother, people
    NONE = "none"  # no subject named: "200 AAPL in the IRA"


def speaker_role(speaker: str, *, subject_kind: str) -> str:
    """Return the role of a named speaker relative to the memory's subject.

    A speaker named after a role ("Client", "advisor Jane") has that role; anyone
    else is the subject speaking: an analyst in an analyst's memory, else the client.
    """
    speaker = speaker.lower()
    for role in ROLES:
        if speaker.startswith(role):
            return role
    return "analyst" if subject_kind == "analyst" else "client"


# ------------------------------------------------------------------ grammatical subject

_FIRST = {
    "i", "we", "i'm", "i've", "i'd", "i'll", "we're", "we've", "we'd", "we'll",
    "me", "us", "my", "our", "myself", "ourselves", "mine", "ours", "im", "ive",
}  # fmt: skip
_SECOND = {
    "you", "you're", "you've", "you'd", "you'll", "your", "yours", "yourself",
    "client", "clients", "youre",
}  # fmt: skip
_THIRD_PRONOUNS = {"he", "she", "they", "he's", "she's", "they're", "his", "her"}
_RELATION = (
    r"husband|wife|spouse|partner|son|daughter|kid|kids|children|child|brother|"
    r"sister|father|dad|mother|mom|mum|parent|parents|friend|friends|neighbor|"
    r"neighbour|colleague|boss|uncle|aunt|cousin|nephew|niece|grandson|granddaughter|"
    r"grandchild|grandchildren|grandkid|grandkids|grandfather|grandmother|"
    r"grandparents|in-laws|father-in-law|mother-in-law|sister-in-law|brother-in-law|"
    r"coworker|co-worker|roommate|fiance|fiancee|girlfriend|boyfriend|twins|"
    r"analysts|everyone|people|somebody|someone"
)
_RELATION_WORD = re.compile(rf"(?:{_RELATION})(?:'s|s')?", re.IGNORECASE)
_REPORTED = re.compile(
    rf"\b(?:(?:{_RELATION}|advisor|adviser|broker|planner|analyst|he|she|they|"
    r"cramer|the\s+street|wall\s+street|the\s+market)\s+(?:said|think|believe|"
    r"told|keep\s+saying|is\s+saying)|says|thinks|believes|reckons|claims|"
    r"recommends|according\s+to)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z]+(?:[’'-][a-z]+)*")

_OPINION_FIRST = re.compile(
    r"\b(?:to\s+me|for\s+me|i\s+think|i\s+believe|i\s+feel|i\s+see|i\s+expect|"
    r"in\s+my\s+(?:view|opinion)|imo|imho|my\s+(?:view|take|call|thesis)|we\s+think|"
    r"we\s+believe|we\s+see|our\s+(?:view|take|call|thesis)|i'd\s+say|i\s+reckon)\b",
    re.IGNORECASE,
)
_OPINION_SECOND = re.compile(
    r"\b(?:you\s+think|you\s+believe|you\s+feel|you\s+see|to\s+you|your\s+(?:view|"
    r"take|thesis)|you're|you\s+are)\b",
    re.IGNORECASE,
)


def subject_of(text_before: str) -> Person:
    """Return who a clause is about, from the words before its verb.

    Scanning back, the nearest pronoun or relation wins: "My brother owns" is
    THIRD, "my wife and I own" is FIRST, "Noted: you hold" is SECOND.
    """
    for token in reversed(_TOKEN.findall(text_before.lower().replace("’", "'"))):
        if token in _FIRST:
            return Person.FIRST
        if token in _SECOND:
            return Person.SECOND
        if token in _THIRD_PRONOUNS:
            return Person.THIRD_PRONOUN
        if _RELATION_WORD.fullmatch(token):
            return Person.THIRD
    return Person.NONE


def opinion_holder(text: str, stance_at: int | None) -> Person:
    """Return whose opinion a sentence gives: "my brother thinks", "I believe".

    The words before the stance decide first; failing them, a reporting verb
    ("says", "according to") makes it someone else's, and "I think" or "you feel"
    anywhere in the sentence makes it the speaker's or the listener's.
    """
    if stance_at is not None:
        subject = subject_of(text[:stance_at])
        if subject != Person.NONE:
            return subject
    if _REPORTED.search(text):
        return Person.THIRD
    if _OPINION_FIRST.search(text):
        return Person.FIRST
    if _OPINION_SECOND.search(text):
        return Person.SECOND
    return Person.NONE


# ------------------------------------------------------------------------ the decision

# What an advisor states about the client without naming them: "Noted: 200 AAPL
# in the Roth", "risk tolerance: moderate", "no tobacco", "retire by 2035".
_ADVISOR_IMPLIES_CLIENT = frozenset({"holding", "profile", "preference", "goal"})


def speaks_for_subject(
    role: str, subject: Person, kind: str, *, family: bool = False
) -> bool:
    """Return whether a clause about ``subject``, said by ``role``, is the subject's.

    ``family`` admits a relation's need as the subject's own goal: "our daughter's
    tuition" is the client's to fund (never an analyst's).
    """
    if subject == Person.THIRD:
        return family and role != "analyst"
    if role == "advisor":
        if subject in (Person.SECOND, Person.THIRD_PRONOUN):
            return True
        return subject == Person.NONE and kind in _ADVISOR_IMPLIES_CLIENT
    return subject in (Person.FIRST, Person.NONE)


def speaks_own_opinion(role: str, text: str) -> bool:
    """Return whether the speaker gives an opinion of their own ("I think...").

    An advisor's own opinion is never the client's memory.
    """
    return role != "advisor" and bool(_OPINION_FIRST.search(text))


def whose_fact(
    role: str, text: str, anchor: int, *, bereavement: bool = False
) -> tuple[bool, str | None]:
    """Return whether a life fact stated at ``anchor`` is the subject's, and whose.

    A client's "my daughter got married" is the client's fact about a relation
    (returned as the second value); an advisor's counts only when addressed to the
    client ("your ..."); an analyst's only in the first person. A death the client
    reports (``bereavement``) is the client's, whoever it names.
    """
    before = text[:anchor]
    subject = subject_of(before)
    relation = None
    rel = re.search(
        rf"\b(?:my|our|your)\s+(?:\w+\s+)?(?P<rel>{_RELATION})\b(?!\s+and\s+i\b)",
        before,
        re.IGNORECASE,
    )
    if subject == Person.THIRD and rel:
        relation = rel.group("rel").lower()
    if bereavement and role == "client":
        return True, relation
    if role == "advisor":
        ok = bool(re.search(r"\byou(?:r|'re|'ve)?\b", text, re.I))
        return ok and subject != Person.FIRST, relation
    if role == "analyst":
        return subject in (Person.FIRST, Person.NONE), None
    if subject == Person.THIRD:
        return relation is not None, relation
    return subject in (Person.FIRST, Person.NONE), None
