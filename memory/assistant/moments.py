"""The moment a question means by "since": a date, "last week", the last meeting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from memory.recall.temporal import MONTHS

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY = re.compile(
    rf"\b(?:({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?"
    rf"\s+(?:of\s+)?({_MONTH})\.?)(?:,?\s+(\d{{4}}))?\b",
    re.IGNORECASE,
)
_MONTH_ONLY = re.compile(rf"\b({_MONTH})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_AGO = re.compile(r"\b(\d+|a|an|one|two|three)\s+(day|week|month|year)s?\s+ago\b", re.I)
_LAST = re.compile(r"\b(?:last|past|previous)\s+(day|week|month|quarter|year)\b", re.I)
_LAST_MEETING = re.compile(
    r"\b(?:(?:since|after)\s+(?:the|our|my|his|her|their)\s+"
    r"(?:last|previous|latest)\s+(?:meeting|call|review|session|conversation)"
    r"|since\s+(?:we|i)\s+last\s+(?:met|spoke|talked))\b",
    re.IGNORECASE,
)
WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}


def means_last_meeting(text: str) -> bool:
    """Tell whether a question asks about the time since the last meeting."""
    return bool(_LAST_MEETING.search(text))


def _dated(year: int, month: int, day: int, now: datetime) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def _in_the_past(moment: datetime | None, now: datetime) -> datetime | None:
    """A date said without its year is the last one that has come."""
    if moment is not None and moment > now:
        return moment.replace(year=moment.year - 1)
    return moment


def moment_named(text: str, *, now: datetime) -> datetime | None:
    """Return the moment a text names after "since", or None if it names none."""
    if match := _ISO.search(text):
        return _dated(*(int(group) for group in match.groups()), now)
    if match := _MONTH_DAY.search(text):
        name = (match.group(1) or match.group(4)).lower().rstrip(".")
        day = int(match.group(2) or match.group(3))
        year = match.group(5)
        moment = _dated(int(year) if year else now.year, MONTHS[name], day, now)
        return moment if year else _in_the_past(moment, now)
    if match := _AGO.search(text):
        amount = match.group(1).lower()
        count = WORD_NUMBERS.get(amount) or int(amount)
        return now - timedelta(days=count * UNIT_DAYS[match.group(2).lower()])
    if match := _LAST.search(text):
        return now - timedelta(days=UNIT_DAYS[match.group(1).lower()])
    if re.search(r"\byesterday\b", text, re.IGNORECASE):
        return (now - timedelta(days=1)).replace(hour=0, minute=0, second=0)
    if match := _MONTH_ONLY.search(text):
        name = match.group(1).lower().rstrip(".")
        if (
            name == "may"
            and not match.group(2)
            and not re.search(r"\bsince\s+may\b", text, re.IGNORECASE)
        ):
            return None  # "may" is usually the verb
        year = match.group(2)
        moment = _dated(int(year) if year else now.year, MONTHS[name], 1, now)
        return moment if year else _in_the_past(moment, now)
    return None
