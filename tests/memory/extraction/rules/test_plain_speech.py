"""Wording the first patterns did not expect: each topic, said the way people talk.

Cases of the second extraction pass (``bench/make_extract_devset2``): lower-case
chat, other verbs, answers to more questions, feelings and valuations; and the
statements that must leave nothing (other people's, negated, undone).
"""

import pytest

from memory.extraction.candidates import CandidateAction, PriorTurn
from memory.models import MemoryPolicy

from .helpers import SENT_AT, by_key

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT
NAMES = ["Wei Zhang", "Wei"]
APPLIES = MemoryPolicy._meta.get_field("min_auto_apply_confidence").default

# (role, message, key, action, payload fields)
STATED = [
    # holdings
    ("client", "I carry 130 Gilead in my 401k.", "holding:GILD:401k", ASSERT,
     {"quantity": 130}),
    ("advisor", "wei carries 700 vym.", "holding:VYM", ASSERT, {"quantity": 700}),
    ("advisor", "He's got a 35-share position in 3M.", "holding:MMM", ASSERT,
     {"quantity": 35}),
    ("advisor", "He's long two hundred forty Goldman.", "holding:GS", ASSERT,
     {"quantity": 240}),
    ("client", "My Adobe holding is 275.", "holding:ADBE", ASSERT, {"quantity": 275}),
    ("client", "My cost on the 350 ConocoPhillips is $81.", "holding:COP", ASSERT,
     {"quantity": 350, "cost_basis": 81}),
    ("client", "I scooped up 40 Micron when it was $96.", "holding:MU", ASSERT,
     {"quantity": 40, "cost_basis": 96}),
    ("client", "Bought 130 Eli Lilly @ $190.", "holding:LLY", ASSERT,
     {"quantity": 130, "cost_basis": 190}),
    ("client", "Holdings: Uber 160, UNH 85, QQQ 700.", "holding:QQQ", ASSERT,
     {"quantity": 700}),
    ("client", "Holdings: Uber 160, UNH 85, QQQ 700.", "holding:UBER", ASSERT,
     {"quantity": 160}),
    ("client", "Right, 275 Deere in my 529 plan, that's my biggest position.",
     "holding:DE:529", ASSERT, {"quantity": 275}),
    ("client", "I have 240 — sorry, 250 — NextEra.", "holding:NEE", ASSERT,
     {"quantity": 250}),
    ("advisor", "She owns one hundred thirty, er, one hundred and forty Ford shares.",
     "holding:F", ASSERT, {"quantity": 140}),
    ("client", "I sold out of Comcast on Wednesday.", "holding:CMCSA", RETRACT, {}),
    ("client", "I cashed in my IBM.", "holding:IBM", RETRACT, {}),
    ("client", "No more Deere — I sold every last one.", "holding:DE", RETRACT, {}),
    # profile
    ("advisor", "wei is sixty-two years of age.", "profile:kyc:age", ASSERT,
     {"kyc": {"age": 62}}),
    ("client", "I hit 62 last month.", "profile:kyc:age", ASSERT, {"kyc": {"age": 62}}),
    ("client", "I don't mind big ups and downs.", "profile:risk_tolerance", ASSERT,
     {"risk_tolerance": "aggressive"}),
    ("advisor", "Gareth likes to play it safe with investments.",
     "profile:risk_tolerance", ASSERT, {"risk_tolerance": "conservative"}),
    ("client", "I prefer moderate risk.", "profile:risk_tolerance", ASSERT,
     {"risk_tolerance": "moderate"}),
    ("client", "My horizon's sixteen years, give or take.", "profile:horizon_years",
     ASSERT, {"horizon_years": 16}),
    ("client", "I won't touch this for 12 years.", "profile:horizon_years", ASSERT,
     {"horizon_years": 12}),
    # goals
    ("advisor", "wei wants to quit work at sixty-four.", "goal:retirement", ASSERT,
     {"target_age": 64}),
    ("client", "I want to be done working by 58.", "goal:retirement", ASSERT,
     {"target_age": 58}),
    ("client", "I'm saving one hundred fifty thousand for a home.",
     "goal:home_purchase", ASSERT, {"amount": 150000}),
    # preferences
    ("client", "I'm drawn to renewable energy.",
     "preference:like:sector:renewable energy", ASSERT, {"polarity": "likes"}),
    ("client", "Tech is my thing.", "preference:like:sector:technology", ASSERT,
     {"polarity": "likes"}),
    ("advisor", "he hates the idea of owning alcohol.",
     "preference:avoid:sector:alcohol", ASSERT, {"polarity": "avoids"}),
    ("client", "I'm not into casinos.", "preference:avoid:sector:gambling", ASSERT,
     {"polarity": "avoids"}),
    # views
    ("client", "I think Micron is in a bubble.", "view:MU", ASSERT,
     {"stance": "bearish"}),
    ("advisor", "Wei sees Uber as a bargain.", "view:UBER", ASSERT,
     {"stance": "bullish"}),
    ("advisor", "Wei believes in Micron long term.", "view:MU", ASSERT,
     {"stance": "bullish"}),
    ("client", "I reckon ConocoPhillips is overhyped.", "view:COP", ASSERT,
     {"stance": "bearish"}),
    ("analyst", "NextEra: underperform, PT 130.", "view:NEE", ASSERT,
     {"stance": "bearish", "target_price": 130}),
    # facts
    ("client", "I got bumped up to director.", "fact:employment:promotion", ASSERT, {}),
    ("client", "I bought a house in the suburbs.", "fact:life_event:home_purchase",
     ASSERT, {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"),
    STATED,
    ids=[f"{i:02d}-{c[1][:40]}" for i, c in enumerate(STATED)],
)
def test_plain_speech_states_the_slot(extractor, role, message, key, action, fields):
    found = by_key(
        extractor.extract(message, role=role, occurred_at=SENT_AT, subject_names=NAMES)
    )

    assert key in found, f"{key} not in {sorted(found)}"
    candidate = found[key]
    assert candidate.action is action
    for name, value in fields.items():
        got = candidate.payload.get(name)
        if isinstance(value, dict):  # nested fields: those named must match
            got = {k: v for k, v in (got or {}).items() if k in value}
        assert got == value, (name, candidate.payload)
    assert candidate.confidence >= APPLIES, "a clear statement applies at once"


NOTHING = [
    ("client", "My mate has 180 Micron."),
    ("advisor", "Chloe's mate has one hundred eighty Micron."),
    ("client", "A friend of mine owns loads of Palantir."),
    ("client", "My mate plans to retire at fifty-five."),
    ("client", "My uncle got promoted again."),
    ("client", "My business partner just lost his job."),
    ("client", "I almost bought Adobe but didn't."),
    ("client", "I have no Prologis whatsoever."),
    ("client", "My sister thinks Ford is overpriced."),
    ("client", "how did uber do today?"),
    ("client", "i sold my ups and downs, lol."),
]


@pytest.mark.parametrize(("role", "message"), NOTHING, ids=[c[1] for c in NOTHING])
def test_what_is_not_the_subjects_states_nothing(extractor, role, message):
    found = extractor.extract(message, role=role, subject_names=NAMES)

    assert [c for c in found if c.kind != "profile"] == [], found


def test_other_peoples_view_said_to_someone_else_is_not_the_clients(extractor):
    found = extractor.extract("Harriet owns 275 IBM; TXN seems overpriced to him.")

    assert "view:TXN" not in {c.key for c in found}


HEDGED = [
    "Could be 45 EEM, I honestly don't remember.",
    "350 Booking Holdings, if memory serves.",
    "Possibly 85 BofA, not a hundred percent.",
    "Not sure, but Ford might be overpriced.",
]


@pytest.mark.parametrize("message", HEDGED)
def test_a_hedge_waits_for_review(extractor, message):
    (found,) = extractor.extract(message)

    assert found.confidence < APPLIES


ANSWERS = [
    ("How big is the QQQ position?", "eighty-five.", "holding:QQQ", {"quantity": 85}),
    ("Still got the Goldman?", "Yes — 70.", "holding:GS", {"quantity": 70}),
    ("Where do you keep the 130 ADBE?", "All of it in my brokerage account.",
     "holding:ADBE:brokerage", {"quantity": 130}),
    ("What level of risk suits you?", "Cautious, really.", "profile:risk_tolerance",
     {"risk_tolerance": "conservative"}),
    ("On a scale of cautious to adventurous, where are you?", "Adventurous!",
     "profile:risk_tolerance", {"risk_tolerance": "aggressive"}),
    ("When will you need it?", "In ten years.", "profile:horizon_years",
     {"horizon_years": 10}),
    ("Age?", "Just turned forty-five.", "profile:kyc:age", {"kyc": {"age": 45}}),
    ("Thoughts on BofA?", "Love it, I think it'll keep rising.", "view:BAC",
     {"stance": "bullish"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("question", "answer", "key", "fields"), ANSWERS, ids=[c[1] for c in ANSWERS]
)
def test_more_answers_complete_their_question(extractor, question, answer, key, fields):
    found = by_key(extractor.extract(answer, previous=[PriorTurn("advisor", question)]))

    assert key in found, found
    for name, value in fields.items():
        assert found[key].payload[name] == value


def test_n_more_is_more_of_the_instrument_said_before(extractor):
    before = [PriorTurn("client", "I own 400 Uber.")]
    held = extractor.extract("I own 400 Uber.")

    (found,) = extractor.extract(
        "I picked up sixty more.", previous=before, existing=held
    )

    assert found.key == "holding:UBER" and found.payload["change"] == 60


def test_a_correction_without_the_instrument_corrects_the_one_held(extractor):
    held = extractor.extract("I own 45 Comcast.")

    (found,) = extractor.extract("typo — should be 50.", context=held)

    assert found.key == "holding:CMCSA" and found.payload["quantity"] == 50
