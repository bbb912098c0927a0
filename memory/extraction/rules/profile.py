"""The subject's profile: risk tolerance, investment horizon and KYC facts."""

import re

from .numbers import AMOUNT, APPROX, INT, format_money, parse_amount, parse_int
from .sentence import Sentence

_RISK_LABEL = re.compile(
    r"\brisk[- ](?:tolerance|appetite|profile|level)\s*"
    r"(?:is|:|=|of|-|would\s+be|as)?\s*"
    r"(?:(?:a|an|pretty|fairly|quite|very|really|rather|somewhat|on\s+the|probably|"
    r"definitely|maybe)\s+)*"
    r"(?P<lvl>low|medium|moderate(?:ly\s+(?:conservative|aggressive))?|high|"
    r"conservative|aggressive|balanced|cautious)\b",
    re.IGNORECASE,
)
_RISK_ADJ = re.compile(
    r"(?P<lvl>low|medium|moderate|high|conservative|aggressive)\s+risk[- ]"
    r"(?:tolerance|appetite|profile|investor)",
    re.IGNORECASE,
)
_RISK_SELF = re.compile(
    r"\b(?:i'm|i\s+am|we're|we\s+are|you're|you\s+are|i'd\s+say\s+i'm|"
    r"i\s+consider\s+myself|we\s+consider\s+ourselves|he's|she's|he\s+is|she\s+is|"
    r"(?:i|he|she)(?:'d|\s+would)\s+(?:call|describe)\s+(?:myself|himself|herself)"
    r"(?:\s+as)?|"
    r"i've\s+always\s+been|i've\s+become|i'm\s+becoming|i\s+tend\s+to\s+be|"
    r"we\s+tend\s+to\s+be|always\s+been|they're|they\s+are)\s+"
    r"(?:\d{2}(?:\s+years\s+old)?,?\s+(?:and\s+)?(?:\w+,\s+(?:and\s+)?)?)?"
    r"(?P<neg>not\s+)?(?:(?:an?|now|still|generally|always|more\s+of\s+an?|probably|"
    r"definitely|somewhere\s+in\s+the\s+middle,?\s+an?)\s+)*"
    r"(?:(?P<mod>very|pretty|fairly|quite|really|extremely|super|rather|somewhat|"
    r"slightly|moderately|a\s+bit|a\s+little|kind\s+of|sort\s+of|mildly|fairly)\s+)?"
    r"(?P<lvl>conservative|aggressive|risk[- ]averse|cautious|balanced|moderate)"
    r"(?=\s*(?:$|[,.!;]|investors?\b|guy\b|person\b|type\b|"
    r"with\s+(?:my\s+|our\s+|his\s+|her\s+|their\s+)?(?:money|investments|"
    r"investing|risk|savings|my\s+portfolio|our\s+portfolio)\b|when\s+it\s+comes\s+"
    r"to\s+(?:money|investing|risk|investments)\b|and\b|but\b|overall\b|these\s+days"
    r"\b|now\b|by\s+nature\b|in\s+general\b))",
    re.IGNORECASE,
)
_RISK_AVERSE_PHRASES = re.compile(
    r"\b(?:can't|cannot|can\s+not|couldn't)\s+(?:stomach|handle|afford|tolerate|take)"
    r"\s+(?:much|a\s+lot\s+of|big|any|large)?\s*(?:risk|volatility|losses|to\s+lose)"
    r"|\b(?:hate|hates|don't\s+like|do\s+not\s+like|doesn't\s+like)\s+"
    r"(?:losing\s+money|risk|volatility|(?:big\s+|large\s+|wild\s+)?swings)"
    r"|\bsafety\s+(?:is|comes)\s+first"
    r"|\bplay(?:s|ing)?\s+it\s+safe\b"
    r"|\b(?:stability|safety|capital\s+preservation)\s+(?:matters|comes|is)\s+"
    r"(?:most|first)\b"
    r"|\b(?:don't|do\s+not|doesn't|does\s+not)\s+want\s+to\s+take\s+(?:much|any|a\s+lot\s+of)"
    r"\s+risk"
    r"|\b(?:want|wants)\s+to\s+keep\s+(?:it|things|my\s+money|the\s+money)\s+safe\b"
    r"|\blos(?:ing|e|s)\s+money\s+keeps\s+(?:me|him|her|us|them)\s+up\s+at\s+night"
    r"|\bslow\s+and\s+steady\b"
    r"|\bprotecting\s+what\s+(?:i|we|he|she|they)\s+(?:have|has)\s+(?:matters|comes|"
    r"is)\s+(?:most|first)\b",
    re.IGNORECASE,
)
# "prefers moderate risk", "wants an aggressive portfolio".
_RISK_WANTED = re.compile(
    r"\b(?:prefer|prefers|want|wants|like|likes|need|needs)\s+(?:an?\s+|something\s+)?"
    r"(?:(?P<lvl>low|moderate|medium|high)[- ]risk\b|(?P<lvl2>conservative|aggressive|"
    r"moderate|balanced|cautious)\s+(?:portfolio|approach|strategy|mix|investments?)\b)",
    re.IGNORECASE,
)
_RISK_MIDDLE_PHRASES = re.compile(
    r"\b(?:something|a\s+portfolio\s+that's|a\s+portfolio)\s+balanced\b|"
    r"\bmiddle\s+of\s+the\s+road\b|\bsomewhere\s+in\s+the\s+middle\b|"
    r"\b(?:okay|ok|fine|comfortable|happy)\s+with\s+(?:a\s+)?(?:moderate|medium)\s+"
    r"(?:amount\s+of\s+|level\s+of\s+)?risk\b|"
    r"\b(?:okay|ok|fine)\s+with\s+(?:some|a\s+bit\s+of|a\s+little)\s+risk\b|"
    r"\ba\s+mix\s+of\s+(?:safety\s+and\s+growth|growth\s+and\s+safety)\b",
    re.IGNORECASE,
)
# "Fifty-four, cautious investor, that's him": a self-description, said of one.
_RISK_THATS = re.compile(
    r"\b(?P<lvl>conservative|aggressive|cautious|moderate|balanced)\s+investor\b"
    r"[^.;]*\bthat's\s+(?:me|him|her|them|us)\b",
    re.IGNORECASE,
)
_AGE_THATS = re.compile(
    r"^\W*(?:(?:so|right|oh|and|ok|okay|well|honestly|quick\s+one)\W+)*(?P<n>\d{2}),[^.;]*\bthat's\s+(?:me|him|her|them)\b",
    re.IGNORECASE,
)
_RISK_SEEKING_PHRASES = re.compile(
    r"\b(?:can\s+(?:stomach|handle|take|tolerate)|comfortable\s+with|happy\s+to\s+take"
    r"|willing\s+to\s+take|don't\s+mind|doesn't\s+mind|do\s+not\s+mind|"
    r"does\s+not\s+mind)\s+(?:a\s+lot\s+of|lots\s+of|plenty\s+of|high"
    r"|significant|big|more|considerable)\s+(?:risk|volatility|swings|ups\s+and\s+downs)"
    r"|\b(?:happy|willing|glad|keen)\s+to\s+take\s+(?:on\s+)?(?:some\s+|more\s+|"
    r"a\s+lot\s+of\s+|lots\s+of\s+|big\s+)?risks?\b"
    r"|\brisk\s+(?:doesn't|does\s+not|don't)\s+(?:scare|worry|bother|frighten)\b"
    r"|\b(?:i'm|i\s+am|he's|she's|he\s+is|she\s+is|you're|you\s+are|we're|we\s+are)\s+"
    r"(?:a\s+)?(?:real\s+|big\s+)?risk[- ]takers?\b"
    r"|\bcan\s+live\s+with\s+(?:big\s+|large\s+|wild\s+)?(?:swings|volatility|"
    r"ups\s+and\s+downs)"
    r"|\bin\s+it\s+for\s+(?:the\s+)?growth\b",
    re.IGNORECASE,
)
_RISK_LEVELS = {
    "low": "conservative",
    "conservative": "conservative",
    "risk-averse": "conservative",
    "risk averse": "conservative",
    "cautious": "conservative",
    "medium": "moderate",
    "moderate": "moderate",
    "balanced": "moderate",
    "high": "aggressive",
    "aggressive": "aggressive",
    "moderately conservative": "moderately_conservative",
    "moderately aggressive": "moderately_aggressive",
}
_SOFTENERS = {"somewhat", "slightly", "moderately", "a bit", "a little"}
_SOFTENERS |= {"kind of", "sort of", "mildly"}
_RISK_LABELS = {
    "conservative": "Conservative",
    "moderately_conservative": "Moderately conservative",
    "moderate": "Moderate",
    "moderately_aggressive": "Moderately aggressive",
    "aggressive": "Aggressive",
}
HORIZON_PATTERNS = [
    re.compile(
        rf"(?P<n>{INT})[- ](?:year|yr)s?[- ](?:(?:investment|time|investing)[- ])?"
        r"(?:horizon|time\s*frame|timeline|plan)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:horizon|time\s*frame|timeline)(?:'s)?\s*(?:is|of|:|=|-|will\s+be|would\s+be|"
        rf"is\s+about|is\s+around)?\s*(?:{APPROX}\s+)?(?:at\s+least\s+)?"
        rf"(?P<n>{INT})\s*\+?\s*(?:years?|yrs?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:won't|will\s+not|don't|do\s+not|shouldn't|won’t|don’t|doesn't|does\s+not)"
        r"\s+(?:need|touch|need\s+to\s+touch)\s+"
        r"(?:the|this|that|any\s+of\s+(?:the|this|that))?\s*"
        rf"(?:(?:money|it|funds|cash)\s+)?for\s+(?:at\s+least\s+|another\s+|{APPROX}\s+)?"
        rf"(?P<n>{INT})\s+years",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\binvest(?:ing)?\s+for\s+(?:the\s+next\s+)?(?:{APPROX}\s+)?"
        rf"(?P<n>{INT})\s+years",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\blong\s+haul\W+(?:{APPROX}\s+)?(?P<n>{INT})\s+years|"
        rf"\bmoney\s+for\s+(?:{APPROX}\s+)?(?P<n3>{INT})\s+years\s+from\s+now\b|"
        r"\bneeds?\s+(?:the|this|that)\s+money\s+in\s+"
        rf"(?:{APPROX}\s+)?(?P<n2>{INT})\s+years",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:plan(?:s|ning)?|intend(?:s|ing)?|want(?:s)?|going)\s+to\s+"
        r"(?:hold|stay\s+invested)\s+for\s+(?:the\s+next\s+|another\s+)?"
        rf"(?:{APPROX}\s+)?(?P<n>{INT})\s+years",
        re.IGNORECASE,
    ),
]
_AGE = re.compile(
    r"\b(?:i'm|i\s+am|you're|you\s+are|he's|she's|he\s+is|she\s+is|"
    r"(?:i|he|she|you)\s+(?:just\s+)?(?:turned|hit))\s+(?:now\s+|aged\s+)?"
    r"(?P<n>\d{2})(?:\s+(?:years?\s+old|years\s+of\s+age|years\s+young|yo|y/o))?"
    r"(?=\s*(?:$|[,.!;]|and\b|but\b|so\b|now\b|this\s+year\b|with\b|if\b|"
    r"last\s+(?:month|week|year)\b|in\s+\w+\b))",
    re.IGNORECASE,
)
_MARITAL = re.compile(
    r"\b(?:i'm|i\s+am|we're|we\s+are|you're|you\s+are|he's|she's|he\s+is|she\s+is|"
    r"they're|they\s+are)\s+(?:\d{2}\s*,\s*)?(?:now\s+|recently\s+|"
    r"newly\s+|happily\s+)?(?P<s>married|single|divorced|widowed|separated|engaged)\b",
    re.IGNORECASE,
)
_TAX_BRACKET = re.compile(
    r"(?P<n>\d{1,2}(?:\.\d)?)\s?%\s+(?:federal\s+|marginal\s+|income\s+)?"
    r"(?:tax\s+)?bracket",
    re.IGNORECASE,
)
_INCOME = re.compile(
    r"\b(?:make|makes|making|earn|earns|earning|bring\s+in|brings\s+in|salary\s+"
    r"(?:is|of)|income\s+(?:is|of)|household\s+income\s+(?:is|of))\s+"
    rf"(?:{APPROX}\s+|over\s+|under\s+|just\s+over\s+|just\s+under\s+)?"
    rf"(?P<a>{AMOUNT})(?:\s*(?:a|per|/)\s*(?:year|yr|annum)|\s+annually|\s+a\s+year)?",
    re.IGNORECASE,
)
_NET_WORTH = re.compile(
    r"\bnet\s+worth\s+(?:is|of|:|=|-)?\s*"
    rf"(?:{APPROX}\s+|over\s+|under\s+|just\s+over\s+|just\s+under\s+)?"
    rf"(?P<a>{AMOUNT})"
    rf"|\b(?:worth|have|got)\s+(?:{APPROX}\s+)?(?P<a2>{AMOUNT})\s+(?:in\s+total|"
    r"total|all\s+in|in\s+(?:total\s+)?(?:assets|investable\s+assets|net\s+worth))",
    re.IGNORECASE,
)
_INCOME_BANDS = [
    (50_000, "<50k"),
    (100_000, "50k-100k"),
    (250_000, "100k-250k"),
    (500_000, "250k-500k"),
    (1_000_000, "500k-1m"),
]
_NET_WORTH_BANDS = [
    (100_000, "<100k"),
    (500_000, "100k-500k"),
    (1_000_000, "500k-1m"),
    (5_000_000, "1m-5m"),
    (25_000_000, "5m-25m"),
]


