"""Numbers as people write them: "1,200", "$1.2k", "half a million", "twelve"."""

import re

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

# Fragments the topics embed in their own patterns: digits ("1,200.50"), number
# words ("twelve", "a couple of"), a small whole number, a hedge ("about", "~").
DIGITS = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"k|mm|mn|mil|m|bn|b|thousand|grand|million|billion"
WORDNUM = "|".join(
    re.escape(w).replace(r"\ ", r"\s+")
    for w in sorted((w for w in _WORD_INTS if "decade" not in w), key=len, reverse=True)
)
# An amount as written: "1,200", "$1.2k", "200k", "2 million", "half a million",
# "two hundred". No groups, so it can be embedded anywhere.
AMOUNT = (
    rf"(?:[$€£]\s?)?(?:(?:{DIGITS})(?:\s?(?:{_SCALE}))?(?![\w.,]\d)(?!\w)"
    r"|half\s+a\s+(?:million|billion)"
    r"|a\s+quarter(?:\s+of\s+a)?\s+(?:million|billion)"
    r"|(?:a|one)\s+(?:million|billion)"
    rf"|(?:{WORDNUM})(?:\s+(?:hundred|thousand|million|billion))+\b)"
)
INT = rf"(?:\d+|{WORDNUM}|a\s+decade|two\s+decades)"
APPROX = r"(?:about|around|roughly|approximately|approx\.?|nearly|almost|~|close\s+to)"


def parse_amount(text: str) -> tuple[float | int | None, str | None]:
    """Return the value and currency code of an amount as written, e.g. "$1.2k"."""
    s = text.strip().lower().replace("’", "'")
    currency = _CURRENCIES.get(s[:1])
    s = s.lstrip("$€£ ").strip()
    value: float | None = None
    m = re.fullmatch(rf"({DIGITS})\s?({_SCALE})?", s)
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


def format_money(value: float | int, currency: str | None = "USD") -> str:
    """Return an amount as a reader expects it: "$1,200", "€95.50"."""
    sign = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency or "USD", "$")
    if value == int(value):
        return f"{sign}{int(value):,}"
    return f"{sign}{value:,.2f}"


def format_number(value: float | int) -> str:
    """Return a quantity with thousands separators: "1,200", "2.5"."""
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


AMOUNT_RE = re.compile(AMOUNT, re.IGNORECASE)


def money_in(text: str, *, bare: bool = False) -> tuple[float | int | None, str | None]:
    """Return the first sum of money of at least 1,000 in a text, and its currency.

    A sum is written as money ("$200k", "2 million"); a bare number or a year
    ("2032") is not one, unless ``bare`` says that what is saved for a goal is
    money: "saving 150000 for a home" (a number of 10,000 or more).
    """
    for match in AMOUNT_RE.finditer(text):
        raw = match.group(0)
        value, currency = parse_amount(raw)
        if value is None:
            continue
        written_as_money = currency or re.search(r"[a-z]\s*$", raw.lower())
        if re.fullmatch(r"20\d\d", raw.strip()):
            continue
        if not written_as_money and not (bare and value >= 10_000):
            continue
        if value >= 1000:
            return value, currency or "USD"
    return None, None
