"""Corrections: "actually it was 300, not 200" fixes the slot it names."""

from types import SimpleNamespace

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "I bought 200 shares of Apple in my IRA. Actually, it was 300 shares, not 200.",
        "holding:AAPL:ira",
        ASSERT,
        {"quantity": 300},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_corrected_holding_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)


def test_a_correction_replaces_the_slot_instead_of_adding_a_second(extractor):
    found = extractor.extract(
        "I bought 200 shares of Apple in my IRA. Actually, it was 300 shares, not 200."
    )

    assert [(c.key, c.payload["quantity"]) for c in found] == [
        ("holding:AAPL:ira", 300)
    ]


def test_a_bare_correction_finds_its_slot_among_existing_memories(extractor):
    existing = [
        SimpleNamespace(
            kind="holding",
            key="holding:AAPL:ira",
            text="Holds 200 AAPL in the IRA",
            payload={"instrument": "AAPL", "quantity": 200, "account": "ira"},
        ),
        SimpleNamespace(
            kind="holding",
            key="holding:MSFT",
            text="Holds 50 MSFT",
            payload={"instrument": "MSFT", "quantity": 50},
        ),
    ]

    [fixed] = extractor.extract(
        "Actually, it was 300 shares, not 200.", existing=existing
    )

    assert fixed.key == "holding:AAPL:ira"
    assert fixed.action is ASSERT
    assert fixed.payload["quantity"] == 300
    # Which of two holdings "not 100" corrects is unknowable: propose nothing.
    assert extractor.extract("Actually it was 300, not 100.", existing=existing) == []
    # Without any memory to correct there is no slot to name.
    assert extractor.extract("Actually, it was 300 shares, not 200.") == []


def test_a_price_correction_changes_the_cost_basis(extractor):
    earlier = extractor.extract("I bought 200 AAPL at $150 in my IRA")

    [fixed] = extractor.extract(
        "Sorry, I paid $140 a share, not $150.", context=earlier
    )

    assert fixed.key == "holding:AAPL:ira"
    assert fixed.payload["cost_basis"] == 140
    assert fixed.payload["quantity"] == 200
