"""Profile: risk tolerance, investment horizon and KYC facts."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "I'm fairly conservative with money",
        "profile:risk_tolerance",
        ASSERT,
        {"risk_tolerance": "conservative"},
    ),
    (
        "client",
        "risk tolerance: moderate",
        "profile:risk_tolerance",
        ASSERT,
        {"risk_tolerance": "moderate"},
    ),
    (
        "client",
        "Honestly I'm somewhat aggressive when it comes to investing",
        "profile:risk_tolerance",
        ASSERT,
        {"risk_tolerance": "moderately_aggressive"},
    ),
    (
        "client",
        "I have a low risk tolerance",
        "profile:risk_tolerance",
        ASSERT,
        {"risk_tolerance": "conservative"},
    ),
    (
        "client",
        "we're looking at a 12-year horizon",
        "profile:horizon_years",
        ASSERT,
        {"horizon_years": 12},
    ),
    (
        "client",
        "I make about $250k a year",
        "profile:income_band",
        ASSERT,
        {"income_band": "250k-500k"},
    ),
    (
        "client",
        "Our net worth is about 2 million",
        "profile:net_worth_band",
        ASSERT,
        {"net_worth_band": "1m-5m"},
    ),
    (
        "client",
        "I'm 58 and my wife is 55.",
        "profile:kyc:age",
        ASSERT,
        {"kyc": {"age": 58, "age_as_of": "2025-03-01"}},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_profile_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)
