"""Query expansion for the word ranking: the words a question's answer may use.

People ask "who is her employer?" and said "I'm joining Meridian at work"; they ask
"how much did she inherit?" and said "the estate settled". Full text matches only
the words said, so a question's words are widened with a short thesaurus of the
everyday words of an advisor's conversations (money, family, work, home, health).
Expanded words count for less than the question's own (``EXPANSION_WEIGHT``), so a
turn that says what was asked still ranks first.

Question scaffolding ("how much", "what is the name of") says nothing about the
answer and is dropped from the word ranking.
"""

import re

EXPANSION_WEIGHT = 0.5

# Each row is a group of words that stand for one another in a question.
_THESAURUS = (
    "employer job work company firm career office boss",
    "inherit inheritance inherited estate windfall bequest will",
    "home house city live living moved move relocate relocated place",
    "donate donation donated charity gift check give gave",
    "rent rental tenant renter lease landlord",
    "tax taxes irs owe",
    "retire retirement retiring pension stop working",
    "buy bought purchase purchased picked acquire",
    "sell sold selling unload unloaded trim dump",
    "own hold holding holdings position shares stock",
    "price cost paid pay spent spend",
    "child children kid kids daughter son",
    "grandchild grandchildren grandkid grandkids grandson granddaughter baby",
    "spouse wife husband partner",
    "wedding married marry engaged engagement",
    "health surgery doctor hospital procedure operation recovery",
    "car vehicle truck suv",
    "vacation trip travel getaway cabin cottage",
    "dividend dividends income checks payout yield",
    "risk volatility swings aggressive conservative cautious",
    "school tuition college education university",
    "pet dog cat adopt adopted rescue",
    "bonus raise paycheck salary",
    "opinion view think bullish bearish overpriced overvalued",
    "avoid exclude never refuse",
    "loan lent borrow borrowed owe repay paid",
    "sale sold proceeds",
    "invest investing invested put money",
)
_QUESTION_WORDS = frozenset(
    """
    how much many what which who whom whose when where why does did do is are
    was were the a an of name kind sort type thing things tell describe
    """.split()
)
_WORD = re.compile(r"[a-z]+")


def _groups() -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for row in _THESAURUS:
        words = set(row.split())
        for word in words:
            groups.setdefault(word, set()).update(words)
    return groups


_GROUPS = _groups()


def query_words(query: str) -> str:
    """Return the question's own words for the word ranking, scaffolding dropped."""
    words = _WORD.findall((query or "").lower())
    return " ".join(word for word in words if word not in _QUESTION_WORDS)


def expansion_words(query: str) -> str:
    """Return the words a question's answer may use instead of its own."""
    own = set(_WORD.findall((query or "").lower()))
    extra: set[str] = set()
    for word in own:
        extra |= _GROUPS.get(word, set())
    return " ".join(sorted(extra - own))
