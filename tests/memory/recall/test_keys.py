"""Keys that point back to turns: a turn's session, and the memories drawn from it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings

from memory.ledger.chain import Cause
from memory.models import Memory
from memory.recall.indexing import memories_embed
from memory.recall.search import (
    LIFTS,
    RANK_COLUMNS,
    memory_search,
    subject_search_sql,
)
from memory.services import memory_record, memory_retract, subject_create
from tests.memory.recall.sessions import session_store

pytestmark = pytest.mark.django_db
WHO = Cause.user(1)
DAY = datetime(2024, 5, 6, 9, tzinfo=UTC)


FILLER = [
    ("advisor", "Let me pull up your accounts."),
    ("client", "Sure, take your time."),
    ("advisor", "Okay, got them."),
]


def _ranked(subject, query, **settings):
    with override_settings(MEMORY_SEARCH=settings):
        return [hit.memory for hit in memory_search(subject=subject, query=query)]


def test_a_session_about_the_question_lifts_its_turn_that_matches():
    subject = subject_create(tenant_id=1, kind="client")
    # The trip's session names Norway and the kayaks far from the turn that says
    # how the trip went, beyond the reach of a turn's own context.
    norway = session_store(
        subject,
        [("client", "We're flying to Norway for the kayak week.")]
        + FILLER
        + [("advisor", "The kayaks are rented from the fjord outfitter.")]
        + FILLER
        + [("client", "The trip was wonderful, freezing water though.")],
        day=DAY,
    )
    answer = norway[-1]
    (other,) = session_store(
        subject,
        [("client", "The trip to the dentist was wonderful, no cavities.")],
        day=DAY + timedelta(days=30),
    )
    query = "How was the kayak trip to Norway?"
    # Of the two sessions only the best lifts its turns (in a subject's long
    # history, the few best).
    with override_settings(MEMORY_SEARCH={"session_keys": 1}):
        lifted = memory_search(subject=subject, query=query)
    ranked = [hit.memory for hit in lifted]
    assert ranked.index(answer) < ranked.index(other)
    assert lifted[ranked.index(answer)].breakdown["session_rank"] is not None
    assert lifted[ranked.index(other)].breakdown["session_rank"] is None
    plain = _ranked(subject, query, weight_session=0.0)
    assert plain.index(other) < plain.index(answer)


def test_a_hit_on_a_memory_lifts_the_turn_it_was_drawn_from():
    subject = subject_create(tenant_id=1, kind="client")
    turns = session_store(
        subject,
        [
            ("advisor", "Anything new in the brokerage account?"),
            ("client", "I picked up 200 more this morning."),
        ],
        day=DAY,
    )
    source = turns[-1]
    for offset, text in enumerate(
        (
            "We took the kids to Disney World in April.",
            "Disney on Ice was sold out again.",
            "My sister shares a flat near the Disney store.",
        ),
        start=1,
    ):
        session_store(subject, [("client", text)], day=DAY + timedelta(days=offset))
    holding = memory_record(
        subject=subject,
        kind="holding",
        text="Holds 200 shares of Disney",
        payload={"instrument": "DIS", "quantity": 200},
        cause=WHO,
        source_messages=list(source.source_messages.all()),
    )
    memories_embed([holding])
    query = "How many Disney shares does he hold?"
    hits = memory_search(subject=subject, query=query, kinds=None)
    by_memory = {hit.memory: hit for hit in hits}
    # The holding and its turn take one place: whichever stands for the turn.
    assert (holding in by_memory) != (source in by_memory)
    assert (
        source not in by_memory or by_memory[source].breakdown["memory_key_rank"] == 1
    )
    # Among the candidates, the turn ranks first by what was drawn from it, though
    # none of the question's words are its own.
    sql, params = subject_search_sql(subject=subject, query=query)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {row[0]: row for row in cursor.fetchall()}
    assert rows[source.pk][3] is None  # no lexical rank of its own
    assert rows[source.pk][RANK_COLUMNS[LIFTS.index("memory_key_rank") + 3]] == 1
    distractors = [pk for pk in rows if pk not in (source.pk, holding.pk)]
    assert all(
        rows[pk][RANK_COLUMNS[LIFTS.index("memory_key_rank") + 3]] is None
        for pk in distractors
    )


def test_a_retracted_turn_no_longer_counts_in_its_sessions_key():
    subject = subject_create(tenant_id=1, kind="client")
    norway = session_store(
        subject,
        [("client", "We're flying to Norway for the kayak week.")]
        + FILLER
        + [("client", "The trip was wonderful, freezing water though.")],
        day=DAY,
    )
    session_store(
        subject,
        [
            ("client", "The school trip is on Friday."),
            ("advisor", "Is the trip far?"),
        ],
        day=DAY + timedelta(days=7),
    )

    def answer():
        with override_settings(MEMORY_SEARCH={"session_keys": 1}):
            hits = memory_search(subject=subject, query="kayak trip to Norway")
        return next(hit for hit in hits if hit.memory == norway[-1])

    assert answer().breakdown["session_rank"] is not None
    memory_retract(memory=norway[0], cause=WHO, reason="said by mistake")
    # What is left of the session says "trip" once; the school trip's twice.
    assert answer().breakdown["session_rank"] is None


def test_a_question_naming_a_speaker_prefers_what_that_speaker_said():
    from memory.conversations.messages import conversation_start, message_append

    subject = subject_create(tenant_id=1, kind="client")
    conversation = conversation_start(subject=subject)
    said = {}
    for minute, (speaker, text) in enumerate(
        [
            ("Felix", "I finally started a pottery course on Tuesdays."),
            ("Noor", "Nice! Work has been hectic."),
            ("Felix", "Noor, you should join the pottery course."),
            ("Noor", "Maybe. I did start a pottery course once, years ago."),
        ]
    ):
        message = message_append(
            conversation=conversation,
            role="user" if speaker == "Noor" else "assistant",
            speaker=speaker,
            text=text,
            occurred_at=DAY + timedelta(minutes=minute),
            extract=False,
        )
        said[text] = Memory.objects.get(kind="episode", source_messages=message)
    hits = memory_search(subject=subject, query="What course did Noor start?")
    noors = said["Maybe. I did start a pottery course once, years ago."]
    assert hits[0].memory == noors
    assert hits[0].breakdown["speaker_rank"] == 1
    # Her name is a choice of speaker, not a word to match in what Felix said.
    addressed = next(h for h in hits if h.memory.text.startswith("Noor, you"))
    assert addressed.breakdown["speaker_rank"] is None
    felix = next(h for h in hits if h.memory.text.startswith("I finally started"))
    assert felix.breakdown["speaker_rank"] is None
