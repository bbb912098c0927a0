"""The rules extractor over whole messages: order, determinism, roles, payloads."""

import pytest

from memory.extraction.candidates import CandidateAction
from memory.extraction.rules import RulesExtractor

from . import test_corrections as corrections
from . import test_facts as facts
from . import test_goals as goals
from . import test_holdings as holdings
from . import test_preferences as preferences
from . import test_profile as profile
from . import test_views as views
from .helpers import SENT_AT

ASSERT = CandidateAction.ASSERT
# Every topic's cases: each payload they assert must pass the memory validation.
CASES = [
    *holdings.CASES,
    *corrections.CASES,
    *profile.CASES,
    *goals.CASES,
    *preferences.CASES,
    *views.CASES,
    *facts.CASES,
]


def test_a_message_with_several_statements_keeps_their_order(extractor):
    message = (
        "I'm 58 and fairly conservative. I own 100 AAPL in my IRA. "
        "No tobacco please. Our second grandchild was born in May!"
    )
    keys = [c.key for c in extractor.extract(message)]

    assert keys == [
        "profile:risk_tolerance",
        "profile:kyc:age",
        "holding:AAPL:ira",
        "preference:avoid:sector:tobacco",
        "fact:life_event:grandchild",
    ]


def test_the_extractor_is_deterministic(extractor):
    message = (
        "We own about 500 MSFT in the taxable account and I sold all my Tesla. "
        "I'm bearish on TSLA, target $180 within 6 months. No tobacco or weapons. "
        "We plan to retire in 15 years; our second grandchild was born in May."
    )
    first = extractor.extract(message, occurred_at=SENT_AT)

    assert len(first) >= 7
    for _ in range(3):
        assert RulesExtractor().extract(message, occurred_at=SENT_AT) == first


def test_an_unknown_role_is_refused(extractor):
    with pytest.raises(ValueError, match="role"):
        extractor.extract("I own 100 AAPL", role="assistant")


def test_candidates_pass_the_memory_payload_validation(extractor):
    payloads = pytest.importorskip("memory.payloads")
    for role, message, *_ in CASES:
        for candidate in extractor.extract(message, role=role, occurred_at=SENT_AT):
            if candidate.action is ASSERT:
                payloads.payload_clean(candidate.kind, candidate.payload)
