"""What the extraction sets are made of: dialogues, the memories they should leave.

A set is a JSON file of short advisor-client (or analyst) dialogues. Each names
its subject (kind, full name, pronoun), its channel, its turns (who spoke, in
which role, what they said) and ``expect``: every memory a careful advisor would
note by the end of the dialogue, as its kind, the payload fields that matter and
whether it should apply at once (``active``) or wait for review (``proposed``,
for what was hedged). A dialogue that should leave nothing expects nothing.

Channels: ``transcript`` (advisor and client talking, imported from a CRM),
``chat`` (the advisor typing about the client to the twin; the twin's replies
are in it too and are never mined) and ``analyst`` (an analyst's own chat).

The two sets are written separately: ``make_extract_devset`` (tuned on) and
``make_extract_heldout`` (never tuned on), with their own phrasings, people,
tickers and seeds. This module holds only what both need to write and read one.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
DEVSET = HERE / "extract_devset.json"
HELDOUT = HERE / "extract_heldout.json"
DEVSET2 = HERE / "extract_devset2.json"
HELDOUT2 = HERE / "extract_heldout2.json"
DEVSET3 = HERE / "extract_devset3.json"
HELDOUT3 = HERE / "extract_heldout3.json"

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int, *, and_: bool = False) -> str:
    """Return a whole number in English words: 250 -> "two hundred fifty"."""
    if n < 0:
        raise ValueError("no negative numbers")
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    for size, name in ((1_000_000_000, "billion"), (1_000_000, "million")):
        if n >= size:
            head, rest = divmod(n, size)
            tail = f" {number_words(rest, and_=and_)}" if rest else ""
            return f"{number_words(head)} {name}{tail}"
    if n >= 1000:
        head, rest = divmod(n, 1000)
        tail = ""
        if rest:
            tail = (" and " if and_ and rest < 100 else " ") + number_words(rest)
        return f"{number_words(head)} thousand{tail}"
    head, rest = divmod(n, 100)
    tail = ""
    if rest:
        tail = (" and " if and_ else " ") + number_words(rest)
    return f"{_ONES[head]} hundred{tail}"


@dataclass(frozen=True)
class Person:
    """A client or analyst of a set: their name and the pronouns they go by."""

    full: str
    he: str  # subject pronoun: he, she
    kind: str = "client"

    @property
    def first(self) -> str:
        return self.full.split()[0]

    @property
    def his(self) -> str:
        return {"he": "his", "she": "her", "they": "their"}[self.he]

    @property
    def him(self) -> str:
        return {"he": "him", "she": "her", "they": "them"}[self.he]


@dataclass
class Dialogue:
    """One dialogue being written: its turns and what it should leave behind."""

    topic: str
    channel: str
    subject: Person
    advisor: str
    turns: list[dict] = field(default_factory=list)
    expect: list[dict] = field(default_factory=list)

    def said(self, role: str, text: str) -> Dialogue:
        speaker = {
            "client": self.subject.full,
            "analyst": self.subject.full,
            "advisor": self.advisor,
            "assistant": "Advisor Twin",
        }[role]
        self.turns.append({"role": role, "speaker": speaker, "text": text})
        return self

    def client(self, text: str) -> Dialogue:
        return self.said("client", text)

    def advisor_(self, text: str) -> Dialogue:
        return self.said("advisor", text)

    def analyst(self, text: str) -> Dialogue:
        return self.said("analyst", text)

    def twin(self, text: str) -> Dialogue:
        return self.said("assistant", text)

    def note(self, kind: str, status: str = "active", **fields) -> Dialogue:
        """Expect a memory of ``kind`` whose payload holds ``fields``.

        Nested payload fields are written with a dot: ``kyc.age``.
        """
        fields = {name.replace("__", "."): value for name, value in fields.items()}
        self.expect.append({"kind": kind, "status": status, "fields": fields})
        return self

    def as_json(self, dialogue_id: str) -> dict:
        if not self.turns:
            raise ValueError(f"{dialogue_id} has no turns")
        return {
            "id": dialogue_id,
            "topic": self.topic,
            "channel": self.channel,
            "subject": {
                "kind": self.subject.kind,
                "name": self.subject.full,
                "pronoun": self.subject.he,
            },
            "turns": self.turns,
            "expect": self.expect,
        }


def write_set(
    path: Path, *, name: str, seed: int, about: str, dialogues: list[dict]
) -> None:
    """Write a set as pretty JSON (stable across runs with the same seed)."""
    ids = [d["id"] for d in dialogues]
    if len(ids) != len(set(ids)):
        raise ValueError("dialogue ids must be unique")
    data = {"name": name, "seed": seed, "about": about, "dialogues": dialogues}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def template_registry():
    """Return a generator's list of dialogue templates and the decorator that
    fills it: ``@template(topic, channels, weight)`` adds the function once per
    channel, ``weight`` times."""
    templates = []

    def template(topic, channels="transcript chat", weight=1):
        def register(fn):
            for channel in channels.split():
                templates.extend([(topic, channel, fn)] * weight)
            return fn

        return register

    return templates, template


def dialogues_build(
    *,
    templates: list,
    maker,
    rng: random.Random,
    count: int,
    prefix: str,
    clients: list,
    analysts: list,
    advisors: list,
    shuffle: bool = True,
) -> list[dict]:
    """Return ``count`` dialogues, the templates taken in turn (shuffled each
    round unless ``shuffle`` is off), each with a client (an analyst on the
    analyst channel) and an advisor drawn from ``rng``."""
    order = list(templates)
    dialogues = []
    for i in range(count):
        if shuffle and i % len(order) == 0:
            rng.shuffle(order)
        topic, channel, fn = order[i % len(order)]
        person = rng.choice(analysts if channel == "analyst" else clients)
        d = Dialogue(topic, channel, person, rng.choice(advisors))
        fn(maker, d)
        dialogues.append(d.as_json(f"{prefix}-{i:03d}-{fn.__name__}"))
    return dialogues


def set_main(
    argv, *, description: str, path: Path, name: str, seed: int, about: str, build
) -> int:
    """The command line of a set's generator: ``--seed``, then write the set."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=seed)
    args = parser.parse_args(argv)
    dialogues = build(seed=args.seed)
    write_set(path, name=name, seed=args.seed, about=about, dialogues=dialogues)
    return 0


def load_set(path: Path) -> dict:
    """Return a set as parsed JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def pick(rng: random.Random, *options):
    """Return one of ``options`` (or of the one sequence given)."""
    if len(options) == 1 and isinstance(options[0], list | tuple):
        options = options[0]
    return rng.choice(options)


class SetNames:
    """The product's tenancy, told the names of the sets' subjects.

    The engine asks the tenancy for a subject's names ("Marcus Chen",
    "Marcus"); a set's subjects are no firm's clients, so the measure says them.
    Everything else is the product's own provider's answer. (It lives here, not
    in ``extract_eval``, which may run as ``__main__``: the setting names this
    module, and the names must be set on the class it loads.)
    """

    names: dict[int, list[str]] = {}

    def __init__(self):
        from advisor.tenancy import MemoryTenancy

        self._product = MemoryTenancy()

    def __getattr__(self, name):
        return getattr(self._product, name)

    def subject_names(self, subject_id: int) -> list[str]:
        return self.names.get(subject_id, [])
