"""Goals: retirement, a child's education, a home, and the other plans clients fund."""

import re
from datetime import date, datetime

from .numbers import INT, format_money, money_in, parse_int
from .sentence import Sentence

_RETIRE_AGE = re.compile(
    r"\b(?:retir(?:e|ing|ement)(?:\s+early\s*,?)?|be\s+retired|stop\s+working|"
    r"quit\s+work(?:ing)?|stopping\s+work|(?:be\s+)?done\s+working|"
    r"be\s+out\s+of\s+the\s+work\s?force|hang\s+up\s+(?:my|his|her|their|our)\s+"
    r"boots)\s+"
    r"(?:at|by|when\s+I'm|when\s+I\s+turn|at\s+age|by\s+age)"
    r"\s+(?:age\s+|the\s+age\s+of\s+)?(?P<age>\d{2})\b(?!\s*(?:years|yrs|months|%))",
    re.IGNORECASE,
)
_RETIRE_YEARS = re.compile(
    r"\bretir(?:e|ing|ement)\s+(?:in|within)\s+(?:about\s+|around\s+|roughly\s+|"
    rf"another\s+|the\s+next\s+)?(?P<n>{INT})\s+years?"
    rf"|\b(?P<n2>{INT})\s+years?\s+(?:from|until|till|to|away\s+from|before)\s+"
    r"(?:I\s+|we\s+)?retir(?:e|ement)"
    rf"|\b(?P<n3>{INT})\s+more\s+years?\s+(?:and|until|till|before)\b[^.;]*?\bretir",
    re.IGNORECASE,
)
_RETIRE_YEAR = re.compile(
    r"\bretir(?:e|ing|ement)\s+(?:in|by|around|before)\s+(?P<y>20\d\d)\b", re.IGNORECASE
)
_RETIRE_EARLY = re.compile(r"\bretire\s+early\b|\bearly\s+retirement\b", re.IGNORECASE)
_RETIRE_CUE = re.compile(
    r"\b(?:want|wants|wanna|plan|plans|planning|hope|hoping|hopes|goal|aim|aiming|"
    r"intend|intending|would\s+like|'d\s+like|dream|expect|expecting|looking)\b"
    r"[^.]*\b(?:retire|stop\s+working|quit\s+work|done\s+working|"
    r"out\s+of\s+the\s+work\s?force|hang\s+up\s+\w+\s+boots)\b",
    re.IGNORECASE,
)
_NOT_RETIRE = re.compile(
    r"\b(?:don't|do\s+not|doesn't|does\s+not|never|won't|not)\s+(?:\w+\s+)?"
    r"(?:to\s+)?retire\b",
    re.IGNORECASE,
)
# "Travel once I retire" names a time, not a goal of retiring.
_RETIRE_AS_TIME = re.compile(
    r"\b(?:once|when|after|before|until|till)\s+(?:i|we|he|she|they|you)\s+"
    r"(?:retire|retired|stop\s+working)\b",
    re.IGNORECASE,
)
_GOAL_CUE = re.compile(
    r"\b(?:need|needs|save|saving|saved|fund|funding|pay|paying|cover|covering|"
    r"set\s+aside|put\s+away|putting\s+(?:away|aside)|setting\s+aside|priority|"
    r"goal|want|wants|plan|planning|hope|hoping|like\s+to|"
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
_IN_529 = re.compile(
    r"\b(?:in|into|from|inside)\s+(?:my|our|his|her|their|the|your)\s+529(?:\s+plan)?\b",
    re.IGNORECASE,
)
_TARGET_YEAR = re.compile(
    r"\b(?:by|in|before|until|for|around)\s+(?:the\s+)?(?:fall\s+of\s+|spring\s+of\s+|"
    r"end\s+of\s+|start\s+of\s+|summer\s+of\s+)?(?P<y>20\d\d)\b",
    re.IGNORECASE,
)
_IN_YEARS = re.compile(
    rf"\b(?:in|within)\s+(?:about\s+|around\s+)?(?P<n>{INT})\s+years?\b", re.IGNORECASE
)
_HOME_GOAL = re.compile(
    r"\b(?:buy(?:ing)?|purchas(?:e|ing)|down\s*payment\s+(?:on|for)|save\s+(?:up\s+)?"
    r"for|saving\s+(?:up\s+)?(?:[$€£]?\d[\d,.]*\s*(?:k|thousand)?\s+)?(?:for|towards?)|"
    r"afford)\s+(?:a|an|our|my|the)?\s*(?:new\s+|first\s+|"
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


def _iso_year(year: int) -> str:
    """Return 1 January of ``year`` as an ISO date: a goal dated by year."""
    return date(year, 1, 1).isoformat()


def _years_later(moment: datetime | None, years: int) -> str | None:
    """Return the ISO date ``years`` after a message was sent, if its time is known."""
    # Without the message's own time there is no honest date: never use "today".
    if moment is None:
        return None
    day = moment.date()
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


# A sentence without one of these stems (lower case) states no goal: read no further.
MAY_STATE = (
    "retir",
    "workforce",
    "work force",
    "boots",
    "stop working",
    "quit work",
    "done working",
    "tuition",
    "college",
    "universit",
    "school",
    "educat",
    "529",
    "house",
    "home",
    "condo",
    "apartment",
    "flat",
    "cabin",
    "place",
    "propert",
    "payment",
    "wedding",
    "emergency",
    "rainy",
    "pay off",
    "pay down",
    "leave",
    "car",
    "boat",
    "rv",
    "motorhome",
    "truck",
    "travel",
    "trip",
    "donat",
    "give",
    "charit",
)


def read_goals(s: Sentence) -> None:
    """Read retirement, education, home and other goals."""
    text = s.text
    read_retirement(s)
    edu = _EDUCATION.search(text)
    if edu and _IN_529.search(text) and not _EDUCATION.search(_IN_529.sub(" ", text)):
        edu = None  # "200 VOO in my 529 plan" names an account, not a goal
    if (
        edu
        and _GOAL_CUE.search(text)
        and s.speaks_for_subject(edu.start(), "goal", family=True)
    ):
        amount, currency = money_in(text, bare=True)
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
        when = _goal_date(s, payload)
        parts = ["Needs" if amount else "Wants to fund"]
        if amount:
            parts.append(f"{format_money(amount, currency)} for")
        parts.append(f"{payload['beneficiary']}'s education" if who else "education")
        if when:
            parts.append(when)
        s.add("goal", key, " ".join(parts), payload, importance=0.8)
    home = _HOME_GOAL.search(text)
    if (
        home
        and not re.search(r"\b(?:bought|purchased|closed\s+on)\b", text, re.I)
        and (_GOAL_CUE.search(text) or "payment" in home.group(0).lower())
        and s.speaks_for_subject(home.start(), "goal")
    ):
        amount, currency = money_in(text, bare=True)
        payload = {"goal": "home purchase", "target_date": None, "amount": amount}
        if amount:
            payload["currency"] = currency
        when = _goal_date(s, payload)
        words = "Saving" if amount else "Wants"
        label = f"{words} to buy a {home.group('what').lower()}"
        if amount:
            label = f"Needs {format_money(amount, currency)} to buy a "
            label += home.group("what").lower()
        s.add(
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
        if not s.speaks_for_subject(m.start(), "goal", family=slug == "wedding"):
            continue
        if slug == "wedding" and re.search(r"\bour\s+wedding\b", text, re.I):
            continue
        amount, currency = money_in(text)
        payload = {"goal": goal, "target_date": None, "amount": amount}
        if amount:
            payload["currency"] = currency
        key = f"goal:{slug}"
        who = _BENEFICIARY.search(text)
        if slug == "wedding" and who:
            payload["beneficiary"] = who.group("rel").lower()
            key = f"goal:wedding:{payload['beneficiary']}"
        when = _goal_date(s, payload)
        label = f"Goal: {goal}"
        if amount:
            label += f", {format_money(amount, currency)}"
        s.add("goal", key, f"{label} {when}".strip(), payload, importance=0.7)


def _goal_date(s: Sentence, payload: dict) -> str:
    """Fill the payload's target date from the sentence; return it as words."""
    if m := _TARGET_YEAR.search(s.text):
        year = int(m.group("y"))
        payload["target_date"] = _iso_year(year)
        payload["target_year"] = year
        return f"by {year}"
    if m := _IN_YEARS.search(s.text):
        years = parse_int(m.group("n"))
        if years:
            payload["in_years"] = years
            payload["target_date"] = _years_later(s.occurred_at, years)
            return f"in {years} years"
    return ""


def read_retirement(s: Sentence) -> None:
    """Read a retirement goal: an age, a year, a number of years, or "early"."""
    text = s.text
    if not re.search(
        r"\bretir(?:e|ed|ing|ement)\b|\bstop\s+working\b|\bquit\s+work|\bdone\s+working|"
        r"\bout\s+of\s+the\s+work\s?force\b|\bhang\s+up\s+\w+\s+boots\b",
        text,
        re.I,
    ):
        return
    if _NOT_RETIRE.search(text):
        return
    text = _RETIRE_AS_TIME.sub(" ", text)
    age = _RETIRE_AGE.search(text)
    years = _RETIRE_YEARS.search(text)
    year = _RETIRE_YEAR.search(text)
    early = _RETIRE_EARLY.search(text)
    cue = _RETIRE_CUE.search(text)
    anchor_match = age or years or year or early or cue
    if anchor_match is None:
        return
    if not s.speaks_for_subject(anchor_match.start(), "goal"):
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
        n = parse_int(years.group("n") or years.group("n2") or years.group("n3"))
        if n:
            payload["in_years"] = n
            payload["target_date"] = _years_later(s.occurred_at, n)
            words = f"Plans to retire in {n} years"
    elif early:
        payload["early"] = True
        words += " early"
    amount, currency = money_in(text)
    payload["amount"] = amount
    if amount:
        payload["currency"] = currency
        words += f" with {format_money(amount, currency)}"
    s.add("goal", "goal:retirement", words, payload, importance=0.8)
