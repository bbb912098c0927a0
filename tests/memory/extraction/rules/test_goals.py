"""Goals: retirement, education, a home and other plans."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "we plan to retire in 15 years",
        "goal:retirement",
        ASSERT,
        {"goal": "retirement", "in_years": 15, "target_date": "2040-03-01"},
    ),
    (
        "client",
        "I want to retire at 60",
        "goal:retirement",
        ASSERT,
        {"goal": "retirement", "target_age": 60},
    ),
    (
        "client",
        "we need $200k for our daughter's tuition by 2032",
        "goal:education:daughter",
        ASSERT,
        {
            "goal": "education",
            "amount": 200_000,
            "currency": "USD",
            "target_date": "2032-01-01",
        },
    ),
    (
        "client",
        "We plan to buy a house in 3 years and need $100k for the down payment",
        "goal:home_purchase",
        ASSERT,
        {"goal": "home purchase", "amount": 100_000, "target_date": "2028-03-01"},
    ),
    (
        "advisor",
        "So you want to retire by 2035, got it.",
        "goal:retirement",
        ASSERT,
        {"target_date": "2035-01-01"},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_goal_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)


def test_without_a_message_time_no_date_is_invented(extractor):
    [goal] = extractor.extract("we plan to retire in 15 years")

    assert goal.key == "goal:retirement"
    assert goal.payload["target_date"] is None
    assert goal.payload["in_years"] == 15


def test_a_retirement_date_is_not_taken_for_an_investment_horizon(extractor):
    # Retiring in three years says nothing of how long the money stays invested.
    kinds = {c.key for c in extractor.extract("He plans to retire in three years.")}

    assert "profile:horizon_years" not in kinds
