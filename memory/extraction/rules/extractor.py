"""The rules extractor: a message, sentence by sentence, through every topic."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from ..candidates import Candidate, PriorTurn
from ..speakers import ROLES
from ..tickers import TickerResolver
from .affect import read_affect
from .answers import answered, needs_referent, with_referent
from .contact import MAY_STATE as CONTACT_MAY_STATE
from .contact import read_contact
from .corrections import MAY_STATE as CORRECTION_MAY_STATE
from .corrections import read_correction
from .facts import MAY_STATE as FACTS_MAY_STATE
from .facts import read_facts
from .goals import MAY_STATE as GOALS_MAY_STATE
from .goals import read_goals
from .holdings import read_holdings
from .preferences import read_preferences
from .profile import MAY_STATE as PROFILE_MAY_STATE
from .profile import read_profile
from .sectors import ANY_SECTOR
from .sectors import STEMS as SECTOR_STEMS
from .sentence import Sentence, split_sentences
from .views import read_views
from .wording import plain


class RulesExtractor:
    """Propose candidate memories from one message with deterministic patterns."""

    name = "rules"
    version = "1"
    # Tell the pipeline to pass the subject's current memories, so a bare
    # correction in a later message can find the slot it corrects.
    wants_existing = True

    def __init__(self, resolver: TickerResolver | None = None):
        self.resolver = resolver or TickerResolver()

    @property
    def author(self) -> str:
        """Return the author recorded on memories this extractor proposes."""
        return f"rules-extractor/{self.version}"

    def extract(
        self,
        text: str,
        *,
        role: str = "client",
        occurred_at: datetime | None = None,
        context: Iterable[Candidate] = (),
        existing: Iterable = (),
        previous: Sequence[PriorTurn] = (),
        subject_names: Sequence[str] = (),
    ) -> list[Candidate]:
        """Return candidate memories stated in one message.

        ``role`` is who wrote it: a client's or an analyst's first-person statements
        are about themselves; an advisor's "you hold 200 AAPL" is about the client.
        ``context`` (optional) holds earlier candidates, oldest first, and
        ``existing`` the subject's current memories (anything with ``kind``,
        ``key`` and ``payload``), so that a bare correction ("it was 300, not
        200") can name the slot it corrects. Neither is needed otherwise.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        text = text or ""
        found: list[Candidate] = []
        # The subject's holdings matter to a correction or a "them" only.
        low = text.lower()
        wanted = _may_state(CORRECTION_MAY_STATE, low) or needs_referent(text)
        holdings = _holdings_of(existing) if wanted else []
        prior = [*holdings, *context]
        question = _question_before(previous, role)
        referent = None  # the instrument a "them" stands for: read when needed
        said_before = ""
        for index, (start, end) in enumerate(split_sentences(text)):
            evidence = text[start:end]
            answer = None
            if index == 0 and question:
                said = evidence.replace("’", "'")
                answer = answered(
                    plain(said, names=subject_names, advisor=role == "advisor"),
                    question,
                    self.resolver,
                )
            sentence = Sentence(
                evidence,
                role=role,
                occurred_at=occurred_at,
                resolver=self.resolver,
                earlier=found,
                context=prior,
                names=subject_names,
                previous=previous,
                text=answer,
                before=said_before,
            )
            if not sentence.mentions and needs_referent(sentence.text):
                if referent is None:
                    referent = _last_named(previous, self.resolver) or _only_holding(
                        holdings
                    )
                named = with_referent(sentence.text, referent)
                if named != sentence.text:
                    sentence.text = named
                    sentence.mentions = self.resolver.find(named)
            if sentence.mentions:
                referent = sentence.mentions[-1].symbol
            found.extend(read_sentence(sentence))
            # An advisor's "Casinos?" states nothing, yet is what "them" means next.
            said_before = sentence.text or plain(
                evidence.replace("’", "'").rstrip(" ?"),
                names=subject_names,
                advisor=role == "advisor",
            )
        return _latest_per_slot(found)


def read_sentence(sentence: Sentence) -> list[Candidate]:
    """Return the candidates one sentence states, topic by topic.

    The order is the order of the candidates: a message that states a slot twice
    means the last. A correction stands in for the holdings of its sentence.
    """
    text = sentence.text
    if not text.strip():
        return []
    # Each topic says cheaply whether the sentence may state it: most turns of a
    # conversation state nothing, and an import reads ten thousand of them.
    low = text.lower()
    named = bool(sentence.mentions) or (
        _may_state(SECTOR_STEMS, low) and bool(ANY_SECTOR.search(text))
    )
    # "Crypto? Absolutely not.": a short reply to what the sentence before named.
    if not named and len(text) < 40 and sentence.before:
        named = bool(ANY_SECTOR.search(sentence.before))
    if _may_state(PROFILE_MAY_STATE, low):
        read_profile(sentence)
    if _may_state(GOALS_MAY_STATE, low):
        read_goals(sentence)
    corrected = (
        _may_state(CORRECTION_MAY_STATE, low)
        and any(c.isdigit() for c in text)
        and read_correction(sentence)
    )
    if not corrected and sentence.mentions:
        read_holdings(sentence)
    if named:
        read_preferences(sentence)
        read_views(sentence)
        read_affect(sentence)
    if _may_state(CONTACT_MAY_STATE, low):
        read_contact(sentence)
    if _may_state(FACTS_MAY_STATE, low):
        read_facts(sentence)
    return sentence.out


def _may_state(stems: tuple[str, ...], low: str) -> bool:
    return any(stem in low for stem in stems)


def _question_before(previous: Sequence[PriorTurn], role: str) -> str | None:
    """Return the question another speaker asked just before, if they did."""
    if not previous or previous[0].role == role:
        return None
    if not (previous[0].text or "").rstrip().endswith("?"):
        return None
    spans = split_sentences(previous[0].text or "")
    if not spans:
        return None
    start, end = spans[-1]
    last = previous[0].text[start:end].replace("’", "'").rstrip()
    # "Still own Alphabet?" asks as surely as "Do you still own Alphabet?".
    return plain(last) if last.endswith("?") else None


def _last_named(previous: Sequence[PriorTurn], resolver: TickerResolver) -> str | None:
    """Return the instrument named last in the turns just before, if any."""
    for turn in previous:
        mentions = resolver.find(plain(turn.text or ""))
        if mentions:
            return mentions[-1].symbol
    return None


def _only_holding(holdings: list[Candidate]) -> str | None:
    symbols = {c.payload.get("instrument") for c in holdings}
    return symbols.pop() if len(symbols) == 1 else None


def _holdings_of(memories: Iterable) -> list[Candidate]:
    """Return existing holding memories as candidates, in a stable order."""
    found = [
        Candidate(kind="holding", key=m.key, text=m.text, payload=dict(m.payload))
        for m in memories
        if getattr(m, "kind", None) == "holding"
        and getattr(m, "key", "")
        and isinstance(getattr(m, "payload", None), dict)
    ]
    return sorted(found, key=lambda c: c.key)


def _latest_per_slot(candidates: list[Candidate]) -> list[Candidate]:
    # A message that states a slot twice ("200... actually 300") means the last.
    last = {c.key: i for i, c in enumerate(candidates)}
    return [c for i, c in enumerate(candidates) if last[c.key] == i]
