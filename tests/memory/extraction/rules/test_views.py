"""Views: bullish or bearish, with targets, horizons and ratings."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "I'm bearish on TSLA, target $180 within 6 months",
        "view:TSLA",
        ASSERT,
        {
            "instrument": "TSLA",
            "stance": "bearish",
            "target_price": 180,
            "horizon": "6 months",
            "horizon_months": 6,
        },
    ),
    (
        "client",
        "NVDA looks like a strong buy to me, I see it at $1,200 in a year",
        "view:NVDA",
        ASSERT,
        {
            "stance": "bullish",
            "conviction": "high",
            "target_price": 1200,
            "horizon_months": 12,
        },
    ),
    (
        "client",
        "I'm not bearish on Apple anymore",
        "view:AAPL",
        RETRACT,
        {"stance": "bearish"},
    ),
    (
        "client",
        "I'm bullish on NVDA but bearish on TSLA",
        "view:TSLA",
        ASSERT,
        {"stance": "bearish"},
    ),
    (
        "analyst",
        "Upgrading MSFT to buy with a $500 price target over 12 months.",
        "view:MSFT",
        ASSERT,
        {"stance": "bullish", "target_price": 500, "horizon_months": 12},
    ),
    ("analyst", "We're bearish on TSLA; PT $180.", "view:TSLA", ASSERT, {}),
    (
        "client",
        "I'm bullish on energy",
        "view:sector:energy",
        ASSERT,
        {"sector": "energy", "stance": "bullish"},
    ),
    (
        "advisor",
        "Got it, you're bearish on TSLA.",
        "view:TSLA",
        ASSERT,
        {"stance": "bearish"},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_view_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)


def test_a_view_reads_as_a_third_person_sentence(extractor):
    [view] = extractor.extract("I'm bearish on TSLA, target $180 within 6 months")

    assert view.text == "Bearish on TSLA, target $180 within 6 months"


def test_an_analysts_first_person_view_is_the_analysts_own(extractor):
    [view] = extractor.extract("I'm bullish on AMD with a $200 target", role="analyst")

    assert view.key == "view:AMD"
    assert view.payload["target_price"] == 200
    assert view.payload["stance"] == "bullish"
