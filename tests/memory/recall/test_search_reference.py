"""A subject's search answers exactly what it answered before its execution changed.

``search_reference.json`` holds what ``memory_search`` returned, over a varied
corpus (three subjects, facts and turns, retracted memories, house views, market
readings) and a varied set of queries and filters, when the search still loaded
its hits through the ORM. Each answer — the memories in their order, their scores
and breakdowns, provenance, freshness and the API's fields — must stay the same.

A change to the ranking itself changes the reference on purpose: regenerate it
with ``SEARCH_REFERENCE_WRITE=1`` and review the diff.
"""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from advisor.api.memory_views import hit_output
from market.models import Instrument
from memory.conversations.messages import conversation_start, message_append
from memory.ledger.chain import Cause
from memory.models import Conversation, Memory, Message
from memory.readings.references import references_sync
from memory.readings.refresh import readings_refresh
from memory.recall.indexing import memories_embed
from memory.recall.search import memory_search
from memory.services import memory_record, memory_retract, subject_create
from tests.memory.readings.helpers import store_quote

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).with_name("search_reference.json")
WHO = Cause.system("reference")
START = datetime(2025, 1, 6, 9, tzinfo=UTC)
# The search's clock: recency and freshness are measured from it.
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)

FACTS = [
    (
        "goal",
        "Wants to retire at 60 and travel",
        {"goal": "retirement", "target_age": 60},
    ),
    ("goal", "Needs $200k for daughter's tuition by 2032", {"goal": "education"}),
    (
        "preference",
        "Avoids tobacco and weapons stocks",
        {"topic": "exclusions", "polarity": "avoids"},
    ),
    ("fact", "Second grandchild born in May", {"category": "family"}),
    ("fact", "Not much new, just the usual chaos.", {}),
    ("fact", "Not much new, just the usual chaos.", {}),
    ("fact", "Aunt Rose's estate settled; she inherits about $80k", {}),
    ("fact", "Sold the lake house in the spring", {}),
    ("goal", "Building a bond ladder for income", {"goal": "income"}),
    (
        "preference",
        "Prefers dividend payers over growth stocks",
        {"topic": "income", "polarity": "likes"},
    ),
    ("fact", "Moderate risk tolerance, ten year horizon", {}),
    ("fact", "Walks the dog every morning", {}),
]
SESSION = [
    ("advisor", "Good to hear from you! How have things been?"),
    ("client", "Oh it's been rainy here all week."),
    ("advisor", "Did you ever find someone to rent the garage studio?"),
    ("client", "Finally, yes! $1,400 a month, starting next week."),
    ("advisor", "And the Apple shares in the IRA, still holding?"),
    ("client", "Yes, and I picked up 200 more last month."),
    ("client", "We adopted a rescue dog named Biscuit!"),
    ("advisor", "Sure. Where were we?"),
    ("client", "Mostly good! Busy, but good."),
]
QUERIES = [
    "apple shares in the ira",
    "when do they want to retire",
    "tesla view",
    "dividend payers",
    "grandchild tuition",
    "risk tolerance",
    "bond ladder",
    "sold the lake house",
    "How much does the garage studio rent bring in?",
    "How much did she inherit?",
    "rescue dog Biscuit",
    "Not much new",
    "weapons",
    "",
    "zzz nothing matches this",
]
OPTIONS = [
    {},
    {"limit": 3},
    {"limit": 50},
    {"kinds": ["goal", "preference"]},
    {"kinds": ["episode"]},
    {"include_house_views": True},
    {"as_of": START + timedelta(days=20)},
    {"as_of": START + timedelta(days=400), "include_house_views": True},
    {"statuses": ["retracted"]},
]


def _remember(subject, kind, text, payload, *, day, **fields):
    moment = START + timedelta(days=day)
    return memory_record(
        subject=subject,
        kind=kind,
        text=text,
        payload=payload,
        cause=WHO,
        valid_from=moment,
        recorded_at=moment,
        **fields,
    )


def _session(subject, lines, *, day):
    conversation = conversation_start(subject=subject)
    for minute, (speaker, text) in enumerate(lines):
        message_append(
            conversation=conversation,
            role="user" if speaker == "client" else "assistant",
            speaker=speaker,
            text=text,
            occurred_at=START + timedelta(days=day, minutes=minute),
            extract=False,
        )


