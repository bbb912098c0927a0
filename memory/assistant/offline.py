"""The offline composer: clear, brief answers from memory and stored quotes, no model.

It recognises what is asked — what the subject holds and what it is worth now,
their risk profile, goals and preferences, how a view is doing against its
target, what changed since a date or since the last meeting, a quote, or a
meeting-prep brief — and answers from the grounding alone. A statement (not a
question) is acknowledged: extraction turns it into memory after the turn. When
it does not know, it says so and shows the closest memories. Every price says
how old its quote is, and "simulated" when it is.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from market.models import QuoteSource
from market.selectors import latest_quotes
from memory.extraction.tickers import TickerResolver
from memory.models import Memory, MemoryKind
from memory.readings.reading import age_text

from .composer import Composition, ReplyFailed
from .grounding import Grounding
from .moments import means_last_meeting, moment_named
from .tools import MemoryTools
from .wording import bullets, day, market_line, money, quote_note, quoted

AUTHOR = "offline-composer/1"

_PATTERNS = {
    "prep": r"\b(meeting[- ]prep|prep(are)?|brief(ing)?|before (the|our|my) "
    r"(meeting|call|review)|get me ready|catch me up)\b",
    "changes": r"\b(what('s| has| have)? changed|changes|anything new|what'?s new"
    r"|updates? since|since)\b",
    "views": r"\b(views?|target|bullish|bearish|thesis|outlook|stance|call on)\b",
    "preferences": r"\b(prefer(s|red|ence|ences)?|avoid(s|ed)?|exclu(de|des|sions?)"
    r"|esg|likes?|dislikes?|rather not|won'?t (own|buy)|values)\b",
    "profile": r"\b(risk|tolerance|profile|horizon|kyc|net worth|income|appetite)\b",
    "holdings": r"\b(hold(s|ing|ings)?|own(s|ed)?|portfolio|positions?|worth|value"
    r"|invested|exposure|shares|stake)\b",
    "goals": r"\b(goals?|retire(ment|s)?|plans?|planning|objectives?|saving|save"
    r"|tuition|wants?|aims?|hopes?)\b",
    "quote": r"\b(price|trading|quote|how much is|cost)\b",
}
_INTENTS = {
    name: re.compile(pattern, re.IGNORECASE) for name, pattern in _PATTERNS.items()
}
_QUESTION = re.compile(
    r"^\s*(what|what's|whats|how|which|who|when|where|why|does|do|did|is|are|was"
    r"|were|can|could|should|would|will|has|have|tell me|show me|give me|list"
    r"|summari[sz]e|remind me|prep|brief|any)\b",
    re.IGNORECASE,
)


@cache
def _resolver() -> TickerResolver:
    return TickerResolver()


def intent_of(text: str) -> str:
    """Return what a turn asks for: one of ``_PATTERNS``, "statement" or "unknown"."""
    if not (text.strip().endswith("?") or _QUESTION.search(text)):
        return "statement"
    for name, pattern in _INTENTS.items():
        if name == "holdings" and re.search(r"\bnet worth\b", text, re.IGNORECASE):
            continue
        if pattern.search(text):
            return name
    return "unknown"


def symbols_named(text: str, grounding: Grounding) -> set[str]:
    """Return the instruments a question names, by symbol or company name."""
    symbols = {mention.symbol for mention in _resolver().find(text)}
    for memory in grounding.standing:
        symbol = str((memory.payload or {}).get("instrument") or "")
        if symbol and re.search(rf"\b{re.escape(symbol)}\b", text, re.IGNORECASE):
            symbols.add(symbol.upper())
    return symbols


class _Answer:
    """A reply being written: its lines, and the memories it cites."""

    def __init__(self, grounding: Grounding):
        self.grounding = grounding
        self.lines: list[str] = []
        self.cited: list[int] = []

    def say(self, line: str) -> None:
        self.lines.append(line)

    def cite(self, memories) -> None:
        for memory in memories:
            if memory.pk not in self.cited:
                self.cited.append(memory.pk)

    def listing(self, memories: list[Memory]) -> str:
        """Return memories as bullets, market ones with their readings; cite them."""
        self.cite(memories)
        freshness = self.grounding.freshness_of(memories)
        return bullets(
            [market_line(memory, freshness.get(memory.pk)) for memory in memories]
        )

    def text(self) -> str:
        return "\n".join(line for line in self.lines if line is not None).strip()


class OfflineComposer:
    """Answer from the grounding alone: no model, no network."""

    name = "offline"

    def compose(self, grounding: Grounding, *, tools: MemoryTools) -> Composition:
        intent = intent_of(grounding.message.text)
        answer = _Answer(grounding)
        handler = getattr(self, f"_{intent}")
        handler(answer)
        text = answer.text()
        if not text:
            raise ReplyFailed("the offline composer had nothing to say")
        return Composition(text=text, cited=answer.cited, author=AUTHOR)

    # --- what is asked ---------------------------------------------------------

    def _subject_line(self, answer: _Answer, what: str) -> str:
        g = answer.grounding
        if g.speaks_for_self:
            return f"Your {what}:"
        return f"{g.name}'s {what}:"

    def _holdings(self, answer: _Answer) -> None:
        g = answer.grounding
        holdings = g.of_kind(MemoryKind.HOLDING)
        named = symbols_named(g.message.text, g)
        chosen = [
            h for h in holdings if str(h.payload.get("instrument", "")).upper() in named
        ]
        if named and not chosen:
            self._quote(answer, note_not_held=True)
            return
        chosen = chosen or holdings
        if not chosen:
            self._not_known(answer, f"I have no holdings recorded for {g.name}.")
            return
        answer.say(self._subject_line(answer, "holdings"))
        answer.say(answer.listing(chosen))
        total = _total_value(chosen)
        if total and len(chosen) > 1:
            answer.say(f"Together worth {money(total)} at these prices.")

    def _views(self, answer: _Answer) -> None:
        g = answer.grounding
        named = symbols_named(g.message.text, g)
        views = g.of_kind(MemoryKind.VIEW)
        house = [
            hit.memory
            for hit in g.hits
            if hit.memory.kind == MemoryKind.VIEW
            and hit.memory.subject_id != g.subject.pk
        ]
        if named:
            views = [v for v in views if _instrument(v) in named]
            house = [v for v in house if _instrument(v) in named]
        if not views and not house:
            self._not_known(answer, f"I have no open views recorded for {g.name}.")
            return
        if views:
            answer.say(self._subject_line(answer, "views"))
            answer.say(answer.listing(views))
        if house:
            answer.say("The firm's house views:")
            answer.say(answer.listing(house))

    def _kind_listing(self, answer: _Answer, kind: str, what: str) -> None:
        g = answer.grounding
        memories = g.of_kind(kind)
        if not memories:
            self._not_known(answer, f"I have no {what} recorded for {g.name}.")
            return
        answer.say(self._subject_line(answer, what))
        answer.say(
            bullets([f"{m.text} (stated {day(m.valid_from)})" for m in memories])
        )
        answer.cite(memories)

    def _profile(self, answer: _Answer) -> None:
        self._kind_listing(answer, MemoryKind.PROFILE, "risk profile")

    def _goals(self, answer: _Answer) -> None:
        self._kind_listing(answer, MemoryKind.GOAL, "goals")

    def _preferences(self, answer: _Answer) -> None:
        self._kind_listing(answer, MemoryKind.PREFERENCE, "preferences")

    def _changes(self, answer: _Answer) -> None:
        g = answer.grounding
        text = g.message.text
        since = None if means_last_meeting(text) else moment_named(text, now=g.now)
        if since is not None:
            label = day(since)
        else:
            last = g.last_meeting
            if last is None:
                self._not_known(answer, f"I have no earlier meeting with {g.name}.")
                return
            conversation, turns = last
            since = max(t.occurred_at for t in turns) if turns else None
            since = since or conversation.started_at
            label = (
                f"the last meeting ({conversation.title or 'untitled'}, {day(since)})"
            )
        changed = g.changed_since(since)
        if not changed:
            answer.say(f"Nothing in {g.name}'s memory has changed since {label}.")
            return
        answer.say(f"Since {label}:")
        lines = []
        # A memory that replaced another is told as the replacement, not as new.
        replacements = {m.superseded_by_id for m in changed}
        for memory in changed:
            if memory.status == "superseded" and memory.superseded_by is not None:
                lines.append(f"Replaced: {memory.text} → {memory.superseded_by.text}")
                answer.cite([memory, memory.superseded_by])
            elif memory.status == "retracted":
                lines.append(f"No longer: {memory.text} (from {day(memory.valid_to)})")
                answer.cite([memory])
            elif memory.pk not in replacements:
                lines.append(f"New: {memory.text} (stated {day(memory.valid_from)})")
                answer.cite([memory])
        answer.say(bullets(lines))

    def _quote(self, answer: _Answer, note_not_held: bool = False) -> None:
        g = answer.grounding
        named = sorted(symbols_named(g.message.text, g))
        if not named:
            self._unknown(answer)
            return
        quotes = latest_quotes(symbols=named)
        if note_not_held:
            answer.say(f"{g.name.capitalize()} holds none of {', '.join(named)}.")
        for symbol in named:
            quote = quotes.get(symbol)
            if quote is None:
                answer.say(f"I have no stored quote for {symbol}.")
                continue
            age = (g.now - quote.as_of).total_seconds()
            note = quote_note(
                {
                    "price": quote.price,
                    "simulated": quote.source == QuoteSource.SIMULATED,
                    "source": quote.source,
                    "age": _age(age),
                }
            )
            answer.say(
                f"{symbol}: {money(quote.price, quote.instrument.currency)} "
                f"as of {day(quote.as_of)} ({note})."
            )
        answer.cite(
            m
            for m in g.standing
            if m.kind in (MemoryKind.HOLDING, MemoryKind.VIEW)
            and _instrument(m) in named
        )

    def _prep(self, answer: _Answer) -> None:
        g = answer.grounding
        answer.say(f"Meeting prep — {g.full_name}, {day(g.now)}")
        for kind, label in (
            (MemoryKind.PROFILE, "Profile"),
            (MemoryKind.GOAL, "Goals"),
            (MemoryKind.PREFERENCE, "Preferences"),
        ):
            memories = g.of_kind(kind)
            if memories:
                answer.say(f"{label}: " + "; ".join(m.text for m in memories))
                answer.cite(memories)
        # Holdings and views are brought up to date together: one pass of
        # references, policies and quotes rather than one per listing.
        g.freshness_of(g.of_kind(MemoryKind.HOLDING) + g.of_kind(MemoryKind.VIEW))
        for kind, label in (
            (MemoryKind.HOLDING, "Holdings"),
            (MemoryKind.VIEW, "Views"),
        ):
            memories = g.of_kind(kind)
            if memories:
                answer.say(f"{label}:")
                answer.say(answer.listing(memories))
        if g.alerts:
            answer.say("Alerts:")
            answer.say(bullets([alert.message for alert in g.alerts[:6]]))
            answer.cite(alert.memory for alert in g.alerts[:6])
        if g.proposals:
            answer.say(f"Open proposals ({len(g.proposals)} waiting for review):")
            answer.say(bullets([m.text for m in g.proposals[:6]]))
            answer.cite(g.proposals[:6])
        last = g.last_meeting
        if last is not None:
            conversation, turns = last
            when = day(turns[-1].occurred_at if turns else conversation.started_at)
            answer.say(
                f"Last discussed ({conversation.title or 'a conversation'}, {when}):"
            )
            answer.say(bullets([quoted(t.text) for t in turns]))
        if len(answer.lines) == 1:
            answer.say(f"I have nothing recorded for {g.full_name} yet.")

    def _statement(self, answer: _Answer) -> None:
        g = answer.grounding
        whose = "your" if g.speaks_for_self else f"{g.name}'s"
        answer.say(
            f"Noted. I will update {whose} memory from this once the turn is processed."
        )
        related = [
            hit.memory for hit in g.hits if hit.memory.kind != MemoryKind.EPISODE
        ]
        if related:
            answer.say("What I remember that it touches:")
            answer.say(answer.listing(related[:3]))

    def _unknown(self, answer: _Answer) -> None:
        g = answer.grounding
        self._not_known(answer, f"I don't know that from what I remember of {g.name}.")

    def _not_known(self, answer: _Answer, line: str) -> None:
        """Say it is not known, and show the closest memories there are."""
        g = answer.grounding
        answer.say(line)
        # An earlier question is no answer: episodes that ask are left out.
        closest = [
            hit.memory
            for hit in g.hits
            if not (
                hit.memory.kind == MemoryKind.EPISODE
                and hit.memory.text.rstrip().endswith("?")
            )
        ][:3]
        if not closest:
            return
        answer.say("The closest memories I have:")
        answer.say(
            bullets(
                [
                    f"{memory.text} ({memory.get_kind_display().lower()}, "
                    f"{day(memory.valid_from or memory.recorded_at)})"
                    for memory in closest
                ]
            )
        )
        answer.cite(closest)


def _instrument(memory: Memory) -> str:
    return str((memory.payload or {}).get("instrument") or "").upper()


def _total_value(holdings: list[Memory]):
    values = [
        h.reading.get("market_value")
        for h in holdings
        if h.reading and h.reading.get("market_value")
    ]
    if not values:
        return None
    return sum(Decimal(str(v)) for v in values)


def _age(seconds: float) -> str:
    return age_text(max(seconds, 0))
