"""Preferences: likes, exclusions and their retractions."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, by_key, case_ids

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "no tobacco or weapons stocks please",
        "preference:avoid:sector:weapons",
        ASSERT,
        {"polarity": "avoids", "sectors": ["weapons"], "topic": "weapons"},
    ),
    (
        "client",
        "I prefer dividend payers",
        "preference:like:sector:dividends",
        ASSERT,
        {"polarity": "likes", "sectors": ["dividends"]},
    ),
    (
        "client",
        "I'm okay with oil companies now",
        "preference:avoid:sector:fossil fuels",
        RETRACT,
        {"polarity": "avoids"},
    ),
    (
        "client",
        "Please keep me out of Altria and Philip Morris",
        "preference:avoid:instrument:PM",
        ASSERT,
        {"polarity": "avoids", "instruments": ["PM"]},
    ),
    (
        "client",
        "I'm not comfortable with crypto",
        "preference:avoid:sector:crypto",
        ASSERT,
        {"polarity": "avoids"},
    ),
    (
        "client",
        "I'm no longer interested in dividend stocks",
        "preference:like:sector:dividends",
        RETRACT,
        {"polarity": "likes"},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_preference_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)


def test_each_excluded_sector_is_its_own_slot(extractor):
    found = by_key(extractor.extract("no tobacco or weapons stocks please"))

    assert sorted(found) == [
        "preference:avoid:sector:tobacco",
        "preference:avoid:sector:weapons",
    ]
