"""Answers across turns: "About fifteen years." means something after a question.

When the turn before a message asked about one thing (risk, the horizon, an
age, when to retire, a holding, a view) and the message answers in a word or a
phrase, the answer is read as the statement it completes: "Moderate, I'd say."
after "How would you describe your risk tolerance?" reads "My risk tolerance is
moderate, I'd say." Only an answer by someone other than the asker is read so,
and only its first sentence (the rest stand on their own).

Also: a sentence that trades "them" or "it" names no instrument; the one named
just before (earlier in the message, or in the turn before) is the one meant.
"""

import re

from ..tickers import TickerResolver
from .sectors import sector_at

_RISK_Q = re.compile(
    r"\brisk\b.*\b(?:tolerance|appetite|comfortable|much|describe|feel|take|suits?)\b|"
    r"\b(?:tolerance|appetite)\s+for\s+risk\b|\battitude\s+(?:to|towards)\s+risk\b|"
    r"\b(?:feel|level\s+of|how\s+much|scale)\b.*\brisk\b|"
    r"\bcautious\b.*\badventurous\b",
    re.IGNORECASE,
)
_RISK_A = re.compile(
    r"^\W*(?:(?:i'd\s+say|i\s+guess|i\s+think|i'm)\s+)?"
    r"(?:(?:pretty|fairly|very|quite|rather|definitely|probably|somewhat)\s+)?"
    r"(?:low|medium|moderate|high|conservative|aggressive|balanced|cautious|"
    r"adventurous|somewhere\s+in\s+the\s+middle|in\s+the\s+middle|"
    r"middle\s+of\s+the\s+road)\b",
    re.IGNORECASE,
)
# An answer's words for a level, as the profile reads them.
_RISK_AS = [
    (re.compile(r"\badventurous\b", re.I), "aggressive"),
    (
        re.compile(
            r"\b(?:somewhere\s+)?in\s+the\s+middle\b|\bmiddle\s+of\s+the\s+road\b", re.I
        ),
        "moderate",
    ),
]
_HORIZON_Q = re.compile(
    r"\b(?:time\s+horizon|horizon|how\s+long\s+(?:until|before|till)|"
    r"need\s+(?:the|this|that)\s+money|draw\s+on|when\s+will\s+you\s+need|"
    r"stay\s+invested|how\s+long\s+can)\b",
    re.IGNORECASE,
)
_YEARS_A = re.compile(r"\b\d+\s*\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)
_AGE_Q = re.compile(
    r"\bhow\s+old\b|\byour\s+age\b|^\W*(?:and\s+)?(?:your\s+)?age\W*$", re.IGNORECASE
)
_AGE_A = re.compile(
    r"^\W*(?:(?:i'm|i\s+am|just\s+turned|turned)\s+)?(?P<n>\d{2})\b"
    r"(?!\s*(?:years|yrs|%|k\b))",
    re.IGNORECASE,
)
_RETIRE_Q = re.compile(
    r"\b(?:when|what\s+age|which\s+age|how\s+old)\b.*\bretire|\bretirement\s+age\b",
    re.IGNORECASE,
)
_RETIRE_A = re.compile(
    r"^\W*(?:at\s+|by\s+|around\s+|about\s+)?(?P<n>\d{2})\b(?!\s*(?:years|yrs|%))",
    re.IGNORECASE,
)
_HOLDING_Q = re.compile(
    r"\b(?:own|hold|have|still|how\s+many|how\s+much|holding|position|stake|"
    r"quantity|got|number)\b",
    re.IGNORECASE,
)
# "Where do you keep the 350 TLT?" - "In the Roth.": the answer is the account.
_QTY_IN_Q = re.compile(r"\b(?P<n>\d[\d,]*)\b")
_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|correct|right)\b[\s,.!—–-]*", re.I)
_NO = re.compile(r"^\W*(?:no|nope|nah)\b", re.IGNORECASE)
_COUNT_A = re.compile(
    r"^(?:(?:it's|it\s+is|that's|that\s+is)\s+)?"
    r"(?P<approx>(?:about|around|roughly|approximately|maybe|like)\s+)?"
    r"(?P<n>\d[\d,]*(?:\.\d+)?)\b(?!\s*(?:%|years|yrs|k\b))(?:\s+shares)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_VIEW_Q = re.compile(
    r"\b(?:think|feel|view|take|opinion|thoughts|make\s+of)\b", re.IGNORECASE
)
_STANCE_A = re.compile(
    r"^\W*(?:(?:very|pretty|quite|way|really|super|so)\s+)?(?:overvalued|undervalued|"
    r"overpriced|underpriced|expensive|cheap|bullish|bearish|a\s+buy|a\s+sell)\b",
    re.IGNORECASE,
)
_IT_SUBJECT = re.compile(
    r"\b(?:it's|it\s+is|it\s+goes|it\s+will|it'll|it\s+should|it\s+could|it\s+looks|"
    r"it\s+seems)\b",
    re.IGNORECASE,
)
_IT_VERB = {"it'll": " will", "it's": " is"}
# "Anything you'd rather not invest in?" - "Tobacco, mostly.": an exclusion.
_AVOID_Q = re.compile(
    r"\b(?:rather\s+not\s+(?:invest|own|hold|have)|(?:want|like)\s+to\s+avoid|"
    r"avoid|exclude|(?:won't|wouldn't|never)\s+(?:own|touch|invest|hold))\b",
    re.IGNORECASE,
)
_AVOID_A = re.compile(
    r"^\W*(?:(?:definitely|probably|mainly|mostly|just|anything\s+in)\s+)?(?:big\s+)?",
    re.IGNORECASE,
)
_STANCE_ALONE = re.compile(r"\b(?:bullish|bearish)\b(?!\s+(?:on|about))", re.I)


