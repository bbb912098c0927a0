"""Views: bullish or bearish on an instrument or a sector, with target and horizon.

"I'm bearish on TSLA, target $180 within 6 months", "NVDA looks like a strong
buy", "Upgrading MSFT to buy": the stance is read in the window between an
instrument and its neighbours, with the instrument replaced by a marker.
"""

import re
from datetime import datetime

from ..speakers import speaks_own_opinion, whose_view
from .numbers import DIGITS, WORDNUM, format_money, parse_amount, parse_int
from .sectors import sector_at
from .sentence import RETRACT, Sentence

_STANCE_WORDS = {
    "bullish": "bullish",
    "bearish": "bearish",
    "neutral": "neutral",
    "optimistic": "bullish",
    "pessimistic": "bearish",
    "positive": "bullish",
    "negative": "bearish",
    "constructive": "bullish",
    "cautious": "bearish",
    "overweight": "bullish",
    "underweight": "bearish",
}
_STANCE_ADJ = "|".join(_STANCE_WORDS)
_MODS = (
    r"very|really|extremely|highly|super|quite|firmly|strongly|incredibly|pretty|"
    r"slightly|somewhat|mildly|a\s+bit|a\s+little|cautiously|moderately|kind\s+of|"
    r"sort\s+of|still|now|also|way\s+too|way|too|so|clearly|massively|wildly|dirt"
)
_HIGH_MODS = {"very", "really", "extremely", "highly", "super", "firmly", "strongly"}
_HIGH_MODS |= {"incredibly", "way", "way too", "massively", "wildly"}
_LOW_MODS = {"slightly", "somewhat", "mildly", "a bit", "a little", "cautiously"}
_LOW_MODS |= {"kind of", "sort of", "moderately"}
_M = "\x00"  # stands for the instrument inside a view's window
_VIEW_BEFORE = re.compile(
    rf"(?P<neg>\b(?:not|no\s+longer|never)\s+|n[’']t\s+(?:be\s+)?)?"
    rf"(?:(?P<mod>{_MODS})\s+)?(?P<st>{_STANCE_ADJ})\s+(?:on|about|towards?|"
    rf"regarding|for|with)\s+(?:the\s+)?{_M}",
    re.IGNORECASE,
)
# Valuation said as a judgement is a view: overpriced, a bubble, a steal.
_VALUATION = {
    "overvalued": "bearish",
    "overpriced": "bearish",
    "expensive": "bearish",
    "bubble": "bearish",
    "undervalued": "bullish",
    "underpriced": "bullish",
    "cheap": "bullish",
    "bargain": "bullish",
    "steal": "bullish",
    "overrated": "bearish",
    "underrated": "bullish",
    "overhyped": "bearish",
    "rich": "bearish",
    "pricey": "bearish",
    "frothy": "bearish",
    "stretched": "bearish",
}
_VIEW_AFTER = re.compile(
    rf"{_M}(?:'s|’s)?\s+(?:stock\s+|shares\s+|valuation\s+)?(?P<link>is|are|looks|seems|feels|"
    r"remains|stays|strikes\s+me\s+as|is\s+still|looks\s+like|seems\s+like|"
    r"is\s+looking|is\s+now|isn't|is\s+not|looks\s+to\s+be|screens|trades|"
    r"is\s+trading|might\s+be|could\s+be|may\s+be|would\s+be)\s+"
    r"(?:(?:like\s+)?(?:in\s+)?(?:an?\s+)?)?"
    rf"(?:(?P<mod>{_MODS})\s+)?(?:an?\s+)?(?P<st>{_STANCE_ADJ}|overvalued|"
    r"undervalued|overpriced|underpriced|fairly\s+valued|expensive|cheap|bubble|"
    r"bargain|steal|overrated|underrated|overhyped|rich|pricey|frothy|stretched|"
    r"(?:(?:strong|solid|clear|screaming|great|good)\s+)?(?:buy|sell))\b",
    re.IGNORECASE,
)
# Where the speaker expects it to go: "it's going down", "it goes higher", "is
# going to crash", "has a lot of upside", "expects NVDA to keep climbing".
_VIEW_DIRECTION = re.compile(
    rf"{_M}(?:'s|’s|\s+is)?\s+(?:(?P<how>going|goes|will\s+go|headed|heading)\s+"
    r"(?P<dir>down|lower|up|higher)\b|(?:is\s+|'s\s+)?(?:going\s+to|gonna|will|"
    r"could|should|is\s+about\s+to)\s+(?P<fall>crash|collapse|tank|drop|fall|sink|"
    r"plunge|rally|soar|climb|rise|take\s+off|do\s+well|do\s+badly|do\s+poorly|"
    r"keep\s+(?:rising|climbing|falling|"
    r"dropping)|outperform|underperform)\b|(?:has|'s\s+got|still\s+has)\s+"
    r"(?:a\s+lot\s+of\s+|lots\s+of\s+|plenty\s+of\s+|more\s+|real\s+|big\s+)?"
    r"(?P<side>upside|downside)\b)|"
    rf"\bexpects?\s+{_M}\s+to\s+(?:keep\s+)?(?P<exp>climbing|rising|falling|dropping|"
    r"climb|rise|fall|drop|go\s+up|go\s+down|rally|recover|struggle)\b",
    re.IGNORECASE,
)
_DOWN = {"down", "lower", "crash", "collapse", "tank", "drop", "fall", "sink", "plunge"}
_DOWN |= {"downside", "falling", "dropping", "go down", "struggle", "underperform"}
_DOWN |= {"do badly", "do poorly"}
# "skeptical of Boeing", "not a fan of": a stance said before the instrument.
# "sees Uber as a bargain", "believes in Lilly long term".
_VIEW_AS = re.compile(
    rf"\b(?:see|sees|view|views|regard|regards|consider|considers)\s+{_M}\s+as\s+"
    rf"(?:an?\s+)?(?:(?P<mod>{_MODS})\s+)?(?P<st>overvalued|undervalued|overpriced|"
    r"underpriced|expensive|cheap|bubble|bargain|steal|overrated|underrated|"
    r"overhyped|(?:(?:strong|solid|clear|screaming|great|good)\s+)?(?:buy|sell))\b"
    rf"|\b(?P<believe>believes?|believing)\s+in\s+{_M}"
    r"|\b(?:see|sees|there's|there\s+is)\s+(?:a\s+lot\s+of\s+|lots\s+of\s+|plenty\s+of\s+|"
    rf"real\s+|big\s+|some\s+)?(?P<side>upside|downside)\s+(?:in|for|to)\s+{_M}",
    re.IGNORECASE,
)
_VIEW_DOUBT = re.compile(
    r"\b(?:(?:skeptical|sceptical|wary|worried)\s+(?:of|about)|not\s+convinced\s+"
    rf"(?:by|about|of)|(?:serious\s+|real\s+)?doubts\s+about)\s+(?:the\s+)?{_M}",
    re.IGNORECASE,
)
# Idioms for where it goes: "betting on Pfizer", "Disney's best days are behind it".
_VIEW_IDIOM = re.compile(
    rf"(?P<bull>\b(?:betting|bet|bets)\s+on\s+{_M}|\bhigh\s+hopes\s+for\s+{_M}|"
    rf"{_M}(?:'s|’s)?\s+(?:is\s+(?:a\s+)?long[- ]term\s+winner|"
    r"has\s+(?:a\s+lot|plenty|so\s+much)\s+going\s+for\s+it|"
    r"is\s+poised\s+to\s+(?:grow|rise|climb|rally)|could\s+double))"
    rf"|(?P<bear>\blost\s+(?:faith|confidence)\s+in\s+{_M}|"
    rf"{_M}(?:'s|’s|\s+is|\s+has)?\s+(?:best\s+days\s+are|had\s+its\s+best\s+days)\s+"
    r"behind\s+it|"
    rf"{_M}(?:'s|’s)?\s+(?:has\s+peaked|is\s+overdue\s+for\s+a\s+(?:correction|"
    r"pullback|drop|fall)|is\s+a\s+value\s+trap|is\s+headed\s+for\s+trouble))",
    re.IGNORECASE,
)
# "I'd be a seller here": the speaker's own call, said of what they would do.
_VIEW_ACTOR = re.compile(
    r"\b(?:i'd|i\s+would|we'd|we\s+would)\s+be\s+an?\s+(?P<st>buyer|seller)\b",
    re.IGNORECASE,
)
_VIEW_RATING = re.compile(
    r"\b(?:rat(?:e|ing)|upgrad\w*|downgrad\w*|reiterat\w*|initiat\w*(?:\s+coverage\s+"
    rf"(?:of|on))?|mov\w*)\s+{_M}\s+(?:to|at|as|with)?\s*(?:an?\s+)?"
    r"(?P<st>strong\s+buy|buy|strong\s+sell|sell|hold|outperform|underperform|"
    r"overweight|underweight|neutral|equal[- ]weight|market[- ]perform)\b",
    re.IGNORECASE,
)
# "NextEra: underperform, PT 130": an analyst's shorthand.
_VIEW_RATING_SHORT = re.compile(
    r"^\W*(?:(?:my|our)\s+(?:call|rating|view|take)\s+on\s+)?"
    rf"{_M}\s*[:—–-]\s*(?:an?\s+)?(?P<st>strong\s+buy|buy|strong\s+sell|sell|"
    r"hold|outperform|underperform|overweight|underweight|neutral|equal[- ]weight|"
    r"market[- ]perform)\b",
    re.IGNORECASE,
)
_RATING_STANCE = {
    "strong buy": ("bullish", "high"),
    "buy": ("bullish", None),
    "outperform": ("bullish", None),
    "overweight": ("bullish", None),
    "strong sell": ("bearish", "high"),
    "sell": ("bearish", None),
    "underperform": ("bearish", None),
    "underweight": ("bearish", None),
    "hold": ("neutral", None),
    "neutral": ("neutral", None),
    "equal-weight": ("neutral", None),
    "equal weight": ("neutral", None),
    "market-perform": ("neutral", None),
    "market perform": ("neutral", None),
}
_TARGET = re.compile(
    rf"(?:price\s+target|target(?:\s+price)?|\bpt\b|fair\s+value|"
    rf"sees?(?:ing)?\s+(?:it|them|the\s+stock|{_M})\s+(?:at|hitting|reaching|going\s+to|"
    rf"getting\s+to|trading\s+at)|{_M}\s+(?:gets?\s+to|hits|reaches)|(?:could|will|should|can|to|going\s+to|gonna|might)\s+"
    r"(?:hit|reach|get\s+to|go\s+to|touch|drop\s+to|fall\s+to|rise\s+to|climb\s+to|"
    r"trade\s+at)|head(?:ed|ing)\s+(?:to|for|towards)|worth)"
    rf"(?:\s+for\s+{_M})?\s*(?:of|is|at|:|=|around|about|near|~|\s)*"
    rf"(?P<p>[$€£]?\s?{DIGITS}(?:\s?k)?)(?![\d%])(?!\s*(?:%|shares|percent))",
    re.IGNORECASE,
)
_TARGET_FIRST = re.compile(
    rf"(?P<p>[$€£]\s?{DIGITS}(?:\s?k)?)\s+(?:price\s+)?target\b", re.IGNORECASE
)
_HORIZON = re.compile(
    rf"\b(?:(?:within|in|over|inside|by|for|on)\s+(?:the\s+)?(?:next\s+|coming\s+)?"
    rf"(?:(?P<n>\d+|{WORDNUM})\s*[- ]?)?(?P<unit>months?|years?|yrs?|weeks?|"
    rf"quarters?)\b|(?P<n2>\d+|{WORDNUM})[- ](?P<unit2>month|year|week|quarter)"
    r"(?:s)?[- ](?:target|horizon|view|time\s+frame|timeframe|outlook|call)|"
    r"(?P<nextyear>next\s+year)|(?P<yearend>(?:by\s+)?(?:year[- ]end|the\s+end\s+of"
    r"\s+(?:the|this)\s+year)))",
    re.IGNORECASE,
)
_SECTOR_VIEW = re.compile(
    rf"(?P<neg>\b(?:not|no\s+longer)\s+|n't\s+)?(?:(?P<mod>{_MODS})\s+)?"
    rf"(?P<st>{_STANCE_ADJ})\s+(?:on|about)\s+(?:the\s+)?",
    re.IGNORECASE,
)


