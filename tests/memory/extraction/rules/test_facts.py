"""Life facts: births, deaths, marriages, jobs, health, family."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "Our second grandchild was born in May",
        "fact:life_event:grandchild",
        ASSERT,
        {"category": "life_event", "event": "birth", "ordinal": 2, "when": "May"},
    ),
    (
        "client",
        "I just got promoted",
        "fact:employment:promotion",
        ASSERT,
        {"category": "employment"},
    ),
    (
        "client",
        "My father passed away in March and I inherited about $400k",
        "fact:life_event:inheritance",
        ASSERT,
        {"amount": 400_000},
    ),
    (
        "client",
        "My daughter got married last weekend",
        "fact:life_event:marriage:daughter",
        ASSERT,
        {"relation": "daughter"},
    ),
    (
        "client",
        "I was diagnosed with diabetes last year",
        "fact:health:diagnosis",
        ASSERT,
        {"condition": "diabetes"},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_fact_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)
