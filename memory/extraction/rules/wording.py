"""What a sentence says, put plainly before the topics read it.

People say numbers in words ("a hundred and fifty", "sixty-two", "two hundred
forty thousand dollars"), repair themselves mid-sentence ("we own 200, sorry,
250") and, when the advisor types about a client, name them ("Marcus sold his
Apple"). The topics' patterns read digits, one value, and a pronoun; this
module rewrites a sentence into that form (the names through ``speakers``, which
alone decides whose memory a statement is). Only the text the patterns read is
rewritten: a candidate's evidence stays what was said.
"""

import re

from ..speakers import names_as_pronouns

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD = "|".join(
    sorted([*_UNITS, *_TENS, "hundred", "thousand"], key=len, reverse=True)
)
# A run of number words: "one hundred and twenty-five", "fifteen hundred", "a
# hundred", "two hundred forty thousand". Words joined by spaces, hyphens, "and".
_RUN = re.compile(
    rf"\b(?:an?\s+(?=(?:hundred|thousand)\b))?(?:{_WORD})"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*\b",
    re.IGNORECASE,
)
_TOKENS = re.compile(rf"{_WORD}|an?\b", re.IGNORECASE)


def _value(words: list[str]) -> tuple[int, int] | None:
    """Return (value, words used) of the longest well-formed number at the start.

    Well-formed: units after tens ("twenty-five"), scales after a number
    ("fifteen hundred"), no two units in a row ("one two" is two numbers).
    """
    total = current = 0
    last = None  # "unit", "ten", "hundred", "thousand"
    used = 0
    for word in words:
        w = word.lower()
        if w in ("a", "an"):
            if used:
                break
            current, last = 1, "unit"
        elif w in _UNITS:
            if last == "unit" or (last == "ten" and _UNITS[w] >= 10):
                break
            if last == "ten" or last in ("hundred", "thousand", None):
                current += _UNITS[w]
            last = "unit"
        elif w in _TENS:
            if last in ("unit", "ten"):
                break
            current += _TENS[w]
            last = "ten"
        elif w == "hundred":
            if last not in ("unit", "ten") or current % 100 == 0 and current >= 100:
                break
            current *= 100
            last = "hundred"
        elif w == "thousand":
            if last is None or last == "thousand":
                break
            total += current * 1000
            current, last = 0, "thousand"
        used += 1
    if not used:
        return None
    return total + current, used


def words_to_digits(text: str) -> str:
    """Write numbers said in words as digits: "two hundred fifty" -> "250".

    A lone "one" or "a" stays a word ("one of them", "a few"); a scale that
    reads as money stays ("two million" -> "2 million").
    """

    def replace(match: re.Match) -> str:
        run = match.group(0)
        tokens = [t.group(0) for t in _TOKENS.finditer(run)]
        out, start = [], 0
        while start < len(tokens):
            parsed = _value(tokens[start:])
            if parsed is None:
                out.append(tokens[start])
                start += 1
                continue
            value, used = parsed
            words = tokens[start : start + used]
            if len(words) == 1 and words[0].lower() in ("one", "a", "an", "zero"):
                out.append(words[0])
            else:
                out.append(str(value))
            start += used
        return " ".join(out)

    return _RUN.sub(replace, text)


_MONEY_WORDS = re.compile(
    r"(?<![$\w.,])(?P<n>\d[\d,]*(?:\.\d+)?(?:\s?(?:k|thousand|million|billion|m|bn))?)"
    r"\s+(?:dollars|bucks|usd)\b",
    re.IGNORECASE,
)


def dollars_as_symbol(text: str) -> str:
    """Write "120000 dollars" as "$120000": a sum said as money is money."""
    return _MONEY_WORDS.sub(lambda m: f"${m.group('n')}", text)


_AMOUNT = r"[$€£]?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|million|billion|thousand))?"
_REPAIR = re.compile(
    rf"(?P<a>{_AMOUNT})(?P<mid>(?:\s+[\w&'.-]+){{0,3}}?)\s*[,;—–-]?\s*"
    r"\b(?:sorry|no\s+wait|wait|i\s+mean|i\s+meant|or\s+rather|make\s+that|er|erm|"
    r"um|uh)\b[,:;—–-]?\s+"
    rf"(?P<b>{_AMOUNT})(?!\s*(?:%|percent))(?P<tail>\s*(?:[—–]|-(?=\s))\s*)?",
    re.IGNORECASE,
)


def self_repairs(text: str) -> str:
    """Keep the value a speaker settled on: "200 VOO, sorry, 250" -> "250 VOO"."""
    for _ in range(3):
        match = _REPAIR.search(text)
        if match is None or re.search(r"\bnot\b", match.group("mid"), re.I):
            break
        # "240 — sorry, 250 — NextEra": the dashes around the repair go too.
        text = (
            text[: match.start()]
            + match.group("b")
            + match.group("mid")
            + (" " if match.group("tail") else "")
            + text[match.end() :]
        )
    return text


def plain(text: str, *, names=(), advisor: bool = False) -> str:
    """Return a sentence as the topics read it (see the module)."""
    text = words_to_digits(text)
    text = dollars_as_symbol(text)
    text = self_repairs(text)
    if advisor and names:
        text = names_as_pronouns(text, names)  # who is who: ``speakers`` says
    return text
