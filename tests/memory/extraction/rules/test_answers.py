"""Answers across turns: a word or a phrase after a question completes it."""

import pytest

from memory.extraction.candidates import CandidateAction, PriorTurn

CASES = [
    ("How would you describe your risk tolerance?", "Moderate, I'd say.",
     "profile:risk_tolerance", {"risk_tolerance": "moderate"}),
    ("What's your time horizon for this money?", "About fifteen years.",
     "profile:horizon_years", {"horizon_years": 15}),
    ("How old are you now, if you don't mind?", "Fifty-eight.",
     "profile:kyc:age", {"kyc": {"age": 58}}),
    ("When do you want to retire?", "Sixty-five, ideally.",
     "goal:retirement", {"target_age": 65}),
    ("Do you still hold Alphabet?", "Yes, 250 shares.",
     "holding:GOOGL", {"quantity": 250}),
    ("How many JPMorgan do you have?", "About eighty, all in the Roth.",
     "holding:JPM:roth_ira", {"quantity": 80, "account": "roth_ira"}),
    ("What do you think of Starbucks?", "Overvalued, honestly.",
     "view:SBUX", {"stance": "bearish"}),
    ("How do you feel about Boeing?", "Not a fan, I think it's going down.",
     "view:BA", {"stance": "bearish"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "answer", "key", "fields"), CASES, ids=[c[1] for c in CASES]
)
def test_an_answer_completes_the_question_before_it(
    extractor, question, answer, key, fields
):
    found = extractor.extract(answer, previous=[PriorTurn("advisor", question)])

    by_key = {c.key: c for c in found}
    assert key in by_key, found
    for name, value in fields.items():
        assert by_key[key].payload[name] == value


def test_the_same_words_without_the_question_state_nothing(extractor):
    assert extractor.extract("About fifteen years.") == []
    assert extractor.extract("Moderate, I'd say.") == []


def test_no_after_a_holding_question_retracts_it(extractor):
    asked = [PriorTurn("advisor", "Do you still own Tesla?")]

    (found,) = extractor.extract("Nope, got rid of it.", previous=asked)

    assert found.key == "holding:TSLA" and found.action is CandidateAction.RETRACT


def test_a_question_by_the_same_speaker_is_not_answered(extractor):
    asked = [PriorTurn("client", "What's my time horizon?")]

    assert extractor.extract("About fifteen years.", previous=asked) == []


def test_them_names_the_instrument_said_just_before(extractor):
    before = [PriorTurn("client", "I have 500 Tesla.")]

    (found,) = extractor.extract("I sold 125 of them yesterday.", previous=before)

    assert found.key == "holding:TSLA" and found.payload["change"] == -125