def _band(value: float, bands: list[tuple[int, str]], top: str) -> str:
    """Return the label of the first band ``value`` is under, else ``top``."""
    for limit, label in bands:
        if value < limit:
            return label
    return top


# A sentence without one of these stems (lower case) states no profile: read no further.
MAY_STATE = (
    "risk",
    "volatil",
    "loss",
    "lose",
    "losing",
    "swing",
    "safe",
    "horizon",
    "time frame",
    "timeframe",
    "timeline",
    "year",
    "yrs",
    "married",
    "single",
    "divorc",
    "widow",
    "separated",
    "engaged",
    "bracket",
    "mak",
    "earn",
    "bring",
    "salary",
    "income",
    "worth",
    "total",
    "assets",
    "conservative",
    "aggressive",
    "moderate",
    "cautious",
    "balanced",
    "safe",
    "middle",
    "ups and downs",
    "steady",
    "protect",
    "growth",
    "haul",
    "money in",
    "portfolio",
    "stability",
    "plan",
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
)


def read_profile(s: Sentence) -> None:
    """Read risk tolerance, investment horizon and KYC facts."""
    text = s.text
    level, confidence, anchor = None, 0.8, 0
    if m := _RISK_LABEL.search(text):
        level, anchor = _RISK_LEVELS[m.group("lvl").lower()], m.start()
    elif m := _RISK_ADJ.search(text):
        level, anchor = _RISK_LEVELS[m.group("lvl").lower()], m.start()
    elif (m := _RISK_SELF.search(text)) and not m.group("neg"):
        word = re.sub(r"[\s-]+", " ", m.group("lvl").lower())
        level, anchor = _RISK_LEVELS[word], m.end("lvl")
        mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
        if mod in _SOFTENERS and level in ("conservative", "aggressive"):
            level = f"moderately_{level}"
        if word == "cautious":
            confidence = 0.65
    elif m := _RISK_AVERSE_PHRASES.search(text):
        level, anchor, confidence = "conservative", m.start(), 0.75
    elif m := _RISK_SEEKING_PHRASES.search(text):
        level, anchor, confidence = "aggressive", m.start(), 0.75
    elif m := _RISK_WANTED.search(text):
        word = (m.group("lvl") or m.group("lvl2")).lower()
        level, anchor, confidence = _RISK_LEVELS[word], m.start(), 0.75
    elif m := _RISK_MIDDLE_PHRASES.search(text):
        level, anchor, confidence = "moderate", m.start(), 0.75
    elif m := _RISK_THATS.search(text):
        level, anchor = _RISK_LEVELS[m.group("lvl").lower()], m.end()
    if level and s.speaks_for_subject(anchor, "profile"):
        s.add(
            "profile",
            "profile:risk_tolerance",
            f"{_RISK_LABELS[level]} risk tolerance",
            {"risk_tolerance": level},
            confidence=confidence,
            importance=0.8,
        )
    for pattern in HORIZON_PATTERNS:
        if m := pattern.search(text):
            years = parse_int(
                m.group("n") or m.groupdict().get("n2") or m.groupdict().get("n3")
            )
            if years and s.speaks_for_subject(m.start(), "profile"):
                add_horizon(s, years)
            break
    read_kyc(s)


