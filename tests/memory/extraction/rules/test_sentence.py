"""Sentences: questions and chit-chat state nothing; hedges lower confidence."""

import pytest


@pytest.mark.parametrize(
    "message",
    [
        "How was your weekend?",
        "Thanks!",
        "Sounds good, talk next week.",
        "",
        "   ",
        "Should I buy more AMD?",
        "Do you think Tesla is overvalued?",
        "I have a question about Apple",
        "I need a visa for my trip to Italy",
        "apple pie is my favourite",
        "I sold ALL of it at 3 PM",
        "IT is sending me a new laptop NOW",
        "I'm 55% in stocks",
        "I don't want to retire before 65, should I?",
    ],
)
def test_chit_chat_and_questions_give_no_candidates(extractor, message):
    assert extractor.extract(message) == []


@pytest.mark.parametrize(
    ("message", "at_most"),
    [
        ("Maybe I'm a bit bullish on AMD", 0.6),
        ("I think I own about 500 MSFT", 0.6),
        ("I sold some Tesla", 0.6),
    ],
)
def test_hedged_statements_have_low_confidence(extractor, message, at_most):
    [candidate] = extractor.extract(message)

    assert candidate.confidence < at_most
    # A firm statement of the same slot is more certain.
    assert candidate.confidence < 0.8