def read_views(s: Sentence) -> None:
    """Read the stance on each instrument mentioned, else on a sector."""
    text = s.text
    seen: set[str] = set()
    for i, mention in enumerate(s.mentions):
        lo = s.mentions[i - 1].end if i else 0
        hi = s.mentions[i + 1].start if i + 1 < len(s.mentions) else len(text)
        window = text[lo : mention.start] + _M + text[mention.end : hi]
        view = _stance(window) or _stance_from_target(s, mention.symbol, window)
        if view is None or mention.symbol in seen:
            continue
        stance, conviction, negated, stance_at = view
        at = lo + stance_at if stance_at is not None else None
        whose = _whose_view(s, at)
        if whose is None:
            continue
        seen.add(mention.symbol)
        payload = {"instrument": mention.symbol, "stance": stance}
        _add_view(
            s,
            f"view:{mention.symbol}",
            mention.symbol,
            payload,
            window,
            conviction,
            negated,
            unsure=whose == "unsure",
        )
    if s.mentions:
        return
    for match in _SECTOR_VIEW.finditer(text):
        sector = sector_at(text, match.end())
        if sector is None:
            continue
        whose = _whose_view(s, match.start())
        if whose is None:
            continue
        stance = _STANCE_WORDS[match.group("st").lower()]
        conviction = _conviction(match.group("mod"), stance_word=None)
        payload = {"sector": sector[0], "stance": stance}
        _add_view(
            s,
            f"view:sector:{sector[0]}",
            sector[0],
            payload,
            text,
            conviction,
            bool(match.group("neg")),
            unsure=whose == "unsure",
        )


