"""Confidence says how sure the reading is, not how strongly a view is held:
clear statements apply at once, hedged or ambiguous ones wait."""

import pytest

from memory.extraction.candidates import PriorTurn

APPLIES = 0.6  # the default policy's threshold

CLEAR = [
    ("client", "I'm slightly bearish on Netflix."),
    ("client", "I'm somewhat bullish on Apple, target $260."),
    ("client", "I think Apple is a bargain."),
    ("client", "I bought some Tesla last week."),
    ("client", "I own about 500 Microsoft."),
    ("client", "I'm kind of conservative with money."),
    ("client", "I hate losing money."),
    ("advisor", "He's mildly bearish on Tesla."),
]
HEDGED = [
    ("client", "Maybe I'm a bit bearish on Netflix."),
    ("client", "I think I have around 200 Apple, I'd have to check."),
    ("client", "I might have 40 NVDA left, not certain."),
    ("client", "Maybe 40 shares of Google?"),
    ("client", "I guess I'm probably aggressive."),
    ("client", "We want to retire at 62, I think."),
    ("advisor", "Boeing is a steal right now."),  # whose opinion is it?
]


@pytest.mark.parametrize(("role", "said"), CLEAR, ids=[s for _, s in CLEAR])
def test_a_clear_statement_applies_at_once(extractor, role, said):
    candidates = extractor.extract(said, role=role)

    assert candidates, said
    assert all(c.confidence >= APPLIES for c in candidates), candidates


@pytest.mark.parametrize(("role", "said"), HEDGED, ids=[s for _, s in HEDGED])
def test_a_hedged_or_ambiguous_statement_waits(extractor, role, said):
    candidates = extractor.extract(said, role=role)

    assert candidates, said
    assert all(c.confidence < APPLIES for c in candidates), candidates


def test_conviction_is_kept_apart_from_confidence(extractor):
    (slight,) = extractor.extract("I'm slightly bearish on Netflix.")
    (hedged,) = extractor.extract("Maybe I'm bearish on Netflix.")

    assert slight.payload["conviction"] == "low" and slight.confidence >= APPLIES
    assert hedged.payload["conviction"] == "medium" and hedged.confidence < APPLIES


def test_an_answer_in_a_word_is_as_sure_as_the_question_made_it(extractor):
    asked = [PriorTurn("advisor", "How much risk are you comfortable with?")]

    (answer,) = extractor.extract("Medium, I guess.", previous=asked)

    assert answer.payload == {"risk_tolerance": "moderate"}
    assert answer.confidence < APPLIES  # "I guess"
