"""The offline rules extractor: deterministic patterns over one message.

It reads a message sentence by sentence and proposes candidate memories (holdings,
profile, goals, preferences, views, life facts). It never guesses across messages
on its own: a correction such as "actually it was 300, not 200" that names no
instrument is resolved against the candidates of the same message, or against the
``context`` the caller passes in.

The patterns are tuned to be cautious. A missed statement costs a question; a
wrong one puts a false holding or view into a client's record, which is worse.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime

from .candidates import Candidate, CandidateAction
from .tickers import TickerMention, TickerResolver

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT
ROLES = ("client", "advisor", "analyst")

# --------------------------------------------------------------------------- numbers

_WORD_INTS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "a couple of": 2,
    "a couple": 2,
    "couple": 2,
    "a dozen": 12,
    "dozen": 12,
    "a decade": 10,
    "two decades": 20,
}
_SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "grand": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
    "hundred": 1e2,
}
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP"}

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"k|mm|mn|mil|m|bn|b|thousand|grand|million|billion"
_WORDNUM = "|".join(
    re.escape(w).replace(r"\ ", r"\s+")
    for w in sorted((w for w in _WORD_INTS if "decade" not in w), key=len, reverse=True)
)
# An amount as written: "1,200", "$1.2k", "200k", "2 million", "half a million",
# "two hundred". No groups, so it can be embedded anywhere.
AMOUNT = (
    rf"(?:[$€£]\s?)?(?:(?:{_DIGITS})(?:\s?(?:{_SCALE}))?(?![\w.,]\d)(?!\w)"
    r"|half\s+a\s+(?:million|billion)"
    r"|a\s+quarter(?:\s+of\s+a)?\s+(?:million|billion)"
    r"|(?:a|one)\s+(?:million|billion)"
    rf"|(?:{_WORDNUM})(?:\s+(?:hundred|thousand|million|billion))+\b)"
)
_INT = rf"(?:\d+|{_WORDNUM}|a\s+decade|two\s+decades)"
_APPROX = r"(?:about|around|roughly|approximately|approx\.?|nearly|almost|~|close\s+to)"


def parse_amount(text: str) -> tuple[float | int | None, str | None]:
    """Return the value and currency code of an amount as written, e.g. "$1.2k"."""
    s = text.strip().lower().replace("’", "'")
    currency = _CURRENCIES.get(s[:1])
    s = s.lstrip("$€£ ").strip()
    value: float | None = None
    m = re.fullmatch(rf"({_DIGITS})\s?({_SCALE})?", s)
    if m:
        value = float(m.group(1).replace(",", "")) * _SCALES.get(m.group(2) or "", 1)
    elif m := re.fullmatch(r"half\s+a\s+(million|billion)", s):
        value = 0.5 * _SCALES[m.group(1)]
    elif m := re.fullmatch(r"a\s+quarter(?:\s+of\s+a)?\s+(million|billion)", s):
        value = 0.25 * _SCALES[m.group(1)]
    else:
        words = re.split(r"\s+", s)
        scales = []
        while words and words[-1] in ("hundred", "thousand", "million", "billion"):
            scales.insert(0, words.pop())
        head = " ".join(words)
        if head in _WORD_INTS and scales:
            value = float(_WORD_INTS[head])
            for scale in scales:
                value *= _SCALES[scale]
    if value is None:
        return None, currency
    value = round(value, 6)
    return (int(value) if value == int(value) else value), currency


def parse_int(text: str) -> int | None:
    """Return a small whole number written in digits or words ("twelve", "a")."""
    s = re.sub(r"\s+", " ", text.strip().lower())
    if s.isdigit():
        return int(s)
    return _WORD_INTS.get(s)


def _money(value: float | int, currency: str | None = "USD") -> str:
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "USD", "$")
    if value == int(value):
        return f"{sign}{int(value):,}"
    return f"{sign}{value:,.2f}"


def _number(value: float | int) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


# --------------------------------------------------------------------- sentences

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


def _declarative(sentence: str) -> str:
    """Return the part of a sentence that states something (not a question)."""
    stripped = sentence.rstrip()
    if not stripped.endswith("?"):
        return sentence
    tail = _QUESTION_TAIL.search(stripped)
    return stripped[: tail.start()] if tail else ""


# ----------------------------------------------------------------------- subject

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


def subject_of(text_before: str) -> str:
    """Return who a clause is about, from the words before its verb.

    Scanning back, the nearest pronoun or relation wins: "My brother owns" is
    "third", "my wife and I own" is "first", "Noted: you hold" is "second".
    """
    for token in reversed(_TOKEN.findall(text_before.lower().replace("’", "'"))):
        if token in _FIRST:
            return "first"
        if token in _SECOND:
            return "second"
        if token in _THIRD_PRONOUNS:
            return "pronoun3"
        if _RELATION_WORD.fullmatch(token):
            return "third"
    return "none"


# ------------------------------------------------------------------------ topics

_TOPIC_SUFFIX = (
    r"(?:\s+(?:stocks?|companies|company|names|sector|shares|funds?|investments?|"
    r"makers?|manufacturers|producers|payers|paying\s+stocks|payers|industry|plays|"
    r"contractors|firms|equities|etfs?))*"
)
_TOPICS: list[tuple[str, str]] = [
    ("tobacco", r"tobacco|cigarettes?|smoking"),
    (
        "weapons",
        r"weapons?|guns?|firearms?|arms\s+(?:makers|manufacturers|dealers)|"
        r"munitions|ammunition",
    ),
    ("defense", r"defen[cs]e"),
    ("renewable energy", r"clean\s+energy|renewables?|renewable\s+energy|solar|wind"),
    (
        "fossil fuels",
        r"fossil\s+fuels?|oil\s+(?:and|&)\s+gas|big\s+oil|oil|coal|"
        r"petroleum|natural\s+gas",
    ),
    ("energy", r"energy"),
    ("gambling", r"gambling|casinos?|betting|gaming"),
    ("alcohol", r"alcohol|booze|liquor|brewers?|beer|spirits"),
    ("cannabis", r"cannabis|marijuana|pot"),
    ("crypto", r"crypto(?:currenc(?:y|ies))?|bitcoin|btc|ethereum"),
    (
        "dividends",
        r"dividend(?:s|[- ]paying|[- ]payers?|[- ]growers?|[- ]growth)?|"
        r"income\s+stocks|high[- ]yield(?:\s+stocks)?",
    ),
    ("growth", r"growth\s+(?:stocks|companies|names)"),
    ("value", r"value\s+(?:stocks|companies|names|investing)"),
    (
        "esg",
        r"esg|sustainable(?:\s+investing)?|socially\s+responsible(?:\s+investing)?|"
        r"impact\s+investing|green\s+investing",
    ),
    ("technology", r"tech(?:nology)?|big\s+tech|semiconductors?|chips?"),
    ("healthcare", r"health\s*care|pharma(?:ceuticals?)?|biotech"),
    ("financials", r"banks?|financials|financial\s+stocks"),
    ("real estate", r"real\s+estate|reits?"),
    ("utilities", r"utilities"),
    ("bonds", r"bonds?|fixed\s+income|treasur(?:y|ies)"),
    ("china", r"china|chinese"),
    ("emerging markets", r"emerging\s+markets?"),
    ("international", r"international|foreign\s+stocks"),
    ("small caps", r"small[- ]caps?"),
    ("index funds", r"index\s+funds?|etfs|passive(?:\s+investing|\s+funds)?"),
    ("individual stocks", r"individual\s+stocks|single\s+stocks|stock\s+picking"),
    ("automotive", r"auto(?:makers|mobiles?|motive)?|car\s+makers|carmakers"),
]
_TOPIC_RES = [
    (name, re.compile(rf"(?:{alts}){_TOPIC_SUFFIX}\b", re.IGNORECASE))
    for name, alts in _TOPICS
]
_LIST_FILLER = re.compile(
    r"(?:\s+|,|\b(?:any|more|the|in|of|exposure\s+to|anything\s+(?:in|to\s+do\s+with)|"
    r"companies\s+(?:in|that\s+(?:make|sell|pay))|stocks\s+in|investing\s+in|"
    r"investments\s+in|owning|holding|buying|some|other|big|high|good|please|"
    r"at\s+all|whatsoever|either)\b)*",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(
    r"\s*(?:,\s*(?:and|or|nor)?|\bor\b|\band\b|\bnor\b|/|&|\+|\bplus\b)\s*",
    re.IGNORECASE,
)


def _topic_at(text: str, pos: int) -> tuple[str, int] | None:
    for name, pattern in _TOPIC_RES:
        match = pattern.match(text, pos)
        if match:
            return name, match.end()
    return None


# ------------------------------------------------------------------- holdings

# Order matters: the longer phrase of a verb must come first ("got out of" is an
# exit, "got" alone a purchase).
_VERBS = [
    (
        "exit",
        r"dumped|unloaded|offloaded|liquidated|cashed\s+out(?:\s+of)?|got\s+rid\s+of|"
        r"got\s+out\s+of|exited|closed\s+(?:out\s+)?(?:of\s+)?",
    ),
    ("add", r"added(?:\s+to)?|bought\s+(?:another|more)"),
    ("sell", r"sold\s+off|sold|trimmed|reduced|cut|took\s+profits?\s+(?:on|in)"),
    ("buy", r"bought|purchased|picked\s+up|acquired|grabbed|invested\s+in|got"),
    (
        "own",
        r"(?:'ve|have|has)\s+(?:held|owned|had)|own|owns|hold|holds|have|has|"
        r"'ve\s+got|am\s+long|'m\s+long|are\s+long|'re\s+long|is\s+long|be\s+long|"
        r"sitting\s+on|owned|held|had",
    ),
]
_VERB_RE = re.compile(
    "|".join(rf"(?P<{kind}>\b(?:{alts})\b)" for kind, alts in _VERBS), re.IGNORECASE
)
_QTY = rf"(?:{_APPROX}\s+)?(?<![$€£\w]){AMOUNT}"
_GAP_RE = re.compile(
    rf"(?:\s+|,|{_QTY}|(?:[$€£]\s?{AMOUNT})|\b(?:some|a|few|little|lot|lots|bunch|of|"
    r"shares?|units?|sh|position|positions|stake|in|into|my|our|your|the|more|"
    r"additional|extra|another|all|entire|whole|remaining|rest|any|both|total|half|"
    r"worth|also|just|still|now|only|each|about|around|roughly|approximately|nearly|"
    r"almost|over|under|like|currently|already|even)\b)*",
    re.IGNORECASE,
)
_LIST_GAP_RE = re.compile(
    rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s+plus\s+|\s+as\s+well\s+as\s+)"
    rf"(?:(?:{_APPROX}\s+)?{AMOUNT}\s*)?(?:(?:shares?|units?)\s+(?:of\s+)?)?"
    r"(?:some\s+)?(?:(?:in|of|worth\s+of)\s+)?",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:not|no\s+longer|never)|n[’']t)\s+(?:\w+\s+)?$", re.IGNORECASE
)
_MODAL_BEFORE = re.compile(
    r"\b(?:might|may|could|would|should|will|'d|’d|'ll|’ll|to|gonna|if|whether|"
    r"wish|hope)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_PAST_ONLY = {"owned", "held", "had"}
_EXIT_ALL = re.compile(
    r"\b(?:all|entire|whole|everything|every\s+share|the\s+rest|remaining|out\s+of)\b",
    re.IGNORECASE,
)
_PARTIAL = re.compile(r"\b(?:some|part|a\s+few|a\s+little|a\s+bit|a\s+portion|half)\b")
_ADD_ON = re.compile(r"\b(?:more|another|additional|extra)\b", re.IGNORECASE)
_OUT_OF = re.compile(
    r"\b(?:i'm|i\s+am|we're|we\s+are|you're|you\s+are)\s+(?:now\s+|completely\s+|"
    r"fully\s+|all\s+)?out\s+of\s+(?:my\s+|our\s+|your\s+|the\s+)?$",
    re.IGNORECASE,
)
_POSITION_AFTER = re.compile(
    rf"^\s*(?:position|stake|holding)\s+(?:is|was|of)\s+(?:now\s+)?(?P<q>{_QTY})\s*"
    r"(?:shares|units)\b",
    re.IGNORECASE,
)
_QTY_AFTER = re.compile(
    rf"^\s*(?:[:,(-]|x)?\s*(?P<q>{_QTY})\s*(?:shares|sh|units)\b", re.IGNORECASE
)
_PRICE_AFTER = re.compile(
    rf"\b(?:(?P<at>at|@)|(?P<for>for|paid)|(?P<basis>cost\s+basis|average\s+cost|"
    r"average\s+price|avg\s+cost|basis))\s*(?:of\s+|is\s+|was\s+|:\s*)?"
    rf"(?:{_APPROX}\s+)?(?P<p>(?:[$€£]\s?)?{_DIGITS}(?:\s?k)?)(?![\d%])(?!\s*%)"
    r"(?P<per>\s*(?:a|per|each|/)\s*(?:share|sh)\b|\s+each\b|\s+apiece\b)?",
    re.IGNORECASE,
)
_RESULT_QTY = re.compile(
    rf"\b(?:now\s+(?:have|own|hold|at)|leaving\s+(?:me|us|you)\s+(?:with\s+)?|"
    r"left\s+with|leaves\s+(?:me|us|you)\s+(?:with\s+)?|down\s+to|up\s+to|"
    r"bringing\s+(?:me|us|you|it|the\s+total|my\s+total|our\s+total)\s+to|"
    rf"for\s+a\s+total\s+of)\s+(?P<q>{_QTY})",
    re.IGNORECASE,
)
_SOLD_OF_BASE = re.compile(
    rf"(?P<d>{_QTY})\s*(?:shares?\s+)?(?:of|out\s+of)\s+(?:my|our|your|the)\s+"
    rf"(?P<b>{_QTY})",
    re.IGNORECASE,
)

_ACCOUNT_RE = re.compile(
    r"(?P<det>\b(?:my|our|the|your|his|her|their|a|an)\s+(?:own\s+|new\s+|old\s+|"
    r"personal\s+|individual\s+|wife's\s+|husband's\s+)?)?\b(?:"
    r"(?P<roth_ira>roth(?:\s+ira)?(?:\s+401\s?\(?k\)?)?)|"
    r"(?P<sep_ira>sep[\s-]ira)|"
    r"(?P<simple_ira>simple\s+ira)|"
    r"(?P<ira>(?:rollover\s+|traditional\s+)?ira)|"
    r"(?P<k401>401\s?\(?k\)?)|"
    r"(?P<b403>403\s?\(?b\)?)|"
    r"(?P<hsa>hsa|health\s+savings\s+account)|"
    r"(?P<p529>529(?:\s+plan)?)|"
    r"(?P<taxable>taxable(?:\s+(?:account|brokerage(?:\s+account)?))?)|"
    r"(?P<brokerage>brokerage(?:\s+account)?)|"
    r"(?P<joint>joint(?:\s+(?:account|brokerage))?)|"
    r"(?P<trust>(?:family\s+|living\s+|revocable\s+)?trust(?:\s+account)?)|"
    r"(?P<custodial>custodial\s+account|ugma|utma)"
    r")(?![\w(])",
    re.IGNORECASE,
)
_ACCOUNT_CODES = {
    "roth_ira": "roth_ira",
    "sep_ira": "sep_ira",
    "simple_ira": "simple_ira",
    "ira": "ira",
    "k401": "401k",
    "b403": "403b",
    "hsa": "hsa",
    "p529": "529",
    "taxable": "taxable",
    "brokerage": "brokerage",
    "joint": "joint",
    "trust": "trust",
    "custodial": "custodial",
}
# Words that are accounts only with a determiner: "I trust you" is not a trust.
_ACCOUNT_NEEDS_DET = {"taxable", "brokerage", "joint", "trust", "custodial"}
ACCOUNT_LABELS = {
    "ira": "the IRA",
    "roth_ira": "the Roth IRA",
    "sep_ira": "the SEP IRA",
    "simple_ira": "the SIMPLE IRA",
    "401k": "the 401(k)",
    "403b": "the 403(b)",
    "hsa": "the HSA",
    "529": "the 529 plan",
    "taxable": "the taxable account",
    "brokerage": "the brokerage account",
    "joint": "the joint account",
    "trust": "the trust",
    "custodial": "the custodial account",
}


def find_accounts(text: str) -> list[tuple[int, int, str]]:
    """Return (start, end, code) of every account named in a text."""
    found = []
    for match in _ACCOUNT_RE.finditer(text):
        code = next(g for g in _ACCOUNT_CODES if match.group(g))
        if code in _ACCOUNT_NEEDS_DET and not match.group("det"):
            continue
        found.append((match.start(), match.end(), _ACCOUNT_CODES[code]))
    return found


# --------------------------------------------------------------------- views

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
    r"sort\s+of|still|now|also"
)
_HIGH_MODS = {"very", "really", "extremely", "highly", "super", "firmly", "strongly"}
_HIGH_MODS |= {"incredibly"}
_LOW_MODS = {"slightly", "somewhat", "mildly", "a bit", "a little", "cautiously"}
_LOW_MODS |= {"kind of", "sort of", "moderately"}
_M = "\x00"  # stands for the instrument inside a view's window
_VIEW_BEFORE = re.compile(
    rf"(?P<neg>\b(?:not|no\s+longer|never)\s+|n[’']t\s+(?:be\s+)?)?"
    rf"(?:(?P<mod>{_MODS})\s+)?(?P<st>{_STANCE_ADJ})\s+(?:on|about|towards?|"
    rf"regarding|for|with)\s+(?:the\s+)?{_M}",
    re.IGNORECASE,
)
_VIEW_AFTER = re.compile(
    rf"{_M}(?:'s|’s)?\s+(?:stock\s+|shares\s+)?(?P<link>is|are|looks|seems|feels|"
    r"remains|stays|strikes\s+me\s+as|is\s+still|looks\s+like|seems\s+like|"
    r"is\s+looking|is\s+now|isn't|is\s+not|looks\s+to\s+be)\s+"
    r"(?:(?:like\s+)?(?:an?\s+)?)?"
    rf"(?:(?P<mod>{_MODS})\s+)?(?P<st>{_STANCE_ADJ}|overvalued|undervalued|"
    r"fairly\s+valued|expensive|cheap|"
    r"(?:(?:strong|solid|clear|screaming|great|good)\s+)?(?:buy|sell))\b",
    re.IGNORECASE,
)
_VIEW_RATING = re.compile(
    r"\b(?:rat(?:e|ing)|upgrad\w*|downgrad\w*|reiterat\w*|initiat\w*(?:\s+coverage\s+"
    rf"(?:of|on))?|mov\w*)\s+{_M}\s+(?:to|at|as|with)?\s*(?:an?\s+)?"
    r"(?P<st>strong\s+buy|buy|strong\s+sell|sell|hold|outperform|underperform|"
    r"overweight|underweight|neutral|equal[- ]weight|market[- ]perform)\b",
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
    rf"see(?:ing)?\s+(?:it|them|the\s+stock|{_M})\s+(?:at|hitting|reaching|going\s+to|"
    r"getting\s+to|trading\s+at)|(?:could|will|should|can|to|going\s+to|gonna|might)\s+"
    r"(?:hit|reach|get\s+to|go\s+to|touch|drop\s+to|fall\s+to|rise\s+to|climb\s+to|"
    r"trade\s+at)|head(?:ed|ing)\s+(?:to|for|towards)|worth)"
    rf"(?:\s+for\s+{_M})?\s*(?:of|is|at|:|=|around|about|near|~|\s)*"
    rf"(?P<p>[$€£]?\s?{_DIGITS}(?:\s?k)?)(?![\d%])(?!\s*(?:%|shares|percent))",
    re.IGNORECASE,
)
_TARGET_FIRST = re.compile(
    rf"(?P<p>[$€£]\s?{_DIGITS}(?:\s?k)?)\s+(?:price\s+)?target\b", re.IGNORECASE
)
_HORIZON = re.compile(
    rf"\b(?:(?:within|in|over|inside|by|for|on)\s+(?:the\s+)?(?:next\s+|coming\s+)?"
    rf"(?:(?P<n>\d+|{_WORDNUM})\s*[- ]?)?(?P<unit>months?|years?|yrs?|weeks?|"
    rf"quarters?)\b|(?P<n2>\d+|{_WORDNUM})[- ](?P<unit2>month|year|week|quarter)"
    r"(?:s)?[- ](?:target|horizon|view|time\s+frame|timeframe|outlook|call)|"
    r"(?P<nextyear>next\s+year)|(?P<yearend>(?:by\s+)?(?:year[- ]end|the\s+end\s+of"
    r"\s+(?:the|this)\s+year)))",
    re.IGNORECASE,
)
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

# --------------------------------------------------------------- profile, goals

_HEDGE = re.compile(
    r"\b(?:maybe|perhaps|probably|possibly|might|may\s+be|i\s+guess|not\s+sure|"
    r"i\s+think|i\s+suppose|thinking\s+(?:about|of)|considering|kind\s+of|sort\s+of|"
    r"i'm\s+not\s+certain|unsure|could\s+be)\b",
    re.IGNORECASE,
)
_RISK_LABEL = re.compile(
    r"\brisk[- ](?:tolerance|appetite|profile|level)\s*(?:is|:|=|of|-|would\s+be)?\s*"
    r"(?:(?:a|an|pretty|fairly|quite|very|really|rather|somewhat|on\s+the)\s+)*"
    r"(?P<lvl>low|medium|moderate(?:ly\s+(?:conservative|aggressive))?|high|"
    r"conservative|aggressive|balanced)\b",
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
    r"i've\s+always\s+been|i've\s+become|i'm\s+becoming|i\s+tend\s+to\s+be|"
    r"we\s+tend\s+to\s+be|always\s+been)\s+"
    r"(?:\d{2}(?:\s+years\s+old)?,?\s+and\s+)?(?P<neg>not\s+)?(?:(?:an?|now|still|generally|always|more\s+of\s+an?)\s+)*"
    r"(?:(?P<mod>very|pretty|fairly|quite|really|extremely|super|rather|somewhat|"
    r"slightly|moderately|a\s+bit|a\s+little|kind\s+of|sort\s+of|mildly|fairly)\s+)?"
    r"(?P<lvl>conservative|aggressive|risk[- ]averse|cautious|balanced|moderate)"
    r"(?=\s*(?:$|[,.!;]|investors?\b|with\s+(?:my\s+|our\s+)?(?:money|investments|"
    r"investing|risk|savings|my\s+portfolio|our\s+portfolio)\b|when\s+it\s+comes\s+"
    r"to\s+(?:money|investing|risk|investments)\b|and\b|but\b|overall\b|these\s+days"
    r"\b|now\b|by\s+nature\b|in\s+general\b))",
    re.IGNORECASE,
)
_RISK_AVERSE_PHRASES = re.compile(
    r"\b(?:can't|cannot|can\s+not|couldn't)\s+(?:stomach|handle|afford|tolerate|take)"
    r"\s+(?:much|a\s+lot\s+of|big|any|large)?\s*(?:risk|volatility|losses|to\s+lose)"
    r"|\b(?:hate|don't\s+like|do\s+not\s+like)\s+(?:losing\s+money|risk|volatility)"
    r"|\bsafety\s+(?:is|comes)\s+first",
    re.IGNORECASE,
)
_RISK_SEEKING_PHRASES = re.compile(
    r"\b(?:can\s+(?:stomach|handle|take|tolerate)|comfortable\s+with|happy\s+to\s+take"
    r"|willing\s+to\s+take|don't\s+mind)\s+(?:a\s+lot\s+of|lots\s+of|plenty\s+of|high"
    r"|significant|big|more|considerable)\s+(?:risk|volatility|swings)",
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
_HORIZON_PATTERNS = [
    re.compile(
        rf"(?P<n>{_INT})[- ](?:year|yr)s?[- ](?:(?:investment|time|investing)[- ])?"
        r"(?:horizon|time\s*frame|timeline)",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:horizon|time\s*frame|timeline)\s*(?:is|of|:|=|-|will\s+be|would\s+be|"
        rf"is\s+about|is\s+around)?\s*(?:{_APPROX}\s+)?(?:at\s+least\s+)?"
        rf"(?P<n>{_INT})\s*\+?\s*(?:years?|yrs?)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?:won't|will\s+not|don't|do\s+not|shouldn't|won’t|don’t)\s+need\s+"
        r"(?:to\s+touch\s+)?(?:the|this|that|any\s+of\s+(?:the|this|that))?\s*"
        rf"(?:money|it|funds|cash)\s+for\s+(?:at\s+least\s+|another\s+|{_APPROX}\s+)?"
        rf"(?P<n>{_INT})\s+years",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\binvest(?:ing)?\s+for\s+(?:the\s+next\s+)?(?:{_APPROX}\s+)?"
        rf"(?P<n>{_INT})\s+years",
        re.IGNORECASE,
    ),
]
_RETIRE_AGE = re.compile(
    r"\bretir(?:e|ing|ement)\s+(?:at|by|when\s+I'm|when\s+I\s+turn|at\s+age|by\s+age)"
    r"\s+(?:age\s+|the\s+age\s+of\s+)?(?P<age>\d{2})\b(?!\s*(?:years|yrs|months|%))",
    re.IGNORECASE,
)
_RETIRE_YEARS = re.compile(
    r"\bretir(?:e|ing|ement)\s+(?:in|within)\s+(?:about\s+|around\s+|roughly\s+|"
    rf"another\s+|the\s+next\s+)?(?P<n>{_INT})\s+years?"
    rf"|\b(?P<n2>{_INT})\s+years?\s+(?:from|until|till|to|away\s+from|before)\s+"
    r"(?:I\s+|we\s+)?retir(?:e|ement)",
    re.IGNORECASE,
)
_RETIRE_YEAR = re.compile(
    r"\bretir(?:e|ing|ement)\s+(?:in|by|around|before)\s+(?P<y>20\d\d)\b", re.IGNORECASE
)
_RETIRE_EARLY = re.compile(r"\bretire\s+early\b|\bearly\s+retirement\b", re.IGNORECASE)
_RETIRE_CUE = re.compile(
    r"\b(?:want|wants|wanna|plan|plans|planning|hope|hoping|hopes|goal|aim|aiming|"
    r"intend|intending|would\s+like|'d\s+like|dream|expect|expecting|looking)\b"
    r"[^.]*\bretire\b",
    re.IGNORECASE,
)
_NOT_RETIRE = re.compile(
    r"\b(?:don't|do\s+not|never|won't|not)\s+(?:\w+\s+)?(?:to\s+)?retire\b",
    re.IGNORECASE,
)
_GOAL_CUE = re.compile(
    r"\b(?:need|needs|save|saving|saved|fund|funding|pay|paying|cover|covering|"
    r"set\s+aside|put\s+away|goal|want|wants|plan|planning|hope|hoping|like\s+to|"
    r"looking\s+to|budget|target|aim|aiming|thinking\s+about|down\s*payment)\b",
    re.IGNORECASE,
)
_EDUCATION = re.compile(
    r"\b(?:tuition|college|university|school\s+fees|education|529|grad(?:uate)?\s+"
    r"school|med(?:ical)?\s+school|law\s+school)\b",
    re.IGNORECASE,
)
_BENEFICIARY = re.compile(
    r"\b(?:my|our|your|the)\s+(?:(?:two|three|four|\w+est|eldest|youngest|oldest|"
    r"little)\s+)?(?P<rel>daughters?|sons?|kids|children|child|grandchildren|"
    r"grandkids|grandchild|granddaughters?|grandsons?|twins)\b",
    re.IGNORECASE,
)
_TARGET_YEAR = re.compile(
    r"\b(?:by|in|before|until|for|around)\s+(?:the\s+)?(?:fall\s+of\s+|spring\s+of\s+|"
    r"end\s+of\s+|start\s+of\s+|summer\s+of\s+)?(?P<y>20\d\d)\b",
    re.IGNORECASE,
)
_IN_YEARS = re.compile(
    rf"\b(?:in|within)\s+(?:about\s+|around\s+)?(?P<n>{_INT})\s+years?\b", re.IGNORECASE
)
_HOME_GOAL = re.compile(
    r"\b(?:buy(?:ing)?|purchas(?:e|ing)|down\s*payment\s+(?:on|for)|save\s+(?:up\s+)?"
    r"for|saving\s+(?:up\s+)?for|afford)\s+(?:a|an|our|my|the)?\s*(?:new\s+|first\s+|"
    r"bigger\s+|second\s+|vacation\s+|beach\s+|retirement\s+|lake\s+)?"
    r"(?P<what>house|home|condo|apartment|flat|cabin|place|property)\b",
    re.IGNORECASE,
)
_OTHER_GOALS = [
    ("wedding", "wedding", re.compile(r"\bwedding\b", re.IGNORECASE)),
    (
        "emergency_fund",
        "emergency fund",
        re.compile(r"\b(?:emergency|rainy[- ]day)\s+fund\b", re.IGNORECASE),
    ),
    (
        "debt_payoff",
        "debt payoff",
        re.compile(
            r"\bpay\s+(?:off|down)\s+(?:the|my|our|all\s+(?:my|our))\s+(?:remaining\s+)?"
            r"(?:mortgage|student\s+loans?|loans?|debts?|credit\s+cards?|car\s+loan)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "legacy",
        "legacy",
        re.compile(
            r"\bleave\s+(?:something|money|an\s+inheritance|a\s+legacy|\w+)\s+(?:to|for)"
            r"\s+(?:the|my|our)\s+(?:kids|children|grandkids|grandchildren|heirs|family)"
            r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "major_purchase",
        "major purchase",
        re.compile(
            r"\b(?:buy|buying|purchase|purchasing)\s+(?:a|an)\s+(?:new\s+)?"
            r"(?:car|boat|rv|motorhome|truck)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "travel",
        "travel",
        re.compile(
            r"\btravel(?:l?ing)?\s+(?:the\s+world|more|a\s+lot|abroad|around)|"
            r"\btrip\s+around\s+the\s+world\b",
            re.IGNORECASE,
        ),
    ),
    (
        "philanthropy",
        "philanthropy",
        re.compile(
            r"\b(?:donate|give)\s+(?:\S+\s+){0,4}?to\s+(?:charity|charities)\b|"
            r"\bcharitable\s+(?:giving|trust|foundation)\b",
            re.IGNORECASE,
        ),
    ),
]
_AMOUNT_RE = re.compile(AMOUNT, re.IGNORECASE)

# ----------------------------------------------------------------------- facts

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
    r"\bhad\s+(?:a|our|my|the)\s+(?:(?P<ord>first|second|third|fourth)\s+)?"
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
            r"promot(?:ed|ion)\b",
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
            r"you're|you\s+are)\s+(?:now\s+|fully\s+|officially\s+)?retired\b",
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
    rf"\b(?:i|we|you)\s+(?:now\s+)?have\s+(?P<n>{_INT})\s+(?P<what>kids|children|"
    r"grandkids|grandchildren|sons|daughters)\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b(?:i'm|i\s+am|i\s+just\s+turned|i\s+turned|you're|you\s+are)\s+(?:now\s+)?"
    r"(?P<n>\d{2})(?:\s+(?:years?\s+old|yo|y/o))?"
    r"(?=\s*(?:$|[,.!;]|and\b|but\b|so\b|now\b|this\s+year\b|with\b))",
    re.IGNORECASE,
)
_MARITAL = re.compile(
    r"\b(?:i'm|i\s+am|we're|we\s+are|you're|you\s+are)\s+(?:now\s+|recently\s+|"
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
    rf"(?:{_APPROX}\s+|over\s+|under\s+|just\s+over\s+|just\s+under\s+)?"
    rf"(?P<a>{AMOUNT})(?:\s*(?:a|per|/)\s*(?:year|yr|annum)|\s+annually|\s+a\s+year)?",
    re.IGNORECASE,
)
_NET_WORTH = re.compile(
    r"\bnet\s+worth\s+(?:is|of|:|=|-)?\s*"
    rf"(?:{_APPROX}\s+|over\s+|under\s+|just\s+over\s+|just\s+under\s+)?"
    rf"(?P<a>{AMOUNT})"
    rf"|\b(?:worth|have|got)\s+(?:{_APPROX}\s+)?(?P<a2>{AMOUNT})\s+(?:in\s+total|"
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

# ------------------------------------------------------------------ preferences

_AVOID_TRIGGER = re.compile(
    r"\b(?:no|avoid(?:s|ing)?|(?:don't|do\s+not|doesn't|does\s+not)\s+want(?:\s+to\s+"
    r"(?:own|hold|invest\s+in|buy|touch|have))?|stay(?:s|ing)?\s+away\s+from|"
    r"keep\s+(?:me|us|it|them|my\s+money|our\s+money)\s+out\s+of|exclud(?:e|es|ing)|"
    r"nothing\s+in|(?:not|never)\s+(?:comfortable|interested|okay|ok|fine)\s+"
    r"(?:with|in)|(?:won't|will\s+not|would\s+never|never|refuse\s+to)\s+"
    r"(?:invest\s+in|own|touch|buy|hold)|hate|hates|(?:don't|do\s+not|doesn't)\s+like|"
    r"dislike|dislikes|uncomfortable\s+with|steer\s+clear\s+of|screen\s+out|"
    r"divest\s+from|get\s+(?:me|us)\s+out\s+of)\b",
    re.IGNORECASE,
)
_LIKE_TRIGGER = re.compile(
    r"\b(?:prefer(?:s|red)?|like|likes|love|loves|want(?:s)?\s+(?:more|exposure\s+to|"
    r"to\s+(?:own|hold|invest\s+in|add|focus\s+on))|(?:am|'m|are|'re|is)\s+(?:really\s+|"
    r"very\s+)?(?:interested\s+in|keen\s+on|a\s+(?:big\s+)?fan\s+of|into)|"
    r"favou?rs?|focus\s+on|lean(?:s|ing)?\s+(?:towards?|into)|tilt(?:ed)?\s+towards?|"
    r"(?:more|extra)\s+exposure\s+to)\b",
    re.IGNORECASE,
)
_RETRACT_AVOID = re.compile(
    r"\b(?:(?:am|'m|’m|are|'re|’re|is)\s+(?:now\s+|actually\s+)?(?:okay|ok|fine|"
    r"comfortable|alright|good|happy)\s+(?:with|to\s+(?:own|hold|invest\s+in|include|"
    r"have))|no\s+longer\s+(?:avoid|exclude|mind|object\s+to|against|want\s+to\s+"
    r"avoid|need\s+to\s+avoid)|(?:don't|do\s+not|don’t)\s+mind|(?:can|could)\s+(?:now\s+)?"
    r"(?:include|add|consider|buy|own)|stop\s+(?:avoiding|excluding)|"
    r"(?:drop|remove|lift)\s+(?:the|my|our)\s+(?:exclusion|restriction|ban)\s+on|"
    r"(?:changed|change)\s+(?:my|our)\s+mind\s+(?:on|about))\b",
    re.IGNORECASE,
)
_RETRACT_LIKE = re.compile(
    r"\b(?:no\s+longer\s+(?:like|love|prefer|want|care\s+about|interested\s+in|into|"
    r"keen\s+on|a\s+fan\s+of)|(?:not|n't|n’t)\s+(?:\w+\s+)?(?:like|love|prefer|want|"
    r"care\s+about|interested\s+in|into|keen\s+on|a\s+fan\s+of)(?=.*\b(?:anymore|"
    r"any\s+more)\b))",
    re.IGNORECASE,
)

# ----------------------------------------------------------------- corrections

_CORRECTION_MARK = re.compile(
    r"\b(?:actually|correction|sorry|oops|wait|i\s+mean|i\s+meant|my\s+mistake|"
    r"my\s+bad|scratch\s+that|to\s+be\s+precise|typo)\b",
    re.IGNORECASE,
)
_FIX_NEW_NOT_OLD = re.compile(
    rf"(?P<new>(?:[$€£]\s?)?{AMOUNT})\s*(?:shares?|units)?(?:\s+of\s+\S+)?\s*"
    r"(?:a\s+share|per\s+share|each)?\s*,?\s*(?:and\s+|but\s+)?not\s+"
    rf"(?P<old>(?:[$€£]\s?)?{AMOUNT})",
    re.IGNORECASE,
)
_FIX_NOT_OLD_NEW = re.compile(
    rf"\bnot\s+(?P<old>(?:[$€£]\s?)?{AMOUNT})\s*(?:shares?)?\s*,?\s*(?:but|it(?:'s|\s+"
    rf"is|\s+was)|it’s)\s+(?P<new>(?:[$€£]\s?)?{AMOUNT})",
    re.IGNORECASE,
)
_FIX_MAKE_THAT = re.compile(
    rf"\bmake\s+(?:that|it)\s+(?P<new>(?:[$€£]\s?)?{AMOUNT})", re.IGNORECASE
)


def _band(value: float, bands: list[tuple[int, str]], top: str) -> str:
    for limit, label in bands:
        if value < limit:
            return label
    return top


def _iso_year(year: int) -> str:
    return date(year, 1, 1).isoformat()


def _years_later(moment: datetime | None, years: int) -> str | None:
    # Without the message's own time there is no honest date: never use "today".
    if moment is None:
        return None
    day = moment.date()
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


class RulesExtractor:
    """Propose candidate memories from one message with deterministic patterns."""

    name = "rules"
    version = "1"
    # Tell the pipeline to pass the subject's current memories, so a bare
    # correction in a later message can find the slot it corrects.
    wants_existing = True

    def __init__(self, resolver: TickerResolver | None = None):
        self.resolver = resolver or TickerResolver()

    @property
    def author(self) -> str:
        """Return the author recorded on memories this extractor proposes."""
        return f"rules-extractor/{self.version}"

    def extract(
        self,
        text: str,
        *,
        role: str = "client",
        occurred_at: datetime | None = None,
        context: Iterable[Candidate] = (),
        existing: Iterable = (),
    ) -> list[Candidate]:
        """Return candidate memories stated in one message.

        ``role`` is who wrote it: a client's or an analyst's first-person statements
        are about themselves; an advisor's "you hold 200 AAPL" is about the client.
        ``context`` (optional) holds earlier candidates, oldest first, and
        ``existing`` the subject's current memories (anything with ``kind``,
        ``key`` and ``payload``), so that a bare correction ("it was 300, not
        200") can name the slot it corrects. Neither is needed otherwise.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        text = text or ""
        found: list[Candidate] = []
        prior = [*_holdings_of(existing), *context]
        for start, end in split_sentences(text):
            sentence = _Sentence(self, text[start:end], role, occurred_at, found, prior)
            found.extend(sentence.read())
        return _latest_per_slot(found)


def _holdings_of(memories: Iterable) -> list[Candidate]:
    """Return existing holding memories as candidates, in a stable order."""
    found = [
        Candidate(kind="holding", key=m.key, text=m.text, payload=dict(m.payload))
        for m in memories
        if getattr(m, "kind", None) == "holding"
        and getattr(m, "key", "")
        and isinstance(getattr(m, "payload", None), dict)
    ]
    return sorted(found, key=lambda c: c.key)


def _latest_per_slot(candidates: list[Candidate]) -> list[Candidate]:
    # A message that states a slot twice ("200... actually 300") means the last.
    last = {c.key: i for i, c in enumerate(candidates)}
    return [c for i, c in enumerate(candidates) if last[c.key] == i]


class _Sentence:
    """One sentence being read: its instruments, its speaker, its candidates."""

    def __init__(
        self,
        extractor: RulesExtractor,
        evidence: str,
        role: str,
        occurred_at: datetime | None,
        earlier: list[Candidate],
        context: list[Candidate],
    ):
        self.resolver = extractor.resolver
        self.evidence = evidence
        self.text = _declarative(evidence).replace("’", "'")
        self.role = role
        self.occurred_at = occurred_at
        self.earlier = earlier
        self.context = context
        self.mentions: list[TickerMention] = (
            self.resolver.find(self.text) if self.text else []
        )
        self.hedged = bool(_HEDGE.search(self.text))
        self.out: list[Candidate] = []

    # ------------------------------------------------------------------ helpers

    def speaks_for_subject(self, subject: str, kind: str) -> bool:
        """Return whether a clause with this subject is about the memory's owner."""
        if self.role == "advisor":
            if subject in ("second", "pronoun3"):
                return True
            return subject == "none" and kind in ("holding", "profile", "preference")
        return subject in ("first", "none")

    def add(
        self, kind, key, text, payload, *, action=ASSERT, confidence=0.8, importance
    ):
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

    def read(self) -> list[Candidate]:
        if not self.text.strip():
            return []
        self.read_profile()
        self.read_goals()
        if not self.read_correction():
            self.read_holdings()
        self.read_preferences()
        self.read_views()
        self.read_facts()
        return self.out

    # ------------------------------------------------------------------ profile

    def read_profile(self) -> None:
        text = self.text
        level, confidence, anchor = None, 0.8, 0
        if m := _RISK_LABEL.search(text):
            level, anchor = _RISK_LEVELS[m.group("lvl").lower()], m.start()
        elif m := _RISK_ADJ.search(text):
            level, anchor = _RISK_LEVELS[m.group("lvl").lower()], m.start()
        elif (m := _RISK_SELF.search(text)) and not m.group("neg"):
            word = re.sub(r"[\s-]+", " ", m.group("lvl").lower())
            word = "risk averse" if word == "risk averse" else word
            level, anchor = _RISK_LEVELS[word], m.end("lvl")
            mod = re.sub(r"\s+", " ", (m.group("mod") or "").lower())
            if mod in _SOFTENERS and level in ("conservative", "aggressive"):
                level = f"moderately_{level}"
            if word == "cautious":
                confidence = 0.65
        elif m := _RISK_AVERSE_PHRASES.search(text):
            level, anchor, confidence = "conservative", m.start(), 0.6
        elif m := _RISK_SEEKING_PHRASES.search(text):
            level, anchor, confidence = "aggressive", m.start(), 0.6
        if level and self.speaks_for_subject(subject_of(text[:anchor]), "profile"):
            self.add(
                "profile",
                "profile:risk_tolerance",
                f"{_RISK_LABELS[level]} risk tolerance",
                {"risk_tolerance": level},
                confidence=confidence,
                importance=0.8,
            )
        for pattern in _HORIZON_PATTERNS:
            if m := pattern.search(text):
                years = parse_int(m.group("n"))
                if years and self.speaks_for_subject(
                    subject_of(text[: m.start()]), "profile"
                ):
                    self.add_horizon(years)
                break
        self.read_kyc()

    def add_horizon(self, years: int) -> None:
        self.add(
            "profile",
            "profile:horizon_years",
            f"Investment horizon of {years} years",
            {"horizon_years": years},
            importance=0.8,
        )

    def read_kyc(self) -> None:
        text = self.text
        ok = self.speaks_for_subject
        if (m := _AGE.search(text)) and 18 <= int(m.group("n")) <= 110:
            if ok(subject_of(text[: m.end() - len(m.group("n"))]), "profile"):
                kyc = {"age": int(m.group("n"))}
                if self.occurred_at:
                    kyc["age_as_of"] = self.occurred_at.date().isoformat()
                self.add(
                    "profile",
                    "profile:kyc:age",
                    f"Age {kyc['age']}",
                    {"kyc": kyc},
                    importance=0.6,
                )
        if (m := _MARITAL.search(text)) and ok(
            subject_of(text[: m.start("s")]), "profile"
        ):
            status = m.group("s").lower()
            self.add(
                "profile",
                "profile:kyc:marital_status",
                f"Marital status: {status}",
                {"kyc": {"marital_status": status}},
                importance=0.5,
            )
        if (m := _TAX_BRACKET.search(text)) and ok(
            subject_of(text[: m.start()]), "profile"
        ):
            rate = float(m.group("n"))
            rate = int(rate) if rate == int(rate) else rate
            self.add(
                "profile",
                "profile:kyc:tax_bracket",
                f"In the {rate}% tax bracket",
                {"kyc": {"tax_bracket_pct": rate}},
                importance=0.5,
            )
        if m := _INCOME.search(text):
            value, currency = parse_amount(m.group("a"))
            if (
                value
                and value >= 10_000
                and ok(subject_of(text[: m.start()]), "profile")
            ):
                band = _band(value, _INCOME_BANDS, "1m+")
                self.add(
                    "profile",
                    "profile:income_band",
                    f"Annual income about {_money(value, currency)} ({band})",
                    {
                        "income_band": band,
                        "kyc": {"annual_income": value, "currency": currency or "USD"},
                    },
                    confidence=0.75,
                    importance=0.6,
                )
        if m := _NET_WORTH.search(text):
            value, currency = parse_amount(m.group("a") or m.group("a2"))
            if (
                value
                and value >= 10_000
                and ok(subject_of(text[: m.start()]), "profile")
            ):
                band = _band(value, _NET_WORTH_BANDS, "25m+")
                self.add(
                    "profile",
                    "profile:net_worth_band",
                    f"Net worth about {_money(value, currency)} ({band})",
                    {
                        "net_worth_band": band,
                        "kyc": {"net_worth": value, "currency": currency or "USD"},
                    },
                    confidence=0.75,
                    importance=0.6,
                )

    # -------------------------------------------------------------------- goals

    def _amount_in(self, text: str) -> tuple[float | int | None, str | None]:
        for match in _AMOUNT_RE.finditer(text):
            raw = match.group(0)
            value, currency = parse_amount(raw)
            if value is None:
                continue
            written_as_money = currency or re.search(r"[a-z]\s*$", raw.lower())
            if re.fullmatch(r"20\d\d", raw.strip()) or not written_as_money:
                continue
            if value >= 1000:
                return value, currency or "USD"
        return None, None

    def _goal_subject_ok(self, anchor: int, *, for_family: bool) -> bool:
        subject = subject_of(self.text[:anchor])
        if subject == "third":
            return for_family and self.role != "analyst"
        if self.role == "advisor":
            return subject in ("second", "pronoun3", "none")
        return subject in ("first", "none")

    def read_goals(self) -> None:
        text = self.text
        self.read_retirement()
        edu = _EDUCATION.search(text)
        if (
            edu
            and _GOAL_CUE.search(text)
            and self._goal_subject_ok(edu.start(), for_family=True)
        ):
            amount, currency = self._amount_in(text)
            payload = {"goal": "education", "target_date": None, "amount": amount}
            if amount:
                payload["currency"] = currency
            key = "goal:education"
            who = _BENEFICIARY.search(text)
            if who:
                rel = who.group("rel").lower()
                rel = {"kids": "children", "grandkids": "grandchildren"}.get(rel, rel)
                payload["beneficiary"] = rel
                key = f"goal:education:{rel}"
            when = self._goal_date(payload)
            parts = ["Needs" if amount else "Wants to fund"]
            if amount:
                parts.append(f"{_money(amount, currency)} for")
            parts.append(
                f"{payload['beneficiary']}'s education" if who else "education"
            )
            if when:
                parts.append(when)
            self.add("goal", key, " ".join(parts), payload, importance=0.8)
        home = _HOME_GOAL.search(text)
        if (
            home
            and not re.search(r"\b(?:bought|purchased|closed\s+on)\b", text, re.I)
            and (_GOAL_CUE.search(text) or "payment" in home.group(0).lower())
            and self._goal_subject_ok(home.start(), for_family=False)
        ):
            amount, currency = self._amount_in(text)
            payload = {"goal": "home purchase", "target_date": None, "amount": amount}
            if amount:
                payload["currency"] = currency
            when = self._goal_date(payload)
            words = "Saving" if amount else "Wants"
            label = f"{words} to buy a {home.group('what').lower()}"
            if amount:
                label = f"Needs {_money(amount, currency)} to buy a "
                label += home.group("what").lower()
            self.add(
                "goal",
                "goal:home_purchase",
                f"{label} {when}".strip(),
                payload,
                importance=0.8,
            )
        for slug, goal, pattern in _OTHER_GOALS:
            m = pattern.search(text)
            if not m or not (_GOAL_CUE.search(text) or slug in ("legacy", "travel")):
                continue
            if not self._goal_subject_ok(m.start(), for_family=slug == "wedding"):
                continue
            if slug == "wedding" and re.search(r"\bour\s+wedding\b", text, re.I):
                continue
            amount, currency = self._amount_in(text)
            payload = {"goal": goal, "target_date": None, "amount": amount}
            if amount:
                payload["currency"] = currency
            key = f"goal:{slug}"
            who = _BENEFICIARY.search(text)
            if slug == "wedding" and who:
                payload["beneficiary"] = who.group("rel").lower()
                key = f"goal:wedding:{payload['beneficiary']}"
            when = self._goal_date(payload)
            label = f"Goal: {goal}"
            if amount:
                label += f", {_money(amount, currency)}"
            self.add("goal", key, f"{label} {when}".strip(), payload, importance=0.7)

    def _goal_date(self, payload: dict) -> str:
        """Fill the payload's target date from the sentence; return it as words."""
        if m := _TARGET_YEAR.search(self.text):
            year = int(m.group("y"))
            payload["target_date"] = _iso_year(year)
            payload["target_year"] = year
            return f"by {year}"
        if m := _IN_YEARS.search(self.text):
            years = parse_int(m.group("n"))
            if years:
                payload["in_years"] = years
                payload["target_date"] = _years_later(self.occurred_at, years)
                return f"in {years} years"
        return ""

    def read_retirement(self) -> None:
        text = self.text
        if not re.search(r"\bretir(?:e|ing|ement)\b", text, re.I):
            return
        if _NOT_RETIRE.search(text):
            return
        age = _RETIRE_AGE.search(text)
        years = _RETIRE_YEARS.search(text)
        year = _RETIRE_YEAR.search(text)
        early = _RETIRE_EARLY.search(text)
        cue = _RETIRE_CUE.search(text)
        anchor_match = age or years or year or early or cue
        if anchor_match is None:
            return
        if not self._goal_subject_ok(anchor_match.start(), for_family=False):
            return
        payload: dict = {"goal": "retirement", "target_date": None}
        words = "Wants to retire"
        if age and 40 <= int(age.group("age")) <= 90:
            payload["target_age"] = int(age.group("age"))
            words += f" at {payload['target_age']}"
        elif year:
            payload["target_date"] = _iso_year(int(year.group("y")))
            payload["target_year"] = int(year.group("y"))
            words += f" by {year.group('y')}"
        elif years:
            n = parse_int(years.group("n") or years.group("n2"))
            if n:
                payload["in_years"] = n
                payload["target_date"] = _years_later(self.occurred_at, n)
                words = f"Plans to retire in {n} years"
        elif early:
            payload["early"] = True
            words += " early"
        amount, currency = self._amount_in(text)
        payload["amount"] = amount
        if amount:
            payload["currency"] = currency
            words += f" with {_money(amount, currency)}"
        self.add("goal", "goal:retirement", words, payload, importance=0.8)
        has_horizon = any(p.search(text) for p in _HORIZON_PATTERNS)
        if payload.get("in_years") and not has_horizon:
            self.add_horizon(payload["in_years"])

    # ------------------------------------------------------------ corrections

    def read_correction(self) -> bool:
        """Read "actually it was 300, not 200"; return whether it was one."""
        text = self.text
        match = (
            _FIX_NEW_NOT_OLD.search(text)
            or _FIX_NOT_OLD_NEW.search(text)
            or (_CORRECTION_MARK.search(text) and _FIX_MAKE_THAT.search(text))
        )
        if not match:
            return False
        new_raw = match.group("new")
        old_raw = match.groupdict().get("old")
        new, _ = parse_amount(new_raw)
        old = parse_amount(old_raw)[0] if old_raw else None
        if not new or new <= 0:
            return False
        is_price = "$" in new_raw or (old_raw is not None and "$" in old_raw)
        field = "cost_basis" if is_price else "quantity"
        symbols = {m.symbol for m in self.mentions}
        pool = [
            c
            for c in [*self.context, *self.earlier, *self.out]
            if c.kind == "holding"
            and getattr(c, "action", ASSERT) is ASSERT
            and (not symbols or c.payload.get("instrument") in symbols)
        ]
        fallback = None
        said_here = [c for c in pool if c not in self.context]
        if said_here:
            fallback = said_here[-1]
        elif len({c.key for c in pool}) == 1:
            fallback = pool[-1]
        referent = next(
            (
                c
                for c in reversed(pool)
                if old is not None and c.payload.get(field) == old
            ),
            fallback,
        )
        if referent is not None:
            payload = {**referent.payload, field: new}
            payload.pop("change", None)
        elif self.mentions and not is_price:
            symbol = self.mentions[0].symbol
            accounts = find_accounts(text)
            payload = self.holding_payload(
                symbol, new, None, accounts[0][2] if accounts else None
            )
        else:
            return bool(_CORRECTION_MARK.search(text))
        if payload.get("quantity") is None and payload.get("change") is None:
            pass
        key = self.holding_key(payload["instrument"], payload.get("account"))
        self.add(
            "holding",
            key,
            self.holding_text(payload),
            payload,
            confidence=0.8,
            importance=0.6,
        )
        return True

    # ---------------------------------------------------------------- holdings

    def holding_payload(self, symbol, quantity, cost_basis, account) -> dict:
        instrument = self.resolver.instrument(symbol) or {}
        return {
            "instrument": symbol,
            "quantity": quantity,
            "cost_basis": cost_basis,
            "currency": instrument.get("currency", "USD"),
            "account": account,
        }

    @staticmethod
    def holding_key(symbol: str, account: str | None) -> str:
        return f"holding:{symbol}:{account}" if account else f"holding:{symbol}"

    @staticmethod
    def holding_text(payload: dict, *, retract: bool = False) -> str:
        symbol = payload["instrument"]
        where = ""
        if payload.get("account"):
            label = ACCOUNT_LABELS.get(payload["account"], payload["account"])
            where = f" in {label}"
        if retract:
            return f"No longer holds {symbol}{where}"
        quantity, change = payload.get("quantity"), payload.get("change")
        basis = payload.get("cost_basis")
        price = ""
        if basis:
            money = _money(basis, payload.get("currency"))
            verb = (
                "bought" if payload.get("transaction") == "buy" else "with cost basis"
            )
            price = f" {verb} at {money}" if verb == "bought" else f" {verb} {money}"
        if quantity:
            return f"Holds {_number(quantity)} {symbol}{price}{where}"
        if payload.get("value") and not change:
            money = _money(payload["value"], payload.get("currency"))
            return f"Holds about {money} of {symbol}{where}"
        if change and change > 0:
            return f"Bought {_number(change)} more {symbol}{price}{where}"
        if change and change < 0:
            return f"Sold {_number(-change)} {symbol}{where}"
        if payload.get("change_fraction"):
            share = int(round(-payload["change_fraction"] * 100))
            return f"Sold {share}% of the {symbol} position{where}"
        if payload.get("transaction") == "sell":
            return f"Sold part of the {symbol} position{where}"
        return f"Holds {symbol}{price}{where}"

    def _account_for(self, index: int, window: tuple[int, int]) -> str | None:
        accounts = find_accounts(self.text)
        if not accounts:
            return None
        lo, hi = window
        mention = self.mentions[index]
        after = [a for a in accounts if mention.end <= a[0] < hi]
        before = [a for a in accounts if lo <= a[0] < mention.start]
        if after:
            return after[0][2]
        if before:
            return before[-1][2]
        codes = {a[2] for a in accounts}
        return accounts[0][2] if len(codes) == 1 else None

    def read_holdings(self) -> None:
        text = self.text
        previous_verb = None
        for i, mention in enumerate(self.mentions):
            lo = self.mentions[i - 1].end if i else 0
            hi = self.mentions[i + 1].start if i + 1 < len(self.mentions) else len(text)
            pre, post = text[lo : mention.start], text[mention.end : hi]
            verb = self._holding_verb(pre, lo)
            if verb is None and previous_verb and _LIST_GAP_RE.fullmatch(pre):
                # "200 AAPL and 100 MSFT": the list shares the verb, not the amounts.
                verb = {**previous_verb, "gap": pre}
            if verb is None and (_OUT_OF.search(pre)):
                verb = {
                    "kind": "exit",
                    "word": "out of",
                    "gap": "",
                    "negated": False,
                    "at": lo + _OUT_OF.search(pre).start(),
                }
            position = _POSITION_AFTER.match(post)
            if verb is None and position:
                verb = {
                    "kind": "own",
                    "word": "position",
                    "gap": "",
                    "negated": False,
                    "at": mention.start,
                }
            previous_verb = verb
            if verb is None:
                continue
            subject = subject_of(text[: verb["at"]])
            if not self.speaks_for_subject(subject, "holding"):
                continue
            self._holding(i, mention, verb, pre, post, (lo, hi), position)

    def _holding_verb(self, pre: str, offset: int) -> dict | None:
        for match in reversed(list(_VERB_RE.finditer(pre))):
            gap = pre[match.end() :]
            if not _GAP_RE.fullmatch(gap):
                continue
            before = pre[: match.start()]
            full_before = self.text[: offset + match.start()]
            kind = match.lastgroup
            word = match.group(0).lower()
            used_to = re.search(r"\bused\s+to\s+$", full_before, re.IGNORECASE)
            if _MODAL_BEFORE.search(full_before) and not used_to:
                return None
            if re.search(r"\b(?:if|unless|whether|wish)\b[^,;]*$", full_before, re.I):
                return None
            negated = bool(_NEGATED_BEFORE.search(full_before) or used_to)
            if kind == "own" and word in _PAST_ONLY and not negated:
                return None
            if kind == "buy" and word == "got" and not re.search(r"\d|shares", gap):
                continue
            del before
            return {
                "kind": kind,
                "word": word,
                "gap": gap,
                "negated": negated,
                "at": offset + match.start(),
            }
        return None

    def _holding(self, index, mention, verb, pre, post, window, position) -> None:
        symbol = mention.symbol
        kind, gap = verb["kind"], verb["gap"]
        account = self._account_for(index, window)
        if verb["negated"]:
            if kind in ("own", "exit"):
                self._retract_holding(symbol, account, confidence=0.7)
            return
        quantities, value = self._amounts(gap)
        approx = bool(re.search(_APPROX, gap, re.I))
        if not quantities and (m := _QTY_AFTER.match(post)):
            quantities = [parse_amount(re.sub(_APPROX, "", m.group("q")))[0]]
        if position:
            quantities = [parse_amount(re.sub(_APPROX, "", position.group("q")))[0]]
        cost_basis = None
        price = _PRICE_AFTER.search(post)
        if price and not (price.group("for") and "$" not in price.group("p")):
            amount = parse_amount(price.group("p"))[0]
            if price.group("for") and not price.group("per"):
                if quantities and amount:
                    cost_basis = round(amount / quantities[-1], 4)
            else:
                cost_basis = amount
        result = _RESULT_QTY.search(post)
        resulting = (
            parse_amount(re.sub(_APPROX, "", result.group("q")))[0] if result else None
        )

        payload = self.holding_payload(symbol, None, cost_basis, account)
        confidence = 0.75 if approx else 0.8
        if kind in ("exit",) and not quantities:
            self._retract_holding(symbol, account, confidence=0.8)
            return
        if kind == "sell" or (kind == "exit" and quantities):
            payload["transaction"] = "sell"
            if _EXIT_ALL.search(gap) and not quantities:
                self._retract_holding(symbol, account, confidence=0.8)
                return
            base = _SOLD_OF_BASE.search(gap)
            if base:
                delta = parse_amount(re.sub(_APPROX, "", base.group("d")))[0]
                held = parse_amount(re.sub(_APPROX, "", base.group("b")))[0]
                payload["change"] = -delta
                remaining = held - delta
                if remaining <= 0:
                    self._retract_holding(symbol, account, confidence=0.8)
                    return
                payload["quantity"] = remaining
            elif quantities:
                payload["change"] = -quantities[0]
            elif re.search(r"\bhalf\b", gap, re.I):
                payload["change_fraction"] = -0.5
                confidence = 0.6
            elif _PARTIAL.search(gap):
                confidence = 0.5
            else:
                # "I sold my Tesla": the whole position, as people say it.
                self._retract_holding(symbol, account, confidence=0.75)
                return
            payload["cost_basis"] = None
        elif kind in ("buy", "add"):
            payload["transaction"] = "buy"
            is_more = kind == "add" or bool(_ADD_ON.search(gap))
            if quantities:
                if is_more:
                    payload["change"] = quantities[0]
                else:
                    payload["quantity"] = quantities[0]
            elif value is not None:
                payload["value"] = value
                confidence = min(confidence, 0.7)
            else:
                confidence = 0.5 if is_more else 0.7
        else:
            if quantities:
                payload["quantity"] = quantities[0]
            elif value is not None:
                payload["value"] = value
        if resulting:
            payload["quantity"] = resulting
        self.add(
            "holding",
            self.holding_key(symbol, account),
            self.holding_text(payload),
            payload,
            confidence=confidence,
            importance=0.6,
        )

    @staticmethod
    def _amounts(gap: str) -> tuple[list, float | int | None]:
        """Split the amounts before an instrument into share counts and money.

        "$10k of VOO" and "200k in VTI" are money; "200 AAPL" and "10k shares" are
        share counts.
        """
        quantities, value = [], None
        clean = re.sub(_APPROX, " ", gap, flags=re.IGNORECASE)
        for match in _AMOUNT_RE.finditer(clean):
            raw = match.group(0)
            amount, currency = parse_amount(raw)
            if not amount:
                continue
            scaled = re.search(r"[a-z]\s*$", raw.lower())
            shares_follow = re.match(
                r"\s*(?:shares?|units?|sh)\b", clean[match.end() :]
            )
            if currency or (scaled and not shares_follow):
                value = amount if value is None else value
            else:
                quantities.append(amount)
        return quantities, value

    def _retract_holding(self, symbol, account, *, confidence) -> None:
        payload = self.holding_payload(symbol, None, None, account)
        self.add(
            "holding",
            self.holding_key(symbol, account),
            self.holding_text(payload, retract=True),
            payload,
            action=RETRACT,
            confidence=confidence,
            importance=0.6,
        )

    # ------------------------------------------------------------- preferences

    def _items_after(self, pos: int) -> list[tuple[str, str]]:
        """Return the (sort, name) items listed from ``pos``: topics and symbols."""
        text = self.text
        starts = {m.start: m for m in self.mentions}
        items: list[tuple[str, str]] = []
        while True:
            pos = _LIST_FILLER.match(text, pos).end()
            mention = starts.get(pos)
            if mention is not None:
                items.append(("instrument", mention.symbol))
                pos = mention.end
            elif topic := _topic_at(text, pos):
                items.append(("sector", topic[0]))
                pos = topic[1]
            else:
                break
            join = _LIST_JOIN.match(text, pos)
            if not join:
                break
            pos = join.end()
        return items

    def read_preferences(self) -> None:
        text = self.text
        retracted: set[tuple[str, str]] = set()
        for match in _RETRACT_AVOID.finditer(text):
            if not self.speaks_for_subject(
                subject_of(text[: match.start()]), "preference"
            ):
                continue
            for item in self._items_after(match.end()):
                retracted.add(item)
                self.add_preference(item, "avoids", action=RETRACT)
        for match in _RETRACT_LIKE.finditer(text):
            if not self.speaks_for_subject(
                subject_of(text[: match.start()]), "preference"
            ):
                continue
            for item in self._items_after(match.end()):
                self.add_preference(item, "likes", action=RETRACT)
        for match in _AVOID_TRIGGER.finditer(text):
            if re.match(r"no\s+longer\b", text[match.start() :], re.I):
                continue
            if not self.speaks_for_subject(
                subject_of(text[: match.start()]), "preference"
            ):
                continue
            for item in self._items_after(match.end()):
                if item not in retracted:
                    confidence = 0.6 if item[0] == "instrument" else 0.8
                    self.add_preference(item, "avoids", confidence=confidence)
        for match in _LIKE_TRIGGER.finditer(text):
            before = text[: match.start()]
            if re.search(r"(?:\bnot|n't|no\s+longer|would|'d)\s+$", before, re.I):
                continue
            subject = subject_of(before)
            if not self.speaks_for_subject(subject, "preference"):
                continue
            # "like" as a verb needs a speaker ("I like"), not "stocks like Apple".
            if subject == "none" and not re.fullmatch(r"\W*", before):
                continue
            for item in self._items_after(match.end()):
                confidence = 0.6 if item[0] == "instrument" else 0.8
                self.add_preference(item, "likes", confidence=confidence)

    def add_preference(self, item, polarity, *, action=ASSERT, confidence=0.8):
        sort, name = item
        verb = "avoid" if polarity == "avoids" else "like"
        key = f"preference:{verb}:{sort}:{name}"
        payload = {
            "topic": name,
            "polarity": polarity,
            "instruments": [name] if sort == "instrument" else [],
            "sectors": [name] if sort == "sector" else [],
        }
        if action is RETRACT:
            text = f"No longer {'avoids' if verb == 'avoid' else 'prefers'} {name}"
        else:
            text = f"{'Avoids' if verb == 'avoid' else 'Prefers'} {name}"
        self.add(
            "preference",
            key,
            text,
            payload,
            action=action,
            confidence=confidence,
            importance=0.7,
        )

    # -------------------------------------------------------------------- views

    def _view_subject(self, stance_at: int | None) -> str:
        text = self.text
        if stance_at is not None:
            subject = subject_of(text[:stance_at])
            if subject != "none":
                return subject
        if _REPORTED.search(text):
            return "third"
        if _OPINION_FIRST.search(text):
            return "first"
        if _OPINION_SECOND.search(text):
            return "second"
        return "none"

    def _view_ok(self, subject: str) -> bool:
        if self.role == "advisor":
            return subject in ("second", "pronoun3")
        return subject in ("first", "none")

    def read_views(self) -> None:
        text = self.text
        seen: set[str] = set()
        for i, mention in enumerate(self.mentions):
            lo = self.mentions[i - 1].end if i else 0
            hi = self.mentions[i + 1].start if i + 1 < len(self.mentions) else len(text)
            window = text[lo : mention.start] + _M + text[mention.end : hi]
            view = self._stance(window) or self._stance_from_target(
                mention.symbol, window
            )
            if view is None or mention.symbol in seen:
                continue
            stance, conviction, negated, stance_at = view
            at = lo + stance_at if stance_at is not None else None
            if not self._view_ok(self._view_subject(at)):
                continue
            seen.add(mention.symbol)
            payload = {"instrument": mention.symbol, "stance": stance}
            self._view(
                f"view:{mention.symbol}",
                mention.symbol,
                payload,
                window,
                conviction,
                negated,
            )
        if self.mentions:
            return
        for match in re.finditer(
            rf"(?P<neg>\b(?:not|no\s+longer)\s+|n't\s+)?(?:(?P<mod>{_MODS})\s+)?"
            rf"(?P<st>{_STANCE_ADJ})\s+(?:on|about)\s+(?:the\s+)?",
            text,
            re.IGNORECASE,
        ):
            topic = _topic_at(text, match.end())
            if topic is None:
                continue
            if not self._view_ok(self._view_subject(match.start())):
                continue
            stance = _STANCE_WORDS[match.group("st").lower()]
            conviction = self._conviction(match.group("mod"), stance_word=None)
            payload = {"sector": topic[0], "stance": stance}
            self._view(
                f"view:sector:{topic[0]}",
                topic[0],
                payload,
                text,
                conviction,
                bool(match.group("neg")),
            )

    @staticmethod
    def _conviction(mod: str | None, stance_word: str | None) -> str:
        mod = re.sub(r"\s+", " ", (mod or "").lower())
        if mod in _HIGH_MODS or (stance_word or "").lower().startswith(
            ("strong", "screaming")
        ):
            return "high"
        if mod in _LOW_MODS or (stance_word or "").lower() == "cautious":
            return "low"
        return "medium"

    def _stance(self, window: str):
        """Return (stance, conviction, negated, offset) for the instrument, or None."""
        if m := _VIEW_BEFORE.search(window):
            word = m.group("st").lower()
            stance = _STANCE_WORDS[word]
            conviction = self._conviction(m.group("mod"), word)
            return stance, conviction, bool(m.group("neg")), m.start()
        if m := _VIEW_AFTER.search(window):
            word = re.sub(r"\s+", " ", m.group("st").lower())
            base = word.split()[-1]
            if base in _STANCE_WORDS:
                stance = _STANCE_WORDS[base]
            elif base in ("buy", "undervalued", "cheap"):
                stance = "bullish"
            elif base in ("sell", "overvalued", "expensive"):
                stance = "bearish"
            else:
                stance = "neutral"
            negated = m.group("link").lower() in ("isn't", "is not")
            conviction = self._conviction(m.group("mod"), word)
            return stance, conviction, negated, None
        if m := _VIEW_RATING.search(window):
            rating = re.sub(r"\s+", " ", m.group("st").lower())
            stance, conviction = _RATING_STANCE[rating]
            return stance, conviction or "medium", False, m.start()
        return None

    def _stance_from_target(self, symbol: str, window: str):
        """Infer the stance of "I see MSFT at $500" from the instrument's price.

        The stance is then a guess against a reference price, so the view is
        proposed with low conviction and a flag, for a person to confirm.
        """
        if not _OPINION_FIRST.search(self.text) or self.role == "advisor":
            return None
        target = _TARGET.search(window) or _TARGET_FIRST.search(window)
        reference = (self.resolver.instrument(symbol) or {}).get("reference_price")
        if not target or not reference:
            return None
        value = parse_amount(target.group("p"))[0]
        if not value:
            return None
        stance = "bullish" if value > reference else "bearish"
        return stance, "inferred", False, None

    def _view(self, key, name, payload, window, conviction, negated) -> None:
        if negated:
            self.add(
                "view",
                key,
                f"No longer {payload['stance']} on {name}",
                payload,
                action=RETRACT,
                confidence=0.8
                if re.search(r"\b(?:anymore|any\s+more|no\s+longer)\b", self.text, re.I)
                else 0.55,
                importance=0.6,
            )
            return
        confidence = 0.8
        if conviction == "inferred":
            conviction, confidence = "low", 0.5
            payload["stance_inferred"] = True
        if self.hedged and conviction == "medium":
            conviction = "low"
        payload["conviction"] = conviction
        words = f"{payload['stance'].capitalize()} on {name}"
        if m := _TARGET.search(window) or _TARGET_FIRST.search(window):
            target, currency = parse_amount(m.group("p"))
            if target:
                payload["target_price"] = target
                words += f", target {_money(target, currency)}"
        if m := _HORIZON.search(window):
            horizon, months = self._horizon(m)
            if horizon:
                payload["horizon"] = horizon
                payload["horizon_months"] = months
                words += f" within {horizon}"
        if conviction != "medium":
            words += f" ({conviction} conviction)"
        self.add("view", key, words, payload, confidence=confidence, importance=0.6)

    def _horizon(self, m: re.Match) -> tuple[str | None, int | None]:
        if m.group("nextyear"):
            return "1 year", 12
        if m.group("yearend"):
            if self.occurred_at is None:
                return "year-end", None
            return "year-end", max(1, 12 - self.occurred_at.month)
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

    # -------------------------------------------------------------------- facts

    def _fact_ok(self, anchor: int) -> tuple[bool, str | None]:
        """Return whether a fact at ``anchor`` is the subject's, and whose it is."""
        before = self.text[:anchor]
        subject = subject_of(before)
        relation = None
        rel = re.search(
            rf"\b(?:my|our|your)\s+(?:\w+\s+)?(?P<rel>{_RELATION})\b(?!\s+and\s+i\b)",
            before,
            re.IGNORECASE,
        )
        if subject == "third" and rel:
            relation = rel.group("rel").lower()
        if self.role == "advisor":
            ok = bool(re.search(r"\byou(?:r|'re|'ve)?\b", self.text, re.I))
            return ok and subject != "first", relation
        if self.role == "analyst":
            return subject in ("first", "none"), None
        if subject == "third":
            return relation is not None, relation
        return subject in ("first", "none"), None

    def add_fact(self, category, event, text, details, *, key=None, importance=0.6):
        payload = {"category": category, "event": event, **details}
        self.add(
            "fact",
            key or f"fact:{category}:{event}",
            text,
            payload,
            importance=importance,
        )

    def read_facts(self) -> None:
        text = self.text
        if m := _BIRTH.search(text):
            ok, _ = self._fact_ok(m.start())
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
                when = (
                    f" {self._when_words(m.group('when'))}" if m.group("when") else ""
                )
                self.add_fact(
                    "life_event",
                    "birth",
                    f"{phrase} born{when}",
                    details,
                    key=f"fact:life_event:{details['relation']}",
                )
        elif m := _BECAME_GRANDPARENTS.search(text):
            if self._fact_ok(m.start())[0]:
                self.add_fact(
                    "life_event",
                    "birth",
                    "Became a grandparent",
                    {"relation": "grandchild"},
                    key="fact:life_event:grandchild",
                )
        elif m := _HAD_BABY.search(text):
            if self._fact_ok(m.start())[0]:
                details = {"relation": "child"}
                if m.group("ord"):
                    details["ordinal"] = _ORDINALS[m.group("ord").lower()]
                self.add_fact(
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
            ok, relation = self._fact_ok(m.start())
            if not ok:
                continue
            details = {}
            key = f"fact:{category}:{event}"
            if event == "marriage" and re.search(r"\bget(?:ting)?\b", m.group(0), re.I):
                label = "Getting married"
            if relation:
                details["relation"] = relation
                key += f":{relation}"
                label = f"{relation.capitalize()}: {label.lower()}"
            if event in ("inheritance", "compensation", "business_sale"):
                amount, currency = self._amount_in(text)
                if amount:
                    details["amount"] = amount
                    details["currency"] = currency
                    label += f" ({_money(amount, currency)})"
            self.add_fact(category, event, label, details, key=key)
        if m := _DEATH.search(text):
            ok, _ = self._fact_ok(m.start())
            if ok or self.role == "client":
                rel = m.group("rel").lower()
                self.add_fact(
                    "life_event",
                    "death",
                    f"Death of {rel}",
                    {"relation": rel},
                    key=f"fact:life_event:death:{rel}",
                    importance=0.7,
                )
        if m := _DIAGNOSIS.search(text):
            ok, relation = self._fact_ok(m.start())
            if ok:
                condition = m.group("cond").strip().lower()
                key = "fact:health:diagnosis" + (f":{relation}" if relation else "")
                details = {"condition": condition}
                if relation:
                    details["relation"] = relation
                self.add_fact(
                    "health",
                    "diagnosis",
                    f"Diagnosed with {condition}",
                    details,
                    key=key,
                    importance=0.7,
                )
        if m := _RELOCATION.search(self.evidence.replace("’", "'")):
            ok, relation = self._fact_ok(m.start())
            if ok and not relation:
                place = m.group("place")
                self.add_fact(
                    "life_event",
                    "relocation",
                    f"Moving to {place}",
                    {"place": place},
                )
        if m := _FAMILY_COUNT.search(text):
            ok, _ = self._fact_ok(m.start())
            n = parse_int(m.group("n"))
            if ok and n:
                what = m.group("what").lower()
                what = {"kids": "children", "grandkids": "grandchildren"}.get(
                    what, what
                )
                self.add_fact(
                    "family",
                    what,
                    f"Has {n} {what}",
                    {"count": n},
                    key=f"fact:family:{what}",
                    importance=0.5,
                )

    @staticmethod
    def _when_words(when: str) -> str:
        if re.fullmatch(r"week|month|year", when, re.I):
            return f"last {when}"
        return f"in {when}" if not when.lower().endswith("day") else f"on {when}"