def _whose_view(s: Sentence, stance_at: int | None) -> str | None:
    """Say whether the view whose stance is at ``stance_at`` is the subject's."""
    return whose_view(s.role, s.text, stance_at)


def _conviction(mod: str | None, stance_word: str | None) -> str:
    """Return "high", "medium" or "low" from the words that qualify a stance."""
    mod = re.sub(r"\s+", " ", (mod or "").lower())
    if mod in _HIGH_MODS or (stance_word or "").lower().startswith(
        ("strong", "screaming")
    ):
        return "high"
    if mod in _LOW_MODS or (stance_word or "").lower() == "cautious":
        return "low"
    return "medium"


def _stance(window: str):
    """Return (stance, conviction, negated, offset) for the instrument, or None."""
    if m := _VIEW_BEFORE.search(window):
        word = m.group("st").lower()
        stance = _STANCE_WORDS[word]
        conviction = _conviction(m.group("mod"), word)
        return stance, conviction, bool(m.group("neg")), m.start()
    if m := _VIEW_AFTER.search(window):
        word = re.sub(r"\s+", " ", m.group("st").lower())
        base = word.split()[-1]
        if base in _STANCE_WORDS:
            stance = _STANCE_WORDS[base]
        elif base in _VALUATION:
            stance = _VALUATION[base]
        elif base == "buy":
            stance = "bullish"
        elif base == "sell":
            stance = "bearish"
        else:
            stance = "neutral"
        negated = m.group("link").lower() in ("isn't", "is not")
        conviction = _conviction(m.group("mod"), word)
        return stance, conviction, negated, None
    if m := _VIEW_AS.search(window):
        if m.group("believe"):
            return "bullish", "medium", False, m.start()
        if m.group("side"):
            stance = "bearish" if m.group("side").lower() == "downside" else "bullish"
            return stance, "medium", False, m.start()
        word = re.sub(r"\s+", " ", m.group("st").lower())
        base = word.split()[-1]
        stance = _VALUATION.get(base) or ("bullish" if base == "buy" else "bearish")
        return stance, _conviction(m.group("mod"), word), False, m.start()
    if m := _VIEW_RATING.search(window) or _VIEW_RATING_SHORT.search(window):
        rating = re.sub(r"\s+", " ", m.group("st").lower())
        stance, conviction = _RATING_STANCE[rating]
        return stance, conviction or "medium", False, m.start()
    if m := _VIEW_DIRECTION.search(window):
        word = next(g for g in ("dir", "fall", "side", "exp") if m.group(g))
        said = re.sub(r"\s+", " ", m.group(word).lower())
        down = said in _DOWN or said.split()[-1] in _DOWN
        stance = "bearish" if down else "bullish"
        # "He expects NVDA to climb": the expecting is whose view it is.
        return stance, "medium", False, m.start() if word == "exp" else None
    if m := _VIEW_DOUBT.search(window):
        return "bearish", "medium", False, m.start()
    if m := _VIEW_IDIOM.search(window):
        stance = "bullish" if m.group("bull") else "bearish"
        at = m.start() if not m.group(0).startswith(_M) else None
        return stance, "medium", False, at
    if m := _VIEW_ACTOR.search(window):
        stance = "bullish" if m.group("st").lower() == "buyer" else "bearish"
        return stance, "medium", False, m.start()
    return None


