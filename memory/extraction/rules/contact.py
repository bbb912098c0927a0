"""Contact: how and when the subject wants to be reached.

"I prefer email", "no phone calls, please", "call me after work", "meetings
early in the day work best": a preference whose topic is the channel (email,
phone, text, video, in person) or the time of day (mornings, afternoons,
evenings), with no sector or instrument. Each channel and time is its own slot,
so "no calls" and "email is best" stand side by side.

A channel word alone says nothing ("my call on Apple", "the text of the
filing"): a sentence must say how the subject feels about it.
"""

import re

from .sentence import Sentence

_CHANNELS = [
    ("email", r"e-?mails?|emailing|by\s+e-?mail"),
    (
        "phone",
        r"phone\s+calls?|(?:by|over\s+the|on\s+the|the)\s+(?:tele)?phone|telephone|"
        r"(?<!video\s)(?<!teams\s)calls\b(?!\s+on\b)",
    ),
    ("text", r"text\s+messages?|texts\b|texting|by\s+text|sms"),
    (
        "video",
        r"video\s+(?:calls?|chats?|meetings?|conferenc\w*)|teams\s+(?:calls?|"
        r"meetings?)|by\s+video",
    ),
    ("in person", r"in[- ]person(?:\s+meetings?)?|face[- ]to[- ]face(?:\s+meetings?)?"),
]
_TIMES = [
    (
        "mornings",
        r"(?:in\s+the\s+)?mornings?|early\s+in\s+the\s+day|before\s+(?:noon|lunch)",
    ),
    ("afternoons", r"(?:in\s+the\s+)?afternoons?|after\s+lunch"),
    ("evenings", r"(?:in\s+the\s+)?evenings?|after\s+work|after\s+hours"),
]
_CHANNEL_RES = [
    (topic, re.compile(rf"\b(?:{alts})", re.I)) for topic, alts in _CHANNELS
]
_TIME_RES = [(topic, re.compile(rf"\b(?:{alts})\b", re.I)) for topic, alts in _TIMES]
# A time of day is a contact preference only beside a word for meeting or calling.
_MEETS = re.compile(
    r"\b(?:meet(?:ing)?s?|call|ring|reach|contact(?:ed)?|catch\s+up|appointments?|"
    r"reviews?|get\s+hold\s+of)\b",
    re.I,
)
_AVOID_CUE = re.compile(
    r"\b(?:not\s+by|never\s+by|hate|hates|dislike|dislikes|avoid|avoids|"
    r"(?:don't|doesn't|do\s+not|does\s+not)\s+(?:like|want|do)|"
    r"(?:'d|would)\s+rather\s+not|(?:can't|cannot)\s+stand|stop|"
    r"never\s+(?:answer|answers|pick\s+up|picks\s+up|respond|responds|reply|replies|"
    r"read|reads|check|checks)|(?:don't|do\s+not)\s+bother\s+with)\b",
    re.I,
)
# "No email, please", "no more phone calls": "no" right before the channel.
_NO_CHANNEL = re.compile(r"\bno\s+(?:more\s+)?$", re.I)
_LIKE_CUE = re.compile(
    r"\b(?:prefer|prefers|preferred|(?:'d|would)\s+rather(?!\s+not)|best|"
    r"use\b(?=.*\bto\s+(?:reach|contact|get\s+hold\s+of))|like|likes|love|loves|"
    r"easiest|way\s+to\s+(?:get\s+hold\s+of|reach)|"
    r"(?:respond|responds|reply|replies)\s+(?:fastest|quickest|best)\s+to|"
    r"(?:call|ring|reach|contact|email|text)\s+(?:me|him|her|them|us)\b"
    r"(?!\s+(?:back|about|later|tomorrow|today|now)\b))",
    re.I,
)
# "Email, please." (an answer, or a request in a word): the channel is wanted.
_PLEASE_ALONE = re.compile(r"^\W*(?:by\s+)?[\w\s-]{2,30}?,?\s+please\W*$", re.I)
# Options ("calls over puts") and trades are no way of being reached.
_NOT_CONTACT = re.compile(r"\b(?:puts?|options?|strike|expiry|premium)\b", re.I)
# Words that may name a channel or a time: most sentences name none.
MAY_STATE = (
    "mail", "phone", "call", "text", "sms", "video", "teams", "person", "face",
    "morning", "afternoon", "evening", "early in the day", "after lunch",
    "after work", "before noon", "after hours",
)  # fmt: skip


def read_contact(s: Sentence) -> None:
    """Read how and when the subject wants to be reached, and what to avoid."""
    text = s.text
    if not text.strip() or s.mentions:
        return  # "my call on Apple", "Apple's phone": about an instrument
    found = [(t, m) for t, pattern in _CHANNEL_RES if (m := pattern.search(text))]
    if _MEETS.search(text):
        found += [(t, m) for t, pattern in _TIME_RES if (m := pattern.search(text))]
    if not found:
        return
    if _NOT_CONTACT.search(text):
        return
    avoid = _AVOID_CUE.search(text) or next(
        (m for _, m in found if _NO_CHANNEL.search(text[: m.start()])), None
    )
    like = _LIKE_CUE.search(text) or _PLEASE_ALONE.match(text)
    cue = avoid or like
    if cue is None or not s.speaks_for_subject(cue.start(), "preference"):
        return
    polarity = "avoids" if avoid else "likes"
    for topic, _ in found:
        _add_contact(s, topic, polarity)


def _add_contact(s: Sentence, topic: str, polarity: str) -> None:
    verb = "avoid" if polarity == "avoids" else "like"
    payload = {
        "topic": topic,
        "polarity": polarity,
        "instruments": [],
        "sectors": [],
    }
    said = "Prefers not to be contacted by" if verb == "avoid" else "Prefers contact by"
    if topic in ("mornings", "afternoons", "evenings"):
        said = "Prefers meetings and calls in the"
        text = f"{said} {topic[:-1]}"
    else:
        text = f"{said} {topic}"
    s.add(
        "preference",
        f"preference:{verb}:contact:{topic.replace(' ', '_')}",
        text,
        payload,
        confidence=0.8,
        importance=0.5,
    )