def _corpus():
    """Build the corpus; return its subjects by name."""
    for symbol, name in (("AAPL", "Apple Inc."), ("TSLA", "Tesla, Inc.")):
        Instrument.objects.create(symbol=symbol, name=name, currency="USD")
    store_quote("AAPL", "180", START)
    store_quote("TSLA", "200", START)
    analyst = subject_create(tenant_id=1, kind="analyst")
    subjects = {
        "ana": subject_create(tenant_id=1, kind="client"),
        "ben": subject_create(tenant_id=1, kind="client"),
        "other_firm": subject_create(tenant_id=2, kind="client"),
    }
    readings = []
    for offset, subject in enumerate(subjects.values()):
        for day, (kind, text, payload) in enumerate(FACTS[offset:] + FACTS[:offset]):
            _remember(subject, kind, text, payload, day=day * 7 + offset)
        _session(subject, SESSION[offset:], day=30 + offset)
        _session(subject, SESSION[::-1], day=90 + offset)
        readings.append(
            _remember(
                subject, "holding", f"Holds {100 + offset} AAPL in the IRA",
                {"instrument": "AAPL", "quantity": 100 + offset}, day=40,
            )
        )  # fmt: skip
        readings.append(
            _remember(
                subject, "view", "Bearish on TSLA, target $150",
                {"instrument": "TSLA", "stance": "bearish"}, day=50 + offset,
            )
        )  # fmt: skip
        episode = Memory.objects.filter(subject=subject, kind="episode").first()
        _remember(
            subject, "fact", "Picked up 200 more Apple shares", {}, day=31,
            source_messages=list(episode.source_messages.all()),
        )  # fmt: skip
        retracted = _remember(subject, "fact", "Owns a boat", {}, day=10)
        memory_retract(memory=retracted, cause=WHO, valid_to=START + timedelta(100))
    for day, tenant_view in enumerate(("TSLA is overvalued", "Dividend payers win")):
        view = _remember(
            analyst, "view", tenant_view,
            {"sector": "equities", "stance": "neutral"}, day=5 + day,
        )  # fmt: skip
        Memory.objects.filter(pk=view.pk).update(
            published_at=START + timedelta(days=6 + day)
        )
    references_sync(memories=readings)
    store_quote("AAPL", "150", NOW - timedelta(minutes=5))
    readings_refresh(now=NOW - timedelta(minutes=4))
    memories_embed(list(Memory.objects.all()))
    return subjects


def _labels(model, **filters) -> dict[int, int]:
    """Number the rows in creation order, so the reference holds no ids."""
    ids = model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
    return {pk: index for index, pk in enumerate(ids)}


def _answer(hits, memories_seen: dict) -> list[dict]:
    """Return the hits with their memories by label (each memory kept once)."""
    memories = _labels(Memory)
    messages = _labels(Message)
    conversations = _labels(Conversation)
    answer = []
    for hit in hits:
        hit.memory.freshness = hit.freshness
        out = hit_output(hit)
        label = memories[out["memory"]["id"]]
        out["memory"]["id"] = label
        superseded_by = out["memory"]["superseded_by"]
        if superseded_by is not None:
            out["memory"]["superseded_by"] = memories[superseded_by]
        # Written when the corpus was built, not part of what a search decides.
        del out["memory"]["updated_at"]
        if out["memory"]["kind"] == "episode":
            del out["memory"]["recorded_at"]  # the message's own creation
            payload = out["memory"]["payload"]
            payload["message_id"] = messages[payload["message_id"]]
            payload["conversation_id"] = conversations[payload["conversation_id"]]
        for source in out["provenance"]:
            source["message_id"] = messages[source["message_id"]]
            source["conversation_id"] = conversations[source["conversation_id"]]
        # The API's fields of a memory are the same in every answer it is in.
        assert memories_seen.setdefault(str(label), out["memory"]) == out["memory"]
        out["memory"] = label
        answer.append(out)
    return answer


def _answers(subjects, monkeypatch) -> dict:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    memories: dict = {}
    answers = {}
    for name, subject in subjects.items():
        for query in QUERIES:
            for options in OPTIONS:
                key = f"{name} | {query!r} | {_options_key(options)}"
                hits = memory_search(subject=subject, query=query, **options)
                answers[key] = _answer(hits, memories)
    answers["memories"] = memories
    return json.loads(json.dumps(answers, default=str))


def _options_key(options: dict) -> str:
    return ",".join(f"{name}={value}" for name, value in sorted(options.items()))


def _one_answer_a_line(answers: dict) -> str:
    lines = [
        f"{json.dumps(key)}: {json.dumps(answer, sort_keys=True)}"
        for key, answer in answers.items()
        if key != "memories"
    ] + [f'"memories": {json.dumps(answers["memories"], indent=0, sort_keys=True)}']
    return "{\n" + ",\n".join(lines) + "\n}\n"


def test_search_answers_exactly_what_the_reference_holds(monkeypatch):
    answers = _answers(_corpus(), monkeypatch)
    hits = sum(len(found) for key, found in answers.items() if key != "memories")
    assert hits > 1000  # a real workload
    if os.environ.get("SEARCH_REFERENCE_WRITE"):
        REFERENCE.write_text(_one_answer_a_line(answers))
    reference = json.loads(REFERENCE.read_text())
    assert answers.keys() == reference.keys()
    for key, expected in reference.items():
        assert answers[key] == expected, key
