"""Holdings: what the subject bought, sold, added to or owns, in which account.

"I bought 200 shares of Apple at $150 in my IRA" holds a verb, a quantity, an
instrument, a price and an account; each instrument is read from the words between
it and its neighbours, so "300 VOO and 150 BND" gives two holdings.
"""

import re

from ..speakers import Person
from .numbers import (
    AMOUNT,
    AMOUNT_RE,
    APPROX,
    DIGITS,
    format_money,
    format_number,
    parse_amount,
)
from .sentence import RETRACT, Sentence

# Order matters: the longer phrase of a verb must come first ("got out of" is an
# exit, "got" alone a purchase).
_VERBS = [
    (
        "exit",
        r"dumped|unloaded|offloaded|liquidated|cashed\s+out(?:\s+of)?|got\s+rid\s+of|"
        r"got\s+out\s+of|sold\s+out\s+of|exited|ditched|cashed\s+in|"
        r"closed\s+(?:out\s+)?(?:of\s+)?",
    ),
    (
        "add",
        r"added(?:\s+to)?|bought\s+(?:another|more)|increased|upped|"
        r"doubled\s+down(?:\s+with|\s+on)?",
    ),
    (
        "sell",
        r"sold\s+off|sold|trimmed|reduced|cut|took\s+profits?\s+(?:on|in)|"
        r"took",
    ),
    (
        "buy",
        r"bought|purchased|picked\s+up|acquired|grabbed|scooped\s+up|loaded\s+up\s+on|"
        r"paid\s+[$€£]\s?\d[\d,.]*\s*(?:each|apiece|a\s+share|per\s+share)?\s+for|"
        r"went\s+in\s+for|invested\s+in|snapped\s+up|"
        r"put\s+(?:money|cash)\s+into|got",
    ),
    (
        "own",
        r"(?:'ve|have|has|'s)\s+(?:held|owned|had)|own|owns|hold|holds|have|has|"
        r"carry|carries|kept|built\s+up|there\s+(?:are|is)|there's|"
        r"'ve\s+got|'s\s+got|has\s+got|have\s+got|"
        r"(?:am|'m|is|'s|are|'re)\s+(?:still\s+)?holding|"
        r"(?:am|'m|is|'s|are|'re)\s+(?:now\s+)?up\s+to|"
        r"am\s+long|'m\s+long|are\s+long|'re\s+long|is\s+long|'s\s+long|be\s+long|"
        r"sitting\s+on|sit\s+on|sits\s+on|keep|keeps|owned|held|had",
    ),
]
_VERB_RE = re.compile(
    "|".join(rf"(?P<{kind}>\b(?:{alts})\b)" for kind, alts in _VERBS), re.IGNORECASE
)
_QTY = rf"(?:{APPROX}\s+)?(?<![$€£\w]){AMOUNT}"
_GAP_RE = re.compile(
    rf"(?:\s+|,|-|{_QTY}|(?:[$€£]\s?{AMOUNT})|\b(?:some|a|few|little|lot|lots|bunch|of|"
    r"shares?|units?|sh|pieces|position|positions|stake|in|into|my|our|your|his|her|"
    r"their|"
    r"the|more|to|every|block|"
    r"additional|extra|another|all|entire|whole|remaining|rest|any|both|total|half|"
    r"worth|also|just|still|now|only|each|about|around|roughly|approximately|nearly|"
    r"almost|over|under|like|currently|already|even)\b)*",
    re.IGNORECASE,
)
_LIST_GAP_RE = re.compile(
    rf"\s*(?:,\s*(?:and\s+|plus\s+)?|\s+and\s+|\s*&\s*|\s+plus\s+|\s+as\s+well\s+as\s+)"
    rf"(?:(?:{APPROX}\s+)?{AMOUNT}\s*)?(?:(?:shares?|units?)\s+(?:of\s+)?)?"
    r"(?:some\s+|a\s+(?:bit|little|few)\s+(?:of\s+)?|a\s+lot\s+of\s+)?"
    r"(?:(?:in|of|worth\s+of)\s+)?",
    re.IGNORECASE,
)
_NEGATED_BEFORE = re.compile(
    r"(?:\b(?:not|no\s+longer|never)|n[’']t)\s+(?:\w+\s+)?$", re.IGNORECASE
)
# "Might have" hedges (the sentence says so); "would buy" or "if I bought" states
# nothing held.
_MODAL_BEFORE = re.compile(
    r"\b(?:could|would|should|will|'d|’d|'ll|’ll|to|gonna|if|whether|"
    r"wish|hope)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
_MAYBE_BEFORE = re.compile(r"\b(?:might|may)\s+(?:\w+\s+)?$", re.IGNORECASE)
_NEARLY_BEFORE = re.compile(r"\b(?:nearly|almost)\s+$", re.IGNORECASE)
_PAST_ONLY = {"owned", "held", "had"}
_EXIT_ALL = re.compile(
    r"\b(?:all|entire|whole|everything|every\s+share|the\s+rest|remaining|out\s+of)\b",
    re.IGNORECASE,
)
_PARTIAL = re.compile(r"\b(?:some|part|a\s+few|a\s+little|a\s+bit|a\s+portion|half)\b")
_ADD_ON = re.compile(r"\b(?:more|another|additional|extra)\b", re.IGNORECASE)
_OUT_OF = re.compile(
    r"\b(?:i'm|i\s+am|we're|we\s+are|you're|you\s+are|he's|she's|they're|he\s+is|"
    r"she\s+is|they\s+are)\s+(?:now\s+|completely\s+|fully\s+|all\s+)?out\s+of\s+"
    r"(?:my\s+|our\s+|your\s+|his\s+|her\s+|their\s+|the\s+)?$",
    re.IGNORECASE,
)
_POSITION_AFTER = re.compile(
    r"^\s*(?:(?:position|stake|holding)(?:\s+(?:is|was|of|comes\s+to|totals?)|\s*:)|"
    r"comes\s+to|totals?)\s+"
    rf"(?:now\s+)?(?P<q>{_QTY})"
    r"(?:\s*(?:shares|units)\b|(?=\s*(?:[,.;!]|$|in\b)))",
    re.IGNORECASE,
)
# "Holdings: Comcast 70, Lilly 275": a list of positions, each amount after its name.
_HOLDINGS_LIST = re.compile(
    r"^\W*(?:[\w']+[,—–-]*\s+|[—–-]\s+){0,6}?(?:my\s+|our\s+|his\s+|her\s+|their\s+|"
    r"your\s+)?(?:holdings|positions|portfolio)\s*[:—–-]",
    re.IGNORECASE,
)
_QTY_NEXT = re.compile(rf"^\s*(?P<q>{_QTY})(?!\s*(?:%|percent))\b", re.IGNORECASE)
# "Portfolio: 380 Pfizer, 95 JPMorgan": each amount before its name.
_QTY_BEFORE = re.compile(
    rf"^[\s:,;—–-]*(?:and\s+|plus\s+)?(?P<q>{_QTY})\s*$", re.IGNORECASE
)
# "my cost on the 350 ConocoPhillips is $81".
_COST_ON = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:cost(?:\s+basis)?|average\s+cost|entry"
    rf"(?:\s+price)?)\s+(?:on|for)\s+(?:the\s+|my\s+|our\s+)?(?P<q>{_QTY})?\s*"
    r"(?:shares\s+of\s+)?$",
    re.IGNORECASE,
)
# "my position in EEM is 130 shares".
_POSITION_IN = re.compile(
    r"\b(?:my|our|his|her|their|your)\s+(?:position|stake|holding)\s+in\s+$", re.I
)
_IS_QTY = re.compile(
    rf"^\s*(?:is|was|:)\s*(?:now\s+)?(?P<q>{_QTY})(?!\s*(?:%|k\b))"
    r"(?:\s*(?:shares|units)\b|(?=\s*(?:[,.;!]|$|in\b)))",
    re.IGNORECASE,
)
_PAID = re.compile(
    rf"paid\s+(?P<p>[$€£]\s?{DIGITS})\s*(?P<per>each|apiece|a\s+share|per\s+share)?",
    re.IGNORECASE,
)
_COST_IS = re.compile(rf"^\s*(?:is|was|:)\s*(?P<p>[$€£]\s?{DIGITS})(?![\d%])", re.I)
_BY_QTY = re.compile(
    rf"^\s*(?:position\s+|stake\s+|holding\s+)?by\s+(?P<q>{_QTY})\b", re.IGNORECASE
)
# "almost bought Adobe but didn't": no trade at all.
_UNDONE_AFTER = re.compile(
    r"^[^.;]*\bbut\s+(?:didn't|did\s+not|never|haven't|hasn't|then\s+didn't)\b",
    re.IGNORECASE,
)
_NO_MORE_BEFORE = re.compile(
    r"(?:^|[.;:,]\s*|\b(?:and|so)\s+)no\s+more\s+(?:of\s+)?(?:the\s+|my\s+|his\s+|"
    r"her\s+|their\s+|our\s+)?$",
    re.IGNORECASE,
)
_QTY_AFTER = re.compile(
    rf"^\s*(?:[:,(-]|x)?\s*(?P<q>{_QTY})\s*(?:shares|sh|units|of\s+them)\b",
    re.IGNORECASE,
)
# "added a position in Coke" opens one; "added 50 Coke" adds to one.
_NEW_POSITION = re.compile(r"\b(?:a|new)\s+(?:position|stake)\s+in\s*$", re.I)
_PRICE_AFTER = re.compile(
    r"(?:(?P<at>\bat\b|@|\bwhen\s+(?:it|they)\s+(?:was|were)(?:\s+at)?)|"
    r"\b(?P<for>for|paid)|\b(?P<basis>cost\s+basis|average\s+cost|"
    r"average\s+price|avg\s+cost|basis))\s*(?:of\s+|is\s+|was\s+|:\s*)?"
    rf"(?:{APPROX}\s+)?(?P<p>(?:[$€£]\s?)?{DIGITS}(?:\s?k)?)(?![\d%])(?!\s*%)"
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
    r"(?P<roth_ira>roth(?:\s+ira)?(?:\s+401\s?\(?k\)?)?(?:\s+account)?)|"
    r"(?P<sep_ira>sep[\s-]ira)|"
    r"(?P<simple_ira>simple\s+ira)|"
    r"(?P<ira>(?:rollover\s+|traditional\s+)?ira)|"
    r"(?P<k401>401\s?\(?k\)?)|"
    r"(?P<b403>403\s?\(?b\)?)|"
    r"(?P<hsa>hsa|health\s+savings\s+account)|"
    r"(?P<p529>529(?:\s+plan)?)|"
    r"(?P<taxable>taxable(?:\s+(?:account|brokerage(?:\s+account)?))?|"
    r"regular\s+brokerage(?:\s+account)?)|"
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


def holding_payload(s: Sentence, symbol, quantity, cost_basis, account) -> dict:
    """Return the payload of a holding, in the instrument's currency."""
    instrument = s.resolver.instrument(symbol) or {}
    return {
        "instrument": symbol,
        "quantity": quantity,
        "cost_basis": cost_basis,
        "currency": instrument.get("currency", "USD"),
        "account": account,
    }


def holding_key(symbol: str, account: str | None) -> str:
    """Return the slot of a holding: one per instrument and account."""
    return f"holding:{symbol}:{account}" if account else f"holding:{symbol}"


def holding_text(payload: dict, *, retract: bool = False) -> str:
    """Return a holding as a third-person sentence: "Holds 200 AAPL in the IRA"."""
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
        money = format_money(basis, payload.get("currency"))
        verb = "bought" if payload.get("transaction") == "buy" else "with cost basis"
        price = f" {verb} at {money}" if verb == "bought" else f" {verb} {money}"
    if quantity:
        return f"Holds {format_number(quantity)} {symbol}{price}{where}"
    if payload.get("value") and not change:
        money = format_money(payload["value"], payload.get("currency"))
        return f"Holds about {money} of {symbol}{where}"
    if change and change > 0:
        return f"Bought {format_number(change)} more {symbol}{price}{where}"
    if change and change < 0:
        return f"Sold {format_number(-change)} {symbol}{where}"
    if payload.get("change_fraction"):
        share = int(round(-payload["change_fraction"] * 100))
        return f"Sold {share}% of the {symbol} position{where}"
    if payload.get("transaction") == "sell":
        return f"Sold part of the {symbol} position{where}"
    return f"Holds {symbol}{price}{where}"


def _account_for(s: Sentence, index: int, window: tuple[int, int]) -> str | None:
    """Return the account of the instrument mentioned ``index``-th, if one is named."""
    accounts = find_accounts(s.text)
    if not accounts:
        return None
    lo, hi = window
    mention = s.mentions[index]
    after = [a for a in accounts if mention.end <= a[0] < hi]
    before = [a for a in accounts if lo <= a[0] < mention.start]
    if after:
        return after[0][2]
    if before:
        return before[-1][2]
    codes = {a[2] for a in accounts}
    return accounts[0][2] if len(codes) == 1 else None


def read_holdings(s: Sentence) -> None:
    """Read what the subject bought, sold, added to or owns, per instrument."""
    text = s.text
    previous_verb = None
    listed = _HOLDINGS_LIST.search(text)
    for i, mention in enumerate(s.mentions):
        lo = s.mentions[i - 1].end if i else 0
        hi = s.mentions[i + 1].start if i + 1 < len(s.mentions) else len(text)
        pre, post = text[lo : mention.start], text[mention.end : hi]
        if _UNDONE_AFTER.match(post):
            previous_verb = None
            continue
        verb = _holding_verb(s, pre, lo)
        if verb is None and listed and listed.end() <= mention.start:
            if m := _QTY_NEXT.match(post):
                verb = _own(mention.start, gap=m.group("q"), word="holdings")
            elif m := _QTY_BEFORE.match(text[max(lo, listed.end()) : mention.start]):
                verb = _own(mention.start, gap=m.group("q"), word="holdings")
        if verb is None and _POSITION_IN.search(pre) and (m := _IS_QTY.match(post)):
            verb = _own(
                lo + _POSITION_IN.search(pre).start(), gap=m.group("q"), word=""
            )
        if verb is None and _IN_BEFORE.search(pre) and (m := _TUNE_OF.match(post)):
            verb = _own(lo + _IN_BEFORE.search(pre).start(), gap=m.group("q"), word="")
        if (
            verb is None
            and i == 0
            and len(s.mentions) == 1
            and _OPENER_ONLY.fullmatch(pre)
            and (m := _OF_THEM_AFTER.match(post))
        ):
            verb = _own(mention.start, gap=m.group("q"), word="")
        if verb is None and (cost := _COST_ON.search(pre)):
            verb = _own(lo + cost.start(), gap=cost.group("q") or "", word="cost")
        if verb is None and _NO_MORE_BEFORE.search(pre):
            verb = {
                "kind": "exit",
                "word": "no more",
                "gap": "",
                "negated": False,
                "at": lo + _NO_MORE_BEFORE.search(pre).start(),
            }
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
        if verb is None and (
            _HELD_AFTER.match(post) or (i == 0 and _is_fragment(s, pre, post))
        ):
            # "25 shares of SBUX are sitting in my IRA"; "Maybe 40 shares of X?"
            verb = {
                "kind": "own",
                "word": "",
                "gap": pre,
                "negated": False,
                "at": mention.start,
            }
        position = _POSITION_AFTER.match(post)
        if position and re.search(r"[$€£]", position.group("q")):
            position = None  # "my Apple position is $20k" is a value, not a count
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
        if _PRODUCT_AFTER.match(post) or _A_PRODUCT.fullmatch(verb["gap"]):
            continue  # "2 Apple watches", "50 Amazon packages", "I have a Tesla"
        if not s.speaks_for_subject(verb["at"], "holding"):
            continue
        if _someone_else_before(s, verb["at"]):
            continue  # "The fund holds 300 Apple", "Warren Buffett bought 1000"
        _holding(s, i, mention, verb, pre, post, (lo, hi), position)


# A company's name before one of its products names the product, not shares.
_PRODUCT_AFTER = re.compile(
    r"^[\s-]*(?:watch(?:es)?|i?phones?|laptops?|computers?|macs?|macbooks?|ipads?|"
    r"tablets?|tvs?|devices?|gadgets?|products?|packages?|parcels?|orders?|boxes|"
    r"deliveries|accounts?|subscriptions?|memberships?|cars?|trucks?|vehicles?|"
    r"cards?|gift\s+cards?|points|miles|vouchers?|coupons?|tickets?|meals?|burgers?|"
    r"coffees?|drinks?|cans|bottles?|stores?|shops?|employees?|jobs?|shifts?)\b",
    re.IGNORECASE,
)
# "I have a Tesla", "she owns an Apple": one thing, not a position.
_A_PRODUCT = re.compile(r"\s*an?\s*", re.IGNORECASE)


# "I'm in AGG to the tune of 95"; "Microsoft, forty of them"; "I have AGG: 95".
_IN_BEFORE = re.compile(r"\b(?:am|'m|is|'s|are|'re)\s+in\s+$", re.IGNORECASE)
_TUNE_OF = re.compile(
    rf"^\s*to\s+the\s+tune\s+of\s+(?P<q>{_QTY})(?!\s*(?:%|k\b|grand|dollars))", re.I
)
_OPENER_ONLY = re.compile(
    r"\W*(?:(?:so|right|oh|and|ok|okay|well|honestly|also|for\s+what\s+it's\s+worth)"
    r"\W+)*",
    re.IGNORECASE,
)
_OF_THEM_AFTER = re.compile(rf"^\s*[,:—–-]\s*(?P<q>{_QTY})\s+of\s+them\W*$", re.I)
_COLON_QTY = re.compile(rf"^\s*:\s*(?P<q>{_QTY})(?!\s*(?:%|k\b))\W*$", re.IGNORECASE)
# "The fund I like holds": a thing, then who likes it, then the verb.
_SOMEONE_REL = re.compile(
    r"^\W*(?:the|a|an|this|that|some)\s+(?:\w+\s+){1,2}(?:i|we|you|he|she|they)\s+"
    r"\w+\s*$",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r"(?:[.;:!?,—–(]|\s-\s|\b(?:and|but|so|while)\b)\s*")
_SOMEONE = re.compile(
    r"^\W*(?:(?:the|a|an|this|that|one|another|some)\s+(?!(?:last|first|other)\b)"
    r"[a-z]\w*|(?:[A-Z][\w&.'-]*\s+)*[A-Z][\w&.'-]*)(?:\s+\w+){0,3}\s*$"
)


def _someone_else_before(s: Sentence, at: int) -> bool:
    """Say whether someone named, not a pronoun, is the subject of the verb at ``at``.

    "The fund holds", "Berkshire bought", "the guy at work has": no pronoun, so
    ``speakers`` reads no subject, yet a subject is there and it is not the client.
    """
    before = s.text[:at]
    starts = [m.end() for m in _CLAUSE_START.finditer(before)]
    clause = before[starts[-1] if starts else 0 :]
    if _SOMEONE_REL.match(clause) and not find_accounts(clause):
        return True
    if s.subject_at(at) != Person.NONE:
        return False
    if not clause.strip():
        return False
    if not _SOMEONE.match(clause) or find_accounts(clause):
        return False  # "the Roth holds 200 Apple" is the client's account
    words = clause.split()
    # The first word of a sentence is capitalised whoever it is: "Also", "Then".
    if not starts and len(words) == 1 and words[0].lower() in _OPENING_WORDS:
        return False
    return not re.search(r"\d", clause)


_OPENING_WORDS = {
    "also", "then", "now", "recently", "yesterday", "today", "honestly", "actually",
    "just", "oh", "so", "well", "right", "ok", "okay", "plus", "and", "still",
    "finally", "anyway", "basically", "currently", "again", "lately",
}  # fmt: skip


def _own(at: int, *, gap: str, word: str) -> dict:
    """Return an "own" verb at ``at`` whose amounts are ``gap``."""
    return {"kind": "own", "word": word, "gap": gap, "negated": False, "at": at}


_HELD_AFTER = re.compile(
    r"^\s*(?:shares\s+)?(?:are|is)\s+(?:sitting|parked|held)\s+in\b", re.IGNORECASE
)
_FRAGMENT_PRE = re.compile(
    r"^\W*(?:(?:so|right|oh|and|ok|okay|well|honestly|quick\s+one|also|"
    r"for\s+what\s+it's\s+worth)\W+)*"
    r"(?:i\s+think\s+)?(?:(?:it's|it\s+is)\s+)?"
    r"(?:(?:maybe|about|around|roughly|like|probably|approximately|perhaps|possibly|"
    r"could\s+be|just|exactly)\s+)?"
    rf"{_QTY}\s*(?:shares?\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
_FRAGMENT_REST = re.compile(
    r"^[\s,.;:!?()-]*(?:shares?\b)?[\s,.;:!?()-]*(?:(?:in|at)\s+)?"
    r"[\s,.;:!?()-]*(?:i'm\s+not\s+sure|not\s+sure|i\s+think|if\s+memory\s+serves|"
    r"if\s+i\s+remember\s+(?:right|correctly)|i\s+(?:honestly\s+)?(?:don't|do\s+not)\s+"
    r"(?:remember|recall|know)|i\s+guess|i'd\s+(?:need|have)\s+to\s+(?:look|check)|"
    r"something\s+like\s+that)?[\s,.;:!?()-]*"
    r"(?:that's\s+(?:my|his|her|our|their)\s+(?:\w+\s+){0,2}(?:position|holding)"
    r"[\s,.;:!?()-]*)?$"
    # "85 Conoco at $205, that's what I bought"
    # "40 AAPL — that's what she has"
    r"|^[\s,;:—–-]*(?:(?:in|at)\s+)?[\s,;:—–-]*that's\s+what\s+(?:i|we|he|she|they)\s+"
    r"(?:have|has|own|owns|"
    r"hold|holds|'ve\s+got|'s\s+got)\W*$"
    r"|^\s*(?:at|@)\s*[$€£]?\s?\d[\d,.]*\s*(?:each|a\s+share)?\s*,?\s*that's\s+what\s+"
    r"(?:i|we|he|she|they)\s+(?:bought|paid|own|hold|have|got)\W*$",
    re.IGNORECASE,
)


def _is_fragment(s: Sentence, pre: str, post: str) -> bool:
    """Say whether a sentence is just an amount of an instrument (and an account).

    "Maybe 40 shares of Google?", "200 AAPL in the Roth": no verb, a holding.
    """
    if len(s.mentions) != 1 or not _FRAGMENT_PRE.match(pre):
        return False
    rest = post
    for start, end, _ in sorted(find_accounts(post), reverse=True):
        rest = rest[:start] + rest[end:]
    return bool(_FRAGMENT_REST.match(rest))


def _holding_verb(s: Sentence, pre: str, offset: int) -> dict | None:
    """Return the verb that governs an instrument, from the words before it."""
    for match in reversed(list(_VERB_RE.finditer(pre))):
        gap = pre[match.end() :]
        if not _GAP_RE.fullmatch(gap):
            continue
        full_before = s.text[: offset + match.start()]
        kind = match.lastgroup
        word = match.group(0).lower()
        used_to = re.search(r"\bused\s+to\s+$", full_before, re.IGNORECASE)
        if _MODAL_BEFORE.search(full_before) and not used_to:
            return None
        if kind != "own" and _MAYBE_BEFORE.search(full_before):
            return None  # "might buy" is a plan, not a trade
        if _NEARLY_BEFORE.search(full_before):
            return None  # "nearly bought" is no trade
        if re.search(r"\b(?:if|unless|whether|wish)\b[^,;]*$", full_before, re.I):
            return None
        negated = bool(_NEGATED_BEFORE.search(full_before) or used_to)
        if kind == "own" and word in _PAST_ONLY and not negated:
            return None
        if kind == "buy" and word == "got" and not re.search(r"\d|shares", gap):
            continue
        # "keep an eye on", "sit on the fence": a count says it is a position.
        if word.startswith(("keep", "sit")) and not re.search(r"\d", gap):
            continue
        after = s.text[offset + match.end() :]
        if word == "took" and not re.search(r"\boff\s+the\s+table\b", after, re.I):
            continue
        return {
            "kind": kind,
            "word": word,
            "gap": gap,
            "negated": negated,
            "at": offset + match.start(),
        }
    return None


def _holding(s: Sentence, index, mention, verb, pre, post, window, position) -> None:
    """Propose the holding one verb states of one instrument."""
    symbol = mention.symbol
    kind, gap = verb["kind"], verb["gap"]
    account = _account_for(s, index, window)
    if verb["negated"]:
        if kind in ("own", "exit"):
            retract_holding(s, symbol, account, confidence=0.7)
        return
    quantities, value = _amounts(gap)
    approx = bool(re.search(APPROX, gap, re.I))
    if not quantities and (m := _QTY_AFTER.match(post) or _COLON_QTY.match(post)):
        quantities = [parse_amount(re.sub(APPROX, "", m.group("q")))[0]]
    if (
        not quantities
        and kind in ("sell", "add", "exit")
        and (m := _BY_QTY.match(post))
    ):
        quantities = [parse_amount(re.sub(APPROX, "", m.group("q")))[0]]
    if position:
        quantities = [parse_amount(re.sub(APPROX, "", position.group("q")))[0]]
    cost_basis = None
    if verb["word"] == "cost" and (m := _COST_IS.match(post)):
        cost_basis = parse_amount(m.group("p"))[0]
    if verb["word"].startswith("paid") and (m := _PAID.match(verb["word"])):
        paid = parse_amount(m.group("p"))[0]
        if m.group("per"):
            cost_basis = paid
        elif paid and quantities:
            cost_basis = round(paid / quantities[-1], 4)
    price = None if cost_basis else _PRICE_AFTER.search(post)
    if price and not (price.group("for") and "$" not in price.group("p")):
        amount = parse_amount(price.group("p"))[0]
        if price.group("for") and not price.group("per"):
            if quantities and amount:
                cost_basis = round(amount / quantities[-1], 4)
        else:
            cost_basis = amount
    result = _RESULT_QTY.search(post)
    resulting = (
        parse_amount(re.sub(APPROX, "", result.group("q")))[0] if result else None
    )

    payload = holding_payload(s, symbol, None, cost_basis, account)
    confidence = 0.75 if approx else 0.8
    if kind in ("exit",) and not quantities:
        retract_holding(s, symbol, account, confidence=0.8)
        return
    if kind == "sell" or (kind == "exit" and quantities):
        payload["transaction"] = "sell"
        if _EXIT_ALL.search(gap) and not quantities:
            retract_holding(s, symbol, account, confidence=0.8)
            return
        base = _SOLD_OF_BASE.search(gap)
        if base:
            delta = parse_amount(re.sub(APPROX, "", base.group("d")))[0]
            held = parse_amount(re.sub(APPROX, "", base.group("b")))[0]
            payload["change"] = -delta
            remaining = held - delta
            if remaining <= 0:
                retract_holding(s, symbol, account, confidence=0.8)
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
            retract_holding(s, symbol, account, confidence=0.75)
            return
        payload["cost_basis"] = None
    elif kind in ("buy", "add"):
        payload["transaction"] = "buy"
        opens = bool(_NEW_POSITION.search(gap))
        is_more = not opens and (kind == "add" or bool(_ADD_ON.search(gap)))
        if quantities:
            if is_more:
                payload["change"] = quantities[0]
            else:
                payload["quantity"] = quantities[0]
        elif value is not None:
            payload["value"] = value
        elif is_more:
            confidence = 0.5  # more of a holding, but how many: ambiguous
    else:
        if quantities:
            payload["quantity"] = quantities[0]
        elif value is not None:
            payload["value"] = value
    if resulting:
        payload["quantity"] = resulting
    s.add(
        "holding",
        holding_key(symbol, account),
        holding_text(payload),
        payload,
        confidence=confidence,
        importance=0.6,
    )


def _amounts(gap: str) -> tuple[list, float | int | None]:
    """Split the amounts before an instrument into share counts and money.

    "$10k of VOO" and "200k in VTI" are money; "200 AAPL" and "10k shares" are
    share counts.
    """
    quantities, value = [], None
    clean = re.sub(APPROX, " ", gap, flags=re.IGNORECASE)
    for match in AMOUNT_RE.finditer(clean):
        raw = match.group(0)
        amount, currency = parse_amount(raw)
        if not amount:
            continue
        scaled = re.search(r"[a-z]\s*$", raw.lower())
        shares_follow = re.match(r"\s*(?:shares?|units?|sh)\b", clean[match.end() :])
        if currency or (scaled and not shares_follow):
            value = amount if value is None else value
        else:
            quantities.append(amount)
    return quantities, value


def retract_holding(s: Sentence, symbol, account, *, confidence) -> None:
    """Propose that the subject no longer holds an instrument (in an account)."""
    payload = holding_payload(s, symbol, None, None, account)
    s.add(
        "holding",
        holding_key(symbol, account),
        holding_text(payload, retract=True),
        payload,
        action=RETRACT,
        confidence=confidence,
        importance=0.6,
    )
