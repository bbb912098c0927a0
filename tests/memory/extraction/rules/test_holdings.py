"""Holdings: bought, sold, added to or owned, with quantities, prices, accounts."""

import pytest

from memory.extraction.candidates import CandidateAction

from .helpers import assert_states_slot, case_ids

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT

# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    (
        "client",
        "I bought 200 shares of Apple at $150 in my IRA",
        "holding:AAPL:ira",
        ASSERT,
        {"instrument": "AAPL", "quantity": 200, "cost_basis": 150, "account": "ira"},
    ),
    (
        "client",
        "We own about 500 MSFT in the taxable account",
        "holding:MSFT:taxable",
        ASSERT,
        {"instrument": "MSFT", "quantity": 500, "account": "taxable"},
    ),
    ("client", "I sold all my Tesla last week", "holding:TSLA", RETRACT, {}),
    ("client", "I no longer own TSLA", "holding:TSLA", RETRACT, {}),
    # Decision: "I don't own any X" retracts; with nothing to retract it is a no-op.
    ("client", "I don't own any Nvidia", "holding:NVDA", RETRACT, {}),
    ("client", "I got out of Boeing entirely", "holding:BA", RETRACT, {}),
    (
        "client",
        "I sold my Tesla in the Roth IRA",
        "holding:TSLA:roth_ira",
        RETRACT,
        {"account": "roth_ira"},
    ),
    (
        "client",
        "I sold 50 shares of AAPL",
        "holding:AAPL",
        ASSERT,
        {"change": -50, "quantity": None},
    ),
    (
        "client",
        "I sold 50 of my 200 AAPL in the Roth",
        "holding:AAPL:roth_ira",
        ASSERT,
        {"quantity": 150, "change": -50},
    ),
    (
        "client",
        "I bought 100 more NVDA, so I now have 300.",
        "holding:NVDA",
        ASSERT,
        {"quantity": 300, "change": 100},
    ),
    (
        "client",
        "Bought another 100 shares of MSFT last month",
        "holding:MSFT",
        ASSERT,
        {"change": 100, "quantity": None},
    ),
    (
        "client",
        "My wife and I own 500 shares of Coca-Cola",
        "holding:KO",
        ASSERT,
        {"quantity": 500},
    ),
    (
        "client",
        "We've got 1,000 shares of Johnson & Johnson in the joint account",
        "holding:JNJ:joint",
        ASSERT,
        {"quantity": 1000, "account": "joint"},
    ),
    (
        "client",
        "In my 401k I have 300 VOO and 150 BND.",
        "holding:BND:401k",
        ASSERT,
        {"quantity": 150, "account": "401k"},
    ),
    (
        "client",
        "I picked up 1.2k shares of $AMD at $95.50",
        "holding:AMD",
        ASSERT,
        {"quantity": 1200, "cost_basis": 95.5},
    ),
    (
        "client",
        "I bought 40 shares of Costco for $34,000",
        "holding:COST",
        ASSERT,
        {"quantity": 40, "cost_basis": 850},
    ),
    (
        "client",
        "We have 200k in VTI and half a million in BND",
        "holding:BND",
        ASSERT,
        {"value": 500_000, "quantity": None},
    ),
    (
        "advisor",
        "Noted: you hold 200 AAPL in your Roth.",
        "holding:AAPL:roth_ira",
        ASSERT,
        {"quantity": 200, "account": "roth_ira"},
    ),
    ("client", "I hold shares of T in my IRA", "holding:T:ira", ASSERT, {}),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"), CASES, ids=case_ids(CASES)
)
def test_extracts_the_holding_a_message_states(
    extractor, role, message, key, action, fields
):
    assert_states_slot(extractor, role, message, key, action, fields)


def test_a_purchase_reads_as_a_third_person_sentence(extractor):
    [holding] = extractor.extract("I bought 200 shares of Apple at $150 in my IRA")

    assert holding.text == "Holds 200 AAPL bought at $150 in the IRA"
    assert holding.evidence == "I bought 200 shares of Apple at $150 in my IRA"
    assert holding.confidence >= 0.6


@pytest.mark.parametrize(
    ("role", "message", "kind"),
    [
        ("client", "I might buy some AMD", "holding"),
        ("client", "I'm thinking about selling my apple stock", "holding"),
        ("client", "I'm going to sell my Tesla next week", "holding"),
        ("client", "If I had bought NVDA in 2015 I'd be rich", "holding"),
    ],
)
def test_holdings_not_yet_true_are_not_the_subjects(extractor, role, message, kind):
    kinds = {c.kind for c in extractor.extract(message, role=role)}

    assert kind not in kinds
