"""Time in questions: the stretch of time a question names, and "when" questions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from memory.recall.search import memory_search
from memory.recall.temporal import asks_when, subject_now, time_windows
from memory.services import subject_create
from tests.memory.recall.sessions import session_store

pytestmark = pytest.mark.django_db


def _at(year, month, day):
    return datetime(year, month, day, tzinfo=UTC)


def _window(query, anchor):
    return [(w.start, w.end) for w in time_windows(query, anchor)]


def test_a_month_is_its_latest_occurrence_up_to_the_subjects_present():
    may = _at(2024, 5, 10)
    march_2024 = (_at(2024, 3, 1), _at(2024, 4, 1))
    assert _window("What did she cook in March?", may) == [march_2024]
    assert _window("What did she cook last March?", may) == [march_2024]
    # Said in March, "last March" is the year before; "in March 2022" is as named.
    assert _window("What did she cook last March?", _at(2024, 3, 20)) == [
        (_at(2023, 3, 1), _at(2023, 4, 1))
    ]
    assert _window("Where did he travel in March 2022?", may) == [
        (_at(2022, 3, 1), _at(2022, 4, 1))
    ]
    assert _window("Where did he go in December of 2023?", may) == [
        (_at(2023, 12, 1), _at(2024, 1, 1))
    ]


def test_years_seasons_and_times_relative_to_the_present():
    anchor = _at(2024, 5, 10)
    assert _window("What changed last year?", anchor) == [
        (_at(2023, 1, 1), _at(2024, 1, 1))
    ]
    assert _window("What did they buy in 2022?", anchor) == [
        (_at(2022, 1, 1), _at(2023, 1, 1))
    ]
    assert _window("Where did they go last summer?", anchor) == [
        (_at(2023, 6, 1), _at(2023, 9, 1))
    ]
    assert _window("What happened last month?", anchor) == [
        (_at(2024, 4, 1), _at(2024, 5, 1))
    ]
    ((start, end),) = _window("What did she adopt two months ago?", anchor)
    assert start < anchor - timedelta(days=60) < end < anchor


def test_a_question_that_names_no_time_has_no_window():
    anchor = _at(2024, 5, 10)
    assert _window("May I ask what she holds?", anchor) == []
    assert _window("How many shares of Disney does Ahmed hold?", anchor) == []


def test_when_questions():
    assert asks_when("When did Noor adopt the dog?")
    assert asks_when("What year did they move?")
    assert asks_when("Since when has he been retired?")
    assert not asks_when("What did they cook?")
    assert not asks_when("Who did she call when the car broke down?")


FILLER = [
    ("advisor", "Good to hear from you, how are things?"),
    ("client", "Busy week, the usual."),
]


def test_a_question_naming_last_march_prefers_the_march_sessions_turn():
    subject = subject_create(tenant_id=1, kind="client")
    (march,) = session_store(
        subject,
        [("client", "We tried a new recipe: lamb tagine.")],
        day=_at(2024, 3, 12),
    )
    session_store(subject, FILLER, day=_at(2024, 4, 2))
    (june,) = session_store(
        subject,
        [("client", "We tried a new recipe: gnocchi.")],
        day=_at(2024, 6, 20),
    )
    query = "What recipe did they try last March?"
    hits = memory_search(subject=subject, query=query, limit=3)
    assert hits[0].memory == march
    assert hits[0].breakdown["time_rank"] == 1
    # The same question without its time finds the more recent turn first.
    plain = memory_search(subject=subject, query="What recipe did they try?")
    assert plain[0].memory == june
    with override_settings(MEMORY_SEARCH={"weight_time": 0.0}):
        unaware = memory_search(subject=subject, query=query, limit=3)
    assert unaware[0].memory == june


def test_the_present_of_a_question_is_the_subjects_latest_turn():
    subject = subject_create(tenant_id=1, kind="client")
    session_store(subject, FILLER, day=_at(2023, 2, 1))
    session_store(subject, FILLER, day=_at(2023, 9, 1))
    assert subject_now(subject=subject).date() == _at(2023, 9, 1).date()
    assert (
        subject_now(subject=subject, as_of=_at(2023, 5, 1)).date()
        == _at(2023, 2, 1).date()
    )


def test_a_when_question_prefers_the_turn_that_places_it_in_time():
    subject = subject_create(tenant_id=1, kind="client")
    (dated,) = session_store(
        subject,
        [("client", "I painted the garden fence yesterday.")],
        day=_at(2024, 5, 4),
    )
    (undated,) = session_store(
        subject,
        [("client", "Painting the garden fence blue was a pain.")],
        day=_at(2024, 6, 4),
    )
    hits = memory_search(
        subject=subject, query="When did she paint the garden fence?", limit=2
    )
    assert [hit.memory for hit in hits] == [dated, undated]
    assert hits[0].breakdown["when_rank"] == 1
    assert hits[1].breakdown["when_rank"] is None


def test_time_direction_of_a_question():
    from memory.recall.temporal import time_direction

    assert time_direction("Where did she live before the move?") == -1
    assert time_direction("What was his original retirement age?") == -1
    assert time_direction("What does she think of Ford now?") == 1
    assert time_direction("What is her current employer?") == 1
    assert time_direction("What did she hold before, and what now?") == 0
    assert time_direction("What did she cook?") == 0


def test_before_and_now_questions_favour_the_earliest_and_latest_answer():
    subject = subject_create(tenant_id=1, kind="client")
    (first,) = session_store(
        subject,
        [("client", "Our home is in Portland, near the river.")],
        day=_at(2023, 2, 1),
    )
    session_store(subject, FILLER, day=_at(2023, 6, 1))
    (later,) = session_store(
        subject,
        [("client", "Our home is in Denver now, near the park.")],
        day=_at(2024, 2, 1),
    )
    before = memory_search(subject=subject, query="Where was their home before?")
    assert before[0].memory == first
    assert before[0].breakdown["order_rank"] == 1
    now = memory_search(subject=subject, query="Where is their home now?")
    assert now[0].memory == later
    assert now[0].breakdown["order_rank"] == 1
    with override_settings(MEMORY_SEARCH={"weight_order": 0.0}):
        unaware = memory_search(subject=subject, query="Where was their home before?")
    assert unaware[0].memory == later  # the more recent, all else equal
