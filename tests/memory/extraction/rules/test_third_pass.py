"""Wording of the third extraction pass (``bench/make_extract_devset3``).

Holdings said without "shares" ("sits on 850 Disney", "my AMD comes to 260",
"Portfolio: 380 Pfizer, 95 JPMorgan"), feelings and ethics as preferences, an
exclusion said as the answer to a question, "I meant" as a correction, risk and
views in other words; and what must still leave nothing.
"""

import pytest

from memory.extraction.candidates import CandidateAction, PriorTurn
from memory.models import MemoryPolicy

from .helpers import SENT_AT, by_key

ASSERT = CandidateAction.ASSERT
NAMES = ["Kwame Boateng", "Kwame"]
APPLIES = MemoryPolicy._meta.get_field("min_auto_apply_confidence").default

# (role, message, key, payload fields)
STATED = [
    # holdings
    ("advisor", "She sits on eight hundred and fifty Disney.", "holding:DIS",
     {"quantity": 850}),
    ("client", "I keep 210 Home Depot.", "holding:HD", {"quantity": 210}),
    ("advisor", "Kwame keeps 260 ExxonMobil in Kwame's regular brokerage.",
     "holding:XOM:taxable", {"quantity": 260}),
    ("client", "My AMD comes to two hundred sixty.", "holding:AMD", {"quantity": 260}),
    ("client", "I snapped up 380 Disney recently.", "holding:DIS", {"quantity": 380}),
    ("advisor", "Last year he put money into five hundred Netflix.", "holding:NFLX",
     {"quantity": 500}),
    ("advisor", "Oh — Kwame's portfolio: 380 Pfizer, ninety-five JPMorgan.",
     "holding:JPM", {"quantity": 95}),
    ("advisor", "Oh — Kwame's portfolio: 380 Pfizer, ninety-five JPMorgan.",
     "holding:PFE", {"quantity": 380}),
    ("advisor", "For what it's worth, forty AAPL — that's what Kwame has.",
     "holding:AAPL", {"quantity": 40}),
    ("advisor", "Kwame is in AMD to the tune of 380.", "holding:AMD",
     {"quantity": 380}),
    ("client", "Microsoft, forty of them.", "holding:MSFT", {"quantity": 40}),
    ("client", "I have AGG: 95.", "holding:AGG", {"quantity": 95}),
    ("client", "My Apple position: 40.", "holding:AAPL", {"quantity": 40}),
    ("advisor", "So Kwame holds 30 pieces of Walmart.", "holding:WMT",
     {"quantity": 30}),
    ("client", "Also, I'm up to 175 Intel now.", "holding:INTC", {"quantity": 175}),
    ("advisor", "850 Intel in her Roth account — that's what she has.",
     "holding:INTC:roth_ira", {"quantity": 850}),
    # preferences
    ("advisor", "She'd never put money into gun makers.",
     "preference:avoid:sector:weapons", {"polarity": "avoids"}),
    ("advisor", "He won't go near bitcoin.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("client", "I don't trust bitcoin.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("client", "Crypto is off the table.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("advisor", "Betting companies are not her cup of tea.",
     "preference:avoid:sector:gambling", {"polarity": "avoids"}),
    ("client", "For what it's worth, leave oil out, please.",
     "preference:avoid:sector:fossil fuels", {"polarity": "avoids"}),
    ("client", "Not tobacco companies, please.", "preference:avoid:sector:tobacco",
     {"polarity": "avoids"}),
    ("client", "Under no circumstances big tobacco.",
     "preference:avoid:sector:tobacco", {"polarity": "avoids"}),
    ("client", "I'm morally opposed to arms makers.",
     "preference:avoid:sector:weapons", {"polarity": "avoids"}),
    ("client", "I have a problem with cigarettes.", "preference:avoid:sector:tobacco",
     {"polarity": "avoids"}),
    ("advisor", "So crypto? Absolutely not.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("client", "I'm a sucker for ETFs.", "preference:like:sector:index funds",
     {"polarity": "likes"}),
    ("advisor", "Pharma excites him.", "preference:like:sector:healthcare",
     {"polarity": "likes"}),
    ("client", "I gravitate towards real estate.",
     "preference:like:sector:real estate", {"polarity": "likes"}),
    ("advisor", "She'd like to see more pharma.", "preference:like:sector:healthcare",
     {"polarity": "likes"}),
    ("advisor", "Kwame is all for real estate.", "preference:like:sector:real estate",
     {"polarity": "likes"}),
    ("client", "I want to support wind power.",
     "preference:like:sector:renewable energy", {"polarity": "likes"}),
    ("client", "More wind power, please.", "preference:like:sector:renewable energy",
     {"polarity": "likes"}),
    ("client", "I've always liked pharma.", "preference:like:sector:healthcare",
     {"polarity": "likes"}),
    ("advisor", "Oh — dividend payers? Love them.",
     "preference:like:sector:dividends", {"polarity": "likes"}),
    ("client", "I want nothing to do with tobacco companies.",
     "preference:avoid:sector:tobacco", {"polarity": "avoids"}),
    ("advisor", "Kwame is not a fan of liquor companies.",
     "preference:avoid:sector:alcohol", {"polarity": "avoids"}),
    ("advisor", "Arms makers are a no-go for her.", "preference:avoid:sector:weapons",
     {"polarity": "avoids"}),
    ("client", "My values rule out oil and bitcoin.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("client", "I have ethical objections to gun makers and alcohol.",
     "preference:avoid:sector:weapons", {"polarity": "avoids"}),
    ("advisor", "He despises gambling.", "preference:avoid:sector:gambling",
     {"polarity": "avoids"}),
    ("advisor", "Lucia is wary of bitcoin.", "preference:avoid:sector:crypto",
     {"polarity": "avoids"}),
    ("client", "I feel good about chipmakers.", "preference:like:sector:technology",
     {"polarity": "likes"}),
    ("advisor", "She's excited about bonds.", "preference:like:sector:bonds",
     {"polarity": "likes"}),
    ("client", "Dividend payers appeal to me.", "preference:like:sector:dividends",
     {"polarity": "likes"}),
    ("client", "Clean energy — I love that stuff.",
     "preference:like:sector:renewable energy", {"polarity": "likes"}),
    ("client", "I really like drug companies.", "preference:like:sector:healthcare",
     {"polarity": "likes"}),
    # profile and views
    ("client", "I'm thirty-one, and I'm fine with some risk.",
     "profile:risk_tolerance", {"risk_tolerance": "moderate"}),
    ("advisor", "Kwame is 43, and Kwame wants to keep it safe.",
     "profile:risk_tolerance", {"risk_tolerance": "conservative"}),
    ("client", "I think Disney is going to do well.", "view:DIS",
     {"stance": "bullish"}),
    ("advisor", "NFLX is overvalued, in his opinion.", "view:NFLX",
     {"stance": "bearish"}),
    ("analyst", "My call on Apple: buy, target $130.", "view:AAPL",
     {"stance": "bullish", "target_price": 130}),
    ("client", "I'm betting on Pfizer.", "view:PFE", {"stance": "bullish"}),
    ("client", "I have high hopes for Salesforce.", "view:CRM",
     {"stance": "bullish"}),
    ("client", "I've lost faith in JPMorgan.", "view:JPM", {"stance": "bearish"}),
    ("client", "Merck's best days are behind it.", "view:MRK",
     {"stance": "bearish"}),
    ("client", "Home Depot is overdue for a correction.", "view:HD",
     {"stance": "bearish"}),
    ("client", "Walmart is poised to grow.", "view:WMT", {"stance": "bullish"}),
    ("client", "I want to be out of the workforce by 65.", "goal:retirement",
     {"target_age": 65}),
    ("advisor", "She'd like to hang up her boots at sixty.", "goal:retirement",
     {"target_age": 60}),
    ("client", "So I'm forty-four years young.", "profile:kyc:age",
     {"kyc": {"age": 44}}),
    ("client", "This is money for thirty years from now.", "profile:horizon_years",
     {"horizon_years": 30}),
    ("client", "Losing money keeps me up at night.", "profile:risk_tolerance",
     {"risk_tolerance": "conservative"}),
    ("advisor", "Slow and steady for him.", "profile:risk_tolerance",
     {"risk_tolerance": "conservative"}),
    ("client", "I can live with big swings.", "profile:risk_tolerance",
     {"risk_tolerance": "aggressive"}),
    ("client", "I want a mix of safety and growth.", "profile:risk_tolerance",
     {"risk_tolerance": "moderate"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "message", "key", "fields"),
    STATED,
    ids=[f"{i:02d}-{c[1][:40]}" for i, c in enumerate(STATED)],
)
def test_third_pass_wording_states_the_slot(extractor, role, message, key, fields):
    found = by_key(
        extractor.extract(message, role=role, occurred_at=SENT_AT, subject_names=NAMES)
    )

    assert key in found, f"{key} not in {sorted(found)}"
    candidate = found[key]
    assert candidate.action is ASSERT
    for name, value in fields.items():
        got = candidate.payload.get(name)
        if isinstance(value, dict):  # nested fields: those named must match
            got = {k: v for k, v in (got or {}).items() if k in value}
        assert got == value, (name, candidate.payload)
    assert candidate.confidence >= APPLIES, "a clear statement applies at once"


HEDGED = [
    "I think it's around one hundred seventy-five Disney, not sure.",
    "Probably 75 JPMorgan, I'd need to look.",
    "Roughly 95 VOO, I guess.",
]


@pytest.mark.parametrize("message", HEDGED)
def test_a_hedged_amount_without_a_verb_waits_for_review(extractor, message):
    (found,) = extractor.extract(message)

    assert found.kind == "holding" and found.confidence < APPLIES


NOTHING = [
    ("client", "My dad bought 120 Netflix last week."),
    ("advisor", "Kwame's son has 175 ExxonMobil."),
    ("client", "I might pick up 95 VXUS next year."),
    ("client", "I was going to buy 120 NFLX but didn't."),
    ("client", "My brother loves REITs."),
    ("client", "Are index funds doing well this year?"),
    ("client", "I keep an eye on Apple."),
    ("client", "Disney had a rough quarter."),
    # someone else's, a near miss, or a company's own numbers
    ("client", "The fund I like holds 850 Pfizer."),
    ("client", "I nearly bought 200 Nike."),
    ("client", "Some hedge fund bought 500 Apple."),
    ("client", "The guy next door has 40 Disney."),
    ("client", "I've worked at Intel for 11 years."),
    ("client", "Walmart has 210 stores near me."),
    # a company's products are no position in it
    ("client", "I bought 2 Apple watches."),
    ("client", "I got 50 Amazon packages this month."),
    ("client", "I have 5 Netflix accounts."),
    ("client", "I have a Tesla."),
    ("client", "I used to hate bonds but now I'm fine with them."),
]


@pytest.mark.parametrize(("role", "message"), NOTHING, ids=[c[1] for c in NOTHING])
def test_what_is_not_the_subjects_still_states_nothing(extractor, role, message):
    found = extractor.extract(message, role=role, subject_names=NAMES)

    assert found == [], found


ANSWERS = [
    ("Anything you'd rather not invest in?", "Definitely gun makers.",
     "preference:avoid:sector:weapons"),
    ("Are there sectors you want to avoid?", "cigarettes, mostly.",
     "preference:avoid:sector:tobacco"),
    ("What's the Merck number?", "It's forty.", "holding:MRK"),
    ("Are there sectors you want to avoid?", "Definitely big tobacco.",
     "preference:avoid:sector:tobacco"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "answer", "key"), ANSWERS)
def test_an_answer_completes_the_question_before_it(extractor, question, answer, key):
    found = by_key(extractor.extract(answer, previous=[PriorTurn("advisor", question)]))

    assert key in found, sorted(found)


def test_i_meant_corrects_the_holding_just_said(extractor):
    held = extractor.extract("I have 380 Walmart.")

    (found,) = extractor.extract("Sorry, I meant 395.", context=held)

    assert found.key == "holding:WMT" and found.payload["quantity"] == 395