# "I could see MSFT at $500": a target the speaker sees.
_SEES = re.compile(r"\b(?:could|can)\s+see\b", re.IGNORECASE)


def _stance_from_target(s: Sentence, symbol: str, window: str):
    """Infer the stance of "I see MSFT at $500" from the instrument's price.

    The stance is then a guess against a reference price, so the view is
    proposed with low conviction and a flag, for a person to confirm.
    """
    target = _TARGET.search(window) or _TARGET_FIRST.search(window)
    seen = _SEES.search(window)
    # The advisor's "she thinks Lilly gets to $240" is the client's opinion.
    reported = s.role == "advisor" and whose_view(s.role, s.text, None) == "yes"
    if not (speaks_own_opinion(s.role, s.text) or seen or reported):
        return None
    reference = (s.resolver.instrument(symbol) or {}).get("reference_price")
    if not target or not reference:
        return None
    value = parse_amount(target.group("p"))[0]
    if not value:
        return None
    stance = "bullish" if value > reference else "bearish"
    far = abs(value - reference) / reference >= 0.2
    at = seen.start() if seen else None
    return stance, "inferred-clear" if far else "inferred", False, at


def _add_view(
    s: Sentence, key, name, payload, window, conviction, negated, *, unsure=False
) -> None:
    """Propose a view, or its retraction when the stance is negated."""
    if negated:
        s.add(
            "view",
            key,
            f"No longer {payload['stance']} on {name}",
            payload,
            action=RETRACT,
            confidence=0.8
            if re.search(r"\b(?:anymore|any\s+more|no\s+longer)\b", s.text, re.I)
            else 0.55,
            importance=0.6,
        )
        return
    confidence = 0.5 if unsure else 0.85
    if conviction in ("inferred", "inferred-clear"):
        # The stance is read from the target against the instrument's price:
        # clear when far from it, a guess near it.
        if conviction == "inferred":
            confidence = min(confidence, 0.5)
        conviction = "medium"
        payload["stance_inferred"] = True
    payload["conviction"] = conviction
    words = f"{payload['stance'].capitalize()} on {name}"
    if m := _TARGET.search(window) or _TARGET_FIRST.search(window):
        target, currency = parse_amount(m.group("p"))
        if target:
            payload["target_price"] = target
            words += f", target {format_money(target, currency)}"
    if m := _HORIZON.search(window):
        horizon, months = _horizon(m, s.occurred_at)
        if horizon:
            payload["horizon"] = horizon
            payload["horizon_months"] = months
            words += f" within {horizon}"
    if conviction != "medium":
        words += f" ({conviction} conviction)"
    s.add("view", key, words, payload, confidence=confidence, importance=0.6)


def _horizon(
    m: re.Match, occurred_at: datetime | None
) -> tuple[str | None, int | None]:
    """Return a view's horizon in words and in months, from a ``_HORIZON`` match."""
    if m.group("nextyear"):
        return "1 year", 12
    if m.group("yearend"):
        if occurred_at is None:
            return "year-end", None
        return "year-end", max(1, 12 - occurred_at.month)
    raw_n = m.group("n") or m.group("n2")
    unit = (m.group("unit") or m.group("unit2") or "").lower().rstrip("s")
    unit = {"yr": "year", "mo": "month"}.get(unit, unit)
    n = parse_int(raw_n) if raw_n else 1
    if not n:
        return None, None
    months = {
        "month": n,
        "year": 12 * n,
        "quarter": 3 * n,
        "week": max(1, round(n / 4.345)),
    }[unit]
    return f"{n} {unit}{'s' if n != 1 else ''}", months