def answered(text: str, question: str, resolver: TickerResolver) -> str | None:
    """Return the statement an answer completes, or None if it completes none.

    ``question`` is the question asked just before (the caller checks it is one).
    """
    if not text.strip():
        return None
    asked = resolver.find(question)
    said = resolver.find(text)
    if _RETIRE_Q.search(question) and (m := _RETIRE_A.match(text)):
        return f"I want to retire at {m.group('n')}.{text[m.end() :]}"
    if _AGE_Q.search(question) and (m := _AGE_A.match(text)):
        return f"I'm {m.group('n')}.{text[m.end() :]}"
    if _RISK_Q.search(question) and _RISK_A.match(text):
        level = re.sub(
            r"^\W*(?:i'd\s+say|i\s+guess|i\s+think|i'm)\s+",
            "",
            text.strip(),
            flags=re.I,
        )
        for pattern, word in _RISK_AS:
            level = pattern.sub(word, level, count=1)
        return f"My risk tolerance is {level}"
    if _HORIZON_Q.search(question) and _YEARS_A.search(text) and not said:
        return "My time horizon is " + re.sub(
            r"^\W*in\s+", "", text.strip(), flags=re.I
        )
    if _AVOID_Q.search(question) and not asked and not said:
        rest = text[_AVOID_A.match(text).end() :]
        if sector_at(rest, 0):
            return f"I avoid {rest}"
    if len({m.symbol for m in asked}) != 1 or said:
        return None
    # Named as the question named it: "Boeing's going down" reads, "BA's" not.
    symbol = re.sub(r"['’]s$", "", asked[0].text)
    if _VIEW_Q.search(question):
        if _STANCE_A.match(text):
            return f"{symbol} is {text.strip()}"
        if _IT_SUBJECT.search(text):
            return _IT_SUBJECT.sub(
                lambda m: symbol + _IT_VERB.get(m.group(0).lower(), m.group(0)[2:]),
                text,
                count=1,
            )
        if _STANCE_ALONE.search(text):
            return _STANCE_ALONE.sub(lambda m: f"{m.group(0)} on {symbol}", text, 1)
        return None
    if re.search(r"\bwhere\b", question, re.I) and re.match(
        r"^\W*(?:all\s+of\s+(?:it|them)\s+)?(?:in|at)\s+(?:the|my|our)\s", text, re.I
    ):
        count = _QTY_IN_Q.search(question)
        amount = f"{count.group('n')} shares of " if count else ""
        return f"I own {amount}{symbol} {text.strip()}"
    if _HOLDING_Q.search(question):
        if _NO.match(text):
            return f"I no longer own {symbol}."
        rest = _YES.sub("", text, count=1)
        if m := _COUNT_A.match(rest):
            approx = m.group("approx") or ""
            return f"I own {approx}{m.group('n')} shares of {symbol}{m.group('rest')}"
        if rest != text and not rest.strip(" .!"):
            return f"I own {symbol}."
    return None


_REFERENT = re.compile(
    r"\b(?:of\s+them|of\s+those|of\s+it|them|those|it)\b", re.IGNORECASE
)
_TRADES = re.compile(
    r"\b(?:sold|sell|bought|buy|trimmed|added|dumped|got\s+rid\s+of|unloaded|"
    r"picked\s+up|grabbed|offloaded)\b",
    re.IGNORECASE,
)


# "I picked up sixty more": more of the instrument named just before.
_MORE = re.compile(
    r"\b(?:another\s+)?\d[\d,]*(?:\s+(?:more|extra|additional))?(?P<shares>\s+shares)?"
    r"(?<=more|xtra|onal|ares)\b(?!\s+of\b)(?!\s+[A-Z])"
)


def needs_referent(text: str) -> bool:
    """Say whether a sentence trades an instrument it names only as "them"."""
    return (
        bool(text)
        and bool(_TRADES.search(text))
        and bool(_REFERENT.search(text) or _MORE.search(text))
    )


def with_referent(text: str, symbol: str | None) -> str:
    """Name the instrument a trade's "them" or "it" stands for, if known."""
    if symbol is None or not _TRADES.search(text):
        return text
    match = _REFERENT.search(text)
    if match is None:
        more = _MORE.search(text)
        if more is None:
            return text
        # "shares of F" names even a symbol that is also a word.
        name = f" of {symbol}" if more.group("shares") else f" shares of {symbol}"
        return text[: more.end()] + name + text[more.end() :]
    said = match.group(0).lower()
    name = f"of {symbol}" if said.startswith("of ") else symbol
    return text[: match.start()] + name + text[match.end() :]
