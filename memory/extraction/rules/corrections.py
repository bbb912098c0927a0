"""Corrections: "actually it was 300, not 200", "sorry, I paid $140, not $150".

A correction names a new value and often the old one, rarely the instrument. It is
resolved against the holdings said earlier in the message, then against those the
caller passes in (earlier messages, the subject's current memories); when which
holding it corrects is unknowable, nothing is proposed.
"""

import re

from .holdings import find_accounts, holding_key, holding_payload, holding_text
from .numbers import AMOUNT, parse_amount
from .sentence import ASSERT, Sentence

_CORRECTION_MARK = re.compile(
    r"\b(?:actually|correction|sorry|oops|wait|i\s+mean|i\s+meant|my\s+mistake|"
    r"my\s+bad|scratch\s+that|to\s+be\s+precise|typo|got\s+(?:that|it)\s+wrong|"
    r"let\s+me\s+correct|correct(?:ing)?\s+(?:that|myself)|no\s+hang\s+on)\b",
    re.IGNORECASE,
)
_FIX_NEW_NOT_OLD = re.compile(
    rf"(?P<new>(?:[$€£]\s?)?{AMOUNT})\s*(?:shares?|units)?"
    r"(?:\s+(?:of\s+)?[\w&'.-]+){0,3}?\s*"
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
    r"\b(?:make\s+(?:that|it)|should\s+(?:be|have\s+been|read)|it's|it\s+is|"
    r"i\s+meant|"
    rf"it\s+was|that's|that\s+is)\s+(?P<new>(?:[$€£]\s?)?{AMOUNT})",
    re.IGNORECASE,
)


# A correction names a number and says "not", "actually", "sorry"...
MAY_STATE = (
    "not",
    "actually",
    "correction",
    "sorry",
    "oops",
    "wait",
    "mean",
    "mistake",
    "my bad",
    "scratch",
    "precise",
    "typo",
    "make that",
    "make it",
    "should be",
    "wrong",
    "correct",
    "hang on",
)


def read_correction(s: Sentence) -> bool:
    """Read "actually it was 300, not 200"; return whether it was one."""
    text = s.text
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
    symbols = {m.symbol for m in s.mentions}
    pool = [
        c
        for c in [*s.context, *s.earlier, *s.out]
        if c.kind == "holding"
        and getattr(c, "action", ASSERT) is ASSERT
        and (not symbols or c.payload.get("instrument") in symbols)
    ]
    fallback = None
    said_here = [c for c in pool if c not in s.context]
    if said_here:
        fallback = said_here[-1]
    elif len({c.key for c in pool}) == 1:
        fallback = pool[-1]
    referent = next(
        (c for c in reversed(pool) if old is not None and c.payload.get(field) == old),
        fallback,
    )
    if referent is not None:
        payload = {**referent.payload, field: new}
        payload.pop("change", None)
    elif s.mentions and not is_price:
        symbol = s.mentions[0].symbol
        accounts = find_accounts(text)
        payload = holding_payload(
            s, symbol, new, None, accounts[0][2] if accounts else None
        )
    else:
        return bool(_CORRECTION_MARK.search(text))
    key = holding_key(payload["instrument"], payload.get("account"))
    s.add(
        "holding",
        key,
        holding_text(payload),
        payload,
        confidence=0.8,
        importance=0.6,
    )
    return True
