"""Preferences: what the subject likes and avoids, and when they take it back.

"No tobacco or weapons stocks", "I prefer dividend payers", "keep me out of Altria
and Philip Morris": each sector or instrument listed after a trigger is its own slot,
so one exclusion can be lifted later without the others.
"""

import re

from ..speakers import Person, speaks_for_subject
from .sectors import sector_at
from .sentence import ASSERT, RETRACT, Sentence

_AVOID_TRIGGER = re.compile(
    r"\b(?:no|avoid(?:s|ing)?|(?:don't|do\s+not|doesn't|does\s+not)\s+want(?:\s+to\s+"
    r"(?:own|hold|invest\s+in|buy|touch|have))?|stay(?:s|ing)?\s+away\s+from|"
    r"keep\s+(?:me|us|it|them|him|her|my\s+money|our\s+money|his\s+money|"
    r"her\s+money|their\s+money)\s+out\s+of|exclud(?:e|es|ing)|"
    r"nothing\s+in|(?:not|never)\s+(?:comfortable|interested|okay|ok|fine)\s+"
    r"(?:with|in|owning|holding|investing\s+in|buying)|(?:won't|will\s+not|would\s+never|never|refuses?\s+to)\s+"
    r"(?:invest\s+in|own|touch|buy|hold)|hate|hates|(?:don't|do\s+not|doesn't)\s+like|"
    r"dislike|dislikes|uncomfortable\s+with|steer\s+clear\s+of|screen\s+out|"
    r"divest\s+from|get\s+(?:me|us|him|her|them)\s+out\s+of|"
    r"(?:can't|cannot|can\s+not)\s+stand|(?:want|wants)\s+(?:zero|none\s+of)|"
    r"(?:am|'m|is|'s|are|'re)\s+(?:totally\s+|firmly\s+|dead\s+)?against|"
    r"(?:am|'m|is|'s|are|'re)\s+not\s+(?:really\s+)?into|objects?\s+to|"
    r"ethical\s+(?:concerns|qualms|objections|issues)\s+(?:about|with|to)|"
    r"(?:want|wants)\s+nothing\s+to\s+do\s+with|"
    r"(?:feel|feels)\s+(?:uneasy|uncomfortable|queasy|bad)\s+about|"
    r"not\s+(?:a\s+(?:big\s+|huge\s+)?fan\s+of|keen\s+on)|"
    r"despise|despises|detest|detests|loathe|loathes|"
    r"(?:'d|would)\s+rather\s+not\s+(?:have|own|hold|invest\s+in|touch|buy)|"
    r"(?:am|'m|is|'s|are|'re)\s+(?:very\s+|really\s+|a\s+bit\s+)?wary\s+of|"
    r"values\s+rule\s+out|(?:refuse|refuses)\s+to\s+(?:own|hold|buy|touch)|"
    r"(?:'d|would)\s+never\s+put\s+(?:any\s+)?(?:money|cash)\s+into|"
    r"(?:won't|will\s+not|wouldn't)\s+go\s+near|"
    r"(?:don't|doesn't|do\s+not|does\s+not)\s+trust|"
    r"(?:have|has)\s+(?:a\s+)?(?:real\s+|big\s+)?problem\s+with|"
    r"(?:morally|ethically|fundamentally)\s+opposed\s+to|"
    r"(?:'ve|have|has|'s)\s+sworn\s+off|under\s+no\s+circumstances)\b",
    re.IGNORECASE,
)
_LIKE_TRIGGER = re.compile(
    r"\b(?:(?:'d|would)\s+like\s+(?:more\s+|some\s+|extra\s+)?(?:exposure\s+to|"
    r"to\s+(?:own|hold|add|invest\s+in|focus\s+on))|"
    r"(?:'d|would)\s+(?:like|love)\s+(?:more|some\s+more|extra)\b|"
    r"prefer(?:s|red)?|like|likes|love|loves|adore|adores|drawn\s+to|"
    r"cares?\s+(?:a\s+lot\s+)?about|passionate\s+about|"
    r"want(?:s)?\s+(?:more|exposure\s+to|"
    r"to\s+(?:own|hold|invest\s+in|add|focus\s+on))|(?:am|'m|are|'re|is|'s)\s+(?:really\s+|"
    r"very\s+)?(?:interested\s+in|keen\s+on|a\s+(?:big\s+)?fan\s+of|into)|"
    r"favou?rs?|focus\s+on|lean(?:s|ing)?\s+(?:towards?|into)|tilt(?:ed)?\s+towards?|"
    r"(?:more|extra)\s+exposure\s+to|"
    r"(?:feel|feels)\s+(?:good|great|positive)\s+about|"
    r"(?:am|'m|is|'s|are|'re)\s+(?:really\s+|very\s+|quite\s+)?(?:excited|"
    r"enthusiastic)\s+about|a\s+(?:big\s+|great\s+|firm\s+)?believer\s+in|"
    r"(?:enjoy|enjoys)\s+(?:owning|holding|investing\s+in)|"
    r"keen\s+to\s+(?:add|own|buy|hold)|"
    r"(?:'ve|have|has|'s)\s+always\s+(?:liked|loved)|a\s+(?:real\s+|total\s+)?"
    r"sucker\s+for|gravitates?\s+towards?|(?:'d|would)\s+(?:like|love)\s+to\s+see\s+"
    r"more|(?:am|'m|is|'s|are|'re)\s+all\s+for|(?:want|wants)\s+to\s+support)\b",
    re.IGNORECASE,
)
_RETRACT_AVOID = re.compile(
    r"\b(?:(?:am|'m|’m|are|'re|’re|is)\s+(?:now\s+|actually\s+)?(?:okay|ok|fine|"
    r"comfortable|alright|good|happy)\s+(?:with|to\s+(?:own|hold|invest\s+in|include|"
    r"have))|no\s+longer\s+(?:avoid|exclude|mind|object\s+to|against|want\s+to\s+"
    r"avoid|need\s+to\s+avoid|avoids|excludes)|(?:don't|do\s+not|don’t|doesn't|does\s+not)"
    r"\s+mind|(?:can|could)\s+(?:now\s+)?"
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
# A feeling said after what it is about: "casinos make me uncomfortable".
_AVOID_AFTER = re.compile(
    r"\b(?:makes?|made)\s+(?:me|him|her|us|them)\s+(?:really\s+|very\s+|so\s+)?"
    r"(?:uncomfortable|nervous|uneasy|queasy|anxious)\b|"
    r"\b(?:isn't|aren't|is\s+not|are\s+not)\s+(?:really\s+)?for\s+(?:me|him|her|us|"
    r"them)\b|"
    r"\b(?:isn't|aren't|is\s+not|are\s+not)\s+something\s+(?:i|we|he|she|they)"
    r"(?:'d|\s+would)\s+(?:invest\s+in|own|buy|touch)\b|"
    r"\b(?:is|are)\s+off[- ]limits\b|"
    r"\b(?:is|are|'s|'re)\s+a\s+no[- ]go\b|"
    r"\b(?:is|are|'s|'re)\s+off\s+the\s+table\b|"
    r"\b(?:is|are|isn't|aren't)\s+(?:not\s+)?(?:really\s+)?(?:my|his|her|our|their)\s+"
    r"cup\s+of\s+tea\b|"
    r"^\W*(?:absolutely|definitely|certainly)\s+not\W*$|"
    r"^\W*(?:i|we|he|she|they)\s+(?:really\s+)?(?:hate|hates|dislike|dislikes|"
    r"can't\s+stand)\s+(?:them|it|those)\b",
    re.IGNORECASE,
)
# A like said after what it is about: "tech is my thing".
_LIKE_AFTER = re.compile(
    r"\b(?:is|are|'s|'re)\s+(?:really\s+|very\s+much\s+)?(?:my|his|her|our|their)\s+"
    r"(?:thing|jam|cup\s+of\s+tea)\b|"
    r"\b(?:matters?|is\s+important|are\s+important)\s+(?:a\s+lot\s+|so\s+much\s+)?"
    r"to\s+(?:me|him|her|us|them)\b|"
    r"\b(?:appeal|appeals)\s+to\s+(?:me|him|her|us|them)\b|"
    r"\b(?:excite|excites)\s+(?:me|him|her|us|them)\b|"
    r"\bclose\s+to\s+(?:my|his|her|our|their)\s+heart\b|"
    r"^\W*(?:i\s+|we\s+)?(?:love|adore)\s+(?:them|it|those)\W*$|"
    r"[—–-]\s*(?:i|we|he|she|they)\s+(?:really\s+)?(?:love|loves|like|likes|adore|"
    r"adores)\s+(?:that|this|those|them|it)\b",
    re.IGNORECASE,
)
# "Leave bitcoin out, please": what is between "leave" and "out" is excluded.
_LEAVE_OUT = re.compile(
    r"\b(?:leave|keep)\s+(?P<items>[\w\s&,/-]{2,60}?)\s+out\b(?!\s+of\b)", re.I
)
# "Not tobacco companies, please", "More wind power, please": the ask, in a word.
_SAID_WITH_PLEASE = re.compile(
    r"^\W*(?:(?:so|oh|also|and|for\s+what\s+it's\s+worth)\W+)*(?P<how>not|more)\s+"
    r"(?=[^.]*,?\s*please\W*$)",
    re.IGNORECASE,
)
_USED_TO = re.compile(r"\bused\s+to\s+$", re.IGNORECASE)
_HELD_BEFORE = re.compile(
    r"\b(?:have|has|had|own|owns|hold|holds|'ve\s+got|'s\s+got|have\s+got|"
    r"has\s+got)\s+$",
    re.IGNORECASE,
)
_LIST_FILLER = re.compile(
    r"(?:\s+|,|\b(?:any|more|the\s+idea\s+of|the|in|of|exposure\s+to|anything\s+(?:in|to\s+do\s+with)|"
    r"companies\s+(?:in|that\s+(?:make|sell|pay))|stocks\s+in|investing\s+in|"
    r"investments\s+in|owning|holding|buying|some|other|big|high(?![- ]yield)|good|"
    r"please|"
    r"at\s+all|whatsoever|either)\b)*",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(
    r"\s*(?:,\s*(?:and|or|nor)?|\bor\b|\band\b|\bnor\b|/|&|\+|\bplus\b)\s*",
    re.IGNORECASE,
)


def _items_after(s: Sentence, pos: int) -> list[tuple[str, str]]:
    """Return the (sort, name) items listed from ``pos``: sectors and symbols."""
    text = s.text
    starts = {m.start: m for m in s.mentions}
    items: list[tuple[str, str]] = []
    while True:
        pos = _LIST_FILLER.match(text, pos).end()
        mention = starts.get(pos)
        if mention is not None:
            items.append(("instrument", mention.symbol))
            pos = mention.end
        elif sector := sector_at(text, pos):
            items.append(("sector", sector[0]))
            pos = sector[1]
        else:
            break
        join = _LIST_JOIN.match(text, pos)
        if not join:
            break
        pos = join.end()
    return items


def _items_in(s: Sentence, start: int, end: int) -> list[tuple[str, str]]:
    """Return the sectors and instruments named between two points of a sentence."""
    text, items, pos = s.text, [], start
    starts = {m.start: m for m in s.mentions}
    while pos < end:
        mention = starts.get(pos)
        if mention is not None and mention.end <= end:
            items.append(("instrument", mention.symbol))
            pos = mention.end
            continue
        at_word = pos == 0 or not text[pos - 1].isalnum()
        sector = sector_at(text, pos) if at_word else None
        if sector and sector[1] <= end:
            items.append(("sector", sector[0]))
            pos = sector[1]
            continue
        pos += 1
    return list(dict.fromkeys(items))


def read_preferences(s: Sentence) -> None:
    """Read likes and exclusions, and their retractions ("I'm okay with oil now")."""
    text = s.text
    retracted: set[tuple[str, str]] = set()
    for match in _RETRACT_AVOID.finditer(text):
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        for item in _items_after(s, match.end()):
            retracted.add(item)
            _add_preference(s, item, "avoids", action=RETRACT)
    for match in _RETRACT_LIKE.finditer(text):
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        for item in _items_after(s, match.end()):
            _add_preference(s, item, "likes", action=RETRACT)
    for match in _AVOID_AFTER.finditer(text):
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        # "Casinos? I hate them.": what "them" stands for was said just before.
        items = _items_in(s, 0, match.start()) or _items_in(
            Sentence.like(s, s.before), 0, len(s.before)
        )
        for item in items:
            if item not in retracted:
                _add_preference(s, item, "avoids", confidence=0.8)
    for match in _LEAVE_OUT.finditer(text):
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        for item in _items_in(s, match.start("items"), match.end("items")):
            _add_preference(s, item, "avoids", confidence=0.8)
    if (start := _SAID_WITH_PLEASE.match(text)) and s.speaks_for_subject(
        0, "preference"
    ):
        polarity = "avoids" if start.group("how").lower() == "not" else "likes"
        for item in _items_after(s, start.end()):
            if item not in retracted:
                _add_preference(s, item, polarity, confidence=0.8)
    for match in _LIKE_AFTER.finditer(text):
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        # "Dividend payers? Love them.": what "them" is was said just before.
        items = _items_in(s, 0, match.start()) or _items_in(
            Sentence.like(s, s.before), 0, len(s.before)
        )
        for item in items:
            _add_preference(s, item, "likes", confidence=0.8)
    for match in _AVOID_TRIGGER.finditer(text):
        if re.match(r"no\s+(?:longer|more)\b", text[match.start() :], re.I):
            continue  # "no more Deere: sold it" is a trade
        if _USED_TO.search(text[: match.start()]):
            continue  # "I used to hate bonds": no longer so
        # "I have no Prologis" says what is not held, not what is avoided.
        if re.match(r"no\b", text[match.start() :], re.I) and _HELD_BEFORE.search(
            text[: match.start()]
        ):
            continue
        if not s.speaks_for_subject(match.start(), "preference"):
            continue
        for item in _items_after(s, match.end()):
            if item not in retracted:
                confidence = 0.6 if item[0] == "instrument" else 0.8
                _add_preference(s, item, "avoids", confidence=confidence)
    for match in _LIKE_TRIGGER.finditer(text):
        before = text[: match.start()]
        if re.search(r"(?:\bnot|n't|no\s+longer|would|'d)\s+$", before, re.I):
            continue
        subject = s.subject_at(match.start())
        if not speaks_for_subject(s.role, subject, "preference"):
            continue
        # "like" as a verb needs a speaker ("I like"), not "stocks like Apple".
        if subject == Person.NONE and not re.fullmatch(r"\W*", before):
            continue
        for item in _items_after(s, match.end()):
            confidence = 0.6 if item[0] == "instrument" else 0.8
            _add_preference(s, item, "likes", confidence=confidence)


def _add_preference(s: Sentence, item, polarity, *, action=ASSERT, confidence=0.8):
    """Propose a like or an exclusion of one sector or instrument."""
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
    s.add(
        "preference",
        key,
        text,
        payload,
        action=action,
        confidence=confidence,
        importance=0.7,
    )
