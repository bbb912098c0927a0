"""Time in questions: the stretch of time a question names, and whether it asks *when*.

Every turn has a moment (its session's date and time), so a question that names a
time ("in March", "last summer", "in 2023", "two months ago") can favour the turns
said then. Times relative to the present are read against the subject's latest turn,
the conversation's own "now" (an imported history may end long before today). A
month or season without a year is its latest occurrence up to that moment.

A question asking *when* something happened is answered by a turn that places it in
time ("we got back yesterday", "the wedding is on Saturday", "in May"), so such turns
are favoured among those that match the question's words.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Northern-hemisphere meteorological seasons: their first month and length.
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "a couple of": 2,
    "couple of": 2,
    "three": 3,
    "few": 3,
    "a few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEASON_NAMES = "|".join(SEASONS)
_COUNT = r"(\d+|a couple of|couple of|a few|few|an?|one|two|three|four|five|six)"

# "in March 2023", "March of 2023", "last March", "this May", "in May"
_MONTH = re.compile(
    rf"\b(?:(last|this|past)\s+)?({_MONTH_NAMES})\b\.?(?:\s*(?:of\s+|,\s*)?((?:19|20)\d\d))?"
)
_SEASON = re.compile(
    rf"\b(?:(last|this|past)\s+)?({_SEASON_NAMES})\b(?:\s*(?:of\s+)?((?:19|20)\d\d))?"
)
_YEAR = re.compile(r"\b(?:in|during|of|since)\s+((?:19|20)\d\d)\b")
_RELATIVE = re.compile(r"\b(last|this|past|previous)\s+(week|month|year)\b")
_AGO = re.compile(rf"\b{_COUNT}\s+(day|week|month|year)s?\s+ago\b")
_RECENT = re.compile(r"\b(recently|lately|these days|nowadays)\b")
# Words of a question that asks for a time.
_ASKS_WHEN = re.compile(
    r"^\s*when\b|\bwhen (did|was|were|is|will|does|do|has|had)\b|"
    r"\bwhat (date|day|month|year|time of year)\b|\bhow long ago\b|\bsince when\b|"
    r"\bwhich (day|month|year|week)\b"
)
# What a turn that places something in time says.
TIME_WORDS = (
    r"\m(yesterday|today|tonight|tomorrow|weekend|week|month|year|ago|"
    r"morning|afternoon|evening|night|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r"|"
    r"spring|summer|autumn|fall|winter|christmas|easter|thanksgiving|birthday|"
    r"anniversary|holiday|holidays|(19|20)[0-9][0-9]|[0-9]{1,2}(st|nd|rd|th))\M"
)

# Words of a question about what was true before a change, or what is true now.
_EARLIER = re.compile(
    r"\b(before|previously|previous|originally|original|initially|initial|"
    r"at first|first|used to|prior|formerly|former|earlier|old)\b"
)
_LATER = re.compile(
    r"\b(now|currently|current|latest|today|nowadays|these days|still|"
    r"most recent|anymore|any more|new|after|since)\b"
)


@dataclass(frozen=True)
class Window:
    """A stretch of time a question names: ``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime


def asks_when(query: str) -> bool:
    """Whether the question asks for a time ("When did...", "what year...")."""
    return bool(_ASKS_WHEN.search((query or "").lower()))


def time_direction(query: str) -> int:
    """Return -1 for a question about what was true before, 1 for what is true
    now, 0 for neither (or both: "what did she hold before, and now?")."""
    text = (query or "").lower()
    earlier, later = bool(_EARLIER.search(text)), bool(_LATER.search(text))
    return later - earlier


def needs_anchor(query: str) -> bool:
    """Whether the question names a time at all (and so needs the subject's now)."""
    text = (query or "").lower()
    return any(
        pattern.search(text)
        for pattern in (_MONTH, _SEASON, _YEAR, _RELATIVE, _AGO, _RECENT)
    )


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _month_start(year: int, month: int) -> date:
    year += (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _months(year: int, month: int, count: int) -> Window:
    return Window(
        _day(_month_start(year, month)), _day(_month_start(year, month + count))
    )


def _latest(month: int, anchor: date, *, before: bool) -> int:
    """Return the year of the latest ``month`` up to the anchor (before it, for
    "last March" said in March)."""
    if month < anchor.month or (month == anchor.month and not before):
        return anchor.year
    return anchor.year - 1


def time_windows(query: str, anchor: datetime) -> list[Window]:
    """Return the stretches of time the question names, read against ``anchor``.

    ``anchor`` is the subject's present: its latest turn. Returns ``[]`` when the
    question names no time.
    """
    text = (query or "").lower()
    today = anchor.astimezone(UTC).date()
    windows: list[Window] = []
    named: list[tuple[int, int]] = []  # where a month or season took its year
    for match in _MONTH.finditer(text):
        which, name, year = match.groups()
        # "may" is also a verb: only a month when a year or "in"/"last" says so.
        if name == "may" and not (year or which or _preceded_by(text, match, "in")):
            continue
        month = MONTHS[name]
        named.append(match.span())
        if year:
            windows.append(_months(int(year), month, 1))
        else:
            before = which in ("last", "past")
            windows.append(_months(_latest(month, today, before=before), month, 1))
    for match in _SEASON.finditer(text):
        which, name, year = match.groups()
        first = SEASONS[name]
        named.append(match.span())
        if year:
            # Winter 2023 is December 2023 to February 2024.
            windows.append(_months(int(year), first, 3))
        else:
            before = which in ("last", "past")
            start_year = _latest(first, today, before=before)
            if first == 12 and today.month < 3 and which != "last":
                start_year = today.year - 1  # this winter began last December
            windows.append(_months(start_year, first, 3))
    for match in _YEAR.finditer(text):
        if any(start <= match.start(1) < end for start, end in named):
            continue
        windows.append(_months(int(match.group(1)), 1, 12))
    for match in _RELATIVE.finditer(text):
        which, unit = match.groups()
        windows.append(_relative(which, unit, today))
    for match in _AGO.finditer(text):
        count, unit = match.groups()
        amount = int(count) if count.isdigit() else NUMBERS[count]
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
        # About then: a quarter of the distance either side, at least a few days.
        slack = max(3, days // 4)
        middle = today - timedelta(days=days)
        windows.append(
            Window(
                _day(middle - timedelta(days=slack)),
                _day(middle + timedelta(days=slack + 1)),
            )
        )
    if _RECENT.search(text) and not windows:
        windows.append(Window(_day(today - timedelta(days=90)), _day(today) + _ONE))
    return windows


_ONE = timedelta(days=1)


def _preceded_by(text: str, match: re.Match, word: str) -> bool:
    return text[: match.start()].rstrip().endswith(word)


def _relative(which: str, unit: str, today: date) -> Window:
    back = 0 if which == "this" else 1
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) - timedelta(weeks=back)
        return Window(_day(monday), _day(monday + timedelta(weeks=1)))
    if unit == "month":
        return _months(today.year, today.month - back, 1)
    return _months(today.year - back, 1, 12)


def subject_now(*, subject, as_of: datetime | None = None) -> datetime:
    """Return the subject's present: the moment of its latest turn (up to ``as_of``).

    Without turns it is the present itself (or ``as_of``).
    """
    from django.db.models import Max
    from django.utils import timezone

    from memory.models import Memory, MemoryKind

    episodes = Memory.objects.filter(subject=subject, kind=MemoryKind.EPISODE)
    if as_of is not None:
        episodes = episodes.filter(valid_from__lte=as_of)
    latest = episodes.aggregate(latest=Max("valid_from"))["latest"]
    return latest or as_of or timezone.now()
