"""Whose memory a statement is: the speaker's role, and the subject of each clause.

A client or an analyst speaks for themselves: their "I" is the subject of the
memory. An advisor speaks about the client: "you hold 200 AAPL", "she is retiring",
"Marcus sold his Apple" (the client's names, from ``memory.tenancy``, read as
the pronoun) are the client's, and a bare "200 AAPL in the Roth" usually is too;
the advisor's own "I" never is. A brother, a
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
_THIRD_PRONOUNS = {
    "he", "she", "they", "he's", "she's", "they're", "his", "her", "him", "them",
    "their", "himself", "herself", "themselves", "he'd", "she'd", "they'd",
    "they've", "he'll", "she'll", "they'll", "hers", "theirs",
}  # fmt: skip
_RELATION = (
    r"husband|wife|spouse|partner|son|daughter|kid|kids|children|child|brother|"
    r"sister|father|dad|mother|mom|mum|parent|parents|friend|friends|neighbor|"
    r"neighbour|colleague|boss|uncle|aunt|cousin|nephew|niece|grandson|granddaughter|"
    r"grandchild|grandchildren|grandkid|grandkids|grandfather|grandmother|"
    r"son-in-law|daughter-in-law|"
    r"grandparents|in-laws|father-in-law|mother-in-law|sister-in-law|brother-in-law|"
    r"coworker|co-worker|roommate|flatmate|housemate|mate|mates|pal|buddy|auntie|"
    r"grandma|grandpa|granny|stepson|stepdaughter|fiance|fiancee|girlfriend|boyfriend|twins|"
    r"analysts|everyone|people|somebody|someone|street|consensus|market|news|media|"
    r"pundits|cramer"
)
_RELATION_WORD = re.compile(rf"(?:{_RELATION})(?:'s|s')?", re.IGNORECASE)
# Someone reports a view: "my brother thinks", "Cramer says", "I read that".
_REPORTING = re.compile(
    r"\b(?P<verb>said|says|say|think|thinks|believe|believes|reckon|reckons|claim|"
    r"claims|recommend|recommends|told|tells|keeps?\s+saying|is\s+saying|sees|"
    r"according\s+to|(?:read|heard|saw)\s+(?:that|somewhere)|"
    r"(?:am|'m|is|'s|are|'re)\s+(?:really\s+|very\s+|a\s+bit\s+)?(?:worried|afraid|"
    r"concerned|convinced|confident|sure))\b",
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


_OF_OWNER = {"mine", "ours", "yours", "his", "hers", "theirs"}


def subject_of(text_before: str) -> Person:
    """Return who a clause is about, from the words before its verb.

    Scanning back, the nearest pronoun or relation wins: "My brother owns" is
    THIRD, "my wife and I own" is FIRST, "Noted: you hold" is SECOND.
    """
    tokens = _TOKEN.findall(text_before.lower().replace("’", "'"))
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if index and tokens[index - 1] == "of" and token in _OF_OWNER:
            continue  # "a friend of mine owns": the friend owns
        if token in _FIRST:
            return Person.FIRST
        if token in _SECOND:
            return Person.SECOND
        if token in _THIRD_PRONOUNS:
            return Person.THIRD_PRONOUN
        if _RELATION_WORD.fullmatch(token):
            return Person.THIRD
    return Person.NONE


def names_someone_else(text: str) -> bool:
    """Say whether a text names a relation or another party ("my mate", "people")."""
    return any(
        _RELATION_WORD.fullmatch(token)
        for token in _TOKEN.findall(text.lower().replace("’", "'"))
    )


# "TXN seems overpriced to her": the opinion of whoever "her" is.
_OPINION_THIRD = re.compile(
    r"\bto\s+(?:him|her|them)\b|\bin\s+(?:his|her|their)\s+(?:view|opinion)\b",
    re.IGNORECASE,
)


def opinion_holder(text: str, stance_at: int | None) -> Person:
    """Return whose opinion a sentence gives: "my brother thinks", "I believe".

    The words before the stance decide first; failing them, who reports it
    ("my brother says", "he thinks", "I read that" is someone else's), and
    "I think" or "you feel" anywhere in the sentence.
    """
    if stance_at is not None:
        subject = subject_of(text[:stance_at])
        if subject != Person.NONE:
            return subject
    for match in _REPORTING.finditer(text):
        verb = match.group("verb").lower()
        if verb.startswith(("according", "read", "heard", "saw")):
            return Person.THIRD
        reporter = subject_of(text[: match.start()])
        return Person.THIRD if reporter == Person.NONE else reporter
    if _OPINION_FIRST.search(text):
        return Person.FIRST
    if _OPINION_SECOND.search(text):
        return Person.SECOND
    if _OPINION_THIRD.search(text):
        return Person.THIRD_PRONOUN
    return Person.NONE


def names_as_pronouns(text: str, names: list[str] | tuple[str, ...]) -> str:
    """Write the subject's names as the pronoun the rules read for them.

    "Marcus sold Marcus's Apple" reads "he sold his Apple": in an advisor's
    words the subject is he or she, by name or by pronoun alike.
    """
    for name in sorted({n for n in names if n and n.strip()}, key=len, reverse=True):
        escaped = re.escape(name.strip()).replace(r"\ ", r"\s+")
        # People type names in lower case in a chat ("wei wants out at 60").
        text = re.sub(rf"\b{escaped}(?:['’]s|['’](?!\w))", "his", text, flags=re.I)
        text = re.sub(rf"\b{escaped}\b(?!['’]?\w)", "he", text, flags=re.I)
    return text


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


def whose_view(role: str, text: str, stance_at: int | None) -> str | None:
    """Say whether the view whose stance is at ``stance_at`` is the subject's.

    "yes"; "unsure" for an advisor's bare judgement ("Boeing is a steal": the
    advisor's own opinion, or the client's? a person decides); None for someone
    else's ("my brother thinks", "I read that").
    """
    holder = opinion_holder(text, stance_at)
    if role == "advisor" and holder == Person.NONE:
        return "unsure"
    return "yes" if speaks_for_subject(role, holder, "view") else None


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
    (returned as the second value); an advisor's counts when it is about the
    client ("you", "he", "her son"); an analyst's only in the first person. A
    death the client reports (``bereavement``) is the client's, whoever it names.
    """
    before = text[:anchor]
    subject = subject_of(before)
    relation, owner = None, None
    rel = re.search(
        rf"\b(?P<owner>my|our|your|his|her|their)\s+(?:\w+\s+)?(?P<rel>{_RELATION})\b"
        r"(?!\s+and\s+i\b)",
        before,
        re.IGNORECASE,
    )
    if subject == Person.THIRD and rel:
        relation, owner = rel.group("rel").lower(), rel.group("owner").lower()
    if bereavement and role == "client":
        return True, relation
    if role == "advisor":
        if subject in (Person.SECOND, Person.THIRD_PRONOUN):
            return True, None
        if relation and owner in ("your", "his", "her", "their"):
            return True, relation
        if subject == Person.NONE:
            return bool(re.search(r"\byou(?:r|'re|'ve)?\b", text, re.I)), None
        return False, None
    if role == "analyst":
        return subject in (Person.FIRST, Person.NONE), None
    if subject == Person.THIRD:
        return relation is not None and owner in ("my", "our"), relation
    return subject in (Person.FIRST, Person.NONE), None