def add_horizon(s: Sentence, years: int) -> None:
    """Propose the investment horizon, in years."""
    s.add(
        "profile",
        "profile:horizon_years",
        f"Investment horizon of {years} years",
        {"horizon_years": years},
        importance=0.8,
    )


def read_kyc(s: Sentence) -> None:
    """Read age, marital status, tax bracket, income and net worth."""
    text = s.text
    ok = s.speaks_for_subject
    if (m := _AGE.search(text)) and 18 <= int(m.group("n")) <= 110:
        if ok(m.start("n"), "profile"):
            kyc = {"age": int(m.group("n"))}
            if s.occurred_at:
                kyc["age_as_of"] = s.occurred_at.date().isoformat()
            s.add(
                "profile",
                "profile:kyc:age",
                f"Age {kyc['age']}",
                {"kyc": kyc},
                importance=0.6,
            )
    if (
        not _AGE.search(text)
        and (m := _AGE_THATS.search(text))
        and 18 <= int(m.group("n")) <= 110
        and ok(m.end(), "profile")
    ):
        s.add(
            "profile",
            "profile:kyc:age",
            f"Age {m.group('n')}",
            {"kyc": {"age": int(m.group("n"))}},
            importance=0.6,
        )
    if (m := _MARITAL.search(text)) and ok(m.start("s"), "profile"):
        status = m.group("s").lower()
        s.add(
            "profile",
            "profile:kyc:marital_status",
            f"Marital status: {status}",
            {"kyc": {"marital_status": status}},
            importance=0.5,
        )
    if (m := _TAX_BRACKET.search(text)) and ok(m.start(), "profile"):
        rate = float(m.group("n"))
        rate = int(rate) if rate == int(rate) else rate
        s.add(
            "profile",
            "profile:kyc:tax_bracket",
            f"In the {rate}% tax bracket",
            {"kyc": {"tax_bracket_pct": rate}},
            importance=0.5,
        )
    if m := _INCOME.search(text):
        value, currency = parse_amount(m.group("a"))
        if value and value >= 10_000 and ok(m.start(), "profile"):
            band = _band(value, _INCOME_BANDS, "1m+")
            s.add(
                "profile",
                "profile:income_band",
                f"Annual income about {format_money(value, currency)} ({band})",
                {
                    "income_band": band,
                    "kyc": {"annual_income": value, "currency": currency or "USD"},
                },
                confidence=0.75,
                importance=0.6,
            )
    if m := _NET_WORTH.search(text):
        value, currency = parse_amount(m.group("a") or m.group("a2"))
        if value and value >= 10_000 and ok(m.start(), "profile"):
            band = _band(value, _NET_WORTH_BANDS, "25m+")
            s.add(
                "profile",
                "profile:net_worth_band",
                f"Net worth about {format_money(value, currency)} ({band})",
                {
                    "net_worth_band": band,
                    "kyc": {"net_worth": value, "currency": currency or "USD"},
                },
                confidence=0.75,
                importance=0.6,
            )
