"""The offline rules extractor: what a client, advisor or analyst says → candidates.

Pure Python: no database, no Django, no network.
"""

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from memory.extraction.candidates import Candidate, CandidateAction
from memory.extraction.rules import RulesExtractor, parse_amount
from memory.extraction.tickers import DEFAULT_INSTRUMENTS, TickerResolver

ASSERT = CandidateAction.ASSERT
RETRACT = CandidateAction.RETRACT
SENT_AT = datetime(2025, 3, 1, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def extractor():
    return RulesExtractor()


def by_key(candidates: list[Candidate]) -> dict[str, Candidate]:
    keys = [c.key for c in candidates]
    assert len(keys) == len(set(keys)), f"a slot stated twice: {keys}"
    return {c.key: c for c in candidates}


# (role, message, key, action, payload fields that must hold exactly)
CASES = [
    # holdings
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
    (
        "client",
        "I bought 200 shares of Apple in my IRA. Actually, it was 300 shares, not 200.",
        "holding:AAPL:ira",
        ASSERT,
        {"quantity": 300},
    ),
    # profile
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
        "we plan to retire in 15 years",
        "profile:horizon_years",
        ASSERT,
        {"horizon_years": 15},
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
    # goals
    (
        "client",
        "we plan to retire in 15 years",
        "goal:retirement",
        ASSERT,
        {"goal": "retirement", "in_years": 15, "target_date": "2040-03-01"},
    ),
    (
        "client",
        "I want to retire at 60",
        "goal:retirement",
        ASSERT,
        {"goal": "retirement", "target_age": 60},
    ),
    (
        "client",
        "we need $200k for our daughter's tuition by 2032",
        "goal:education:daughter",
        ASSERT,
        {
            "goal": "education",
            "amount": 200_000,
            "currency": "USD",
            "target_date": "2032-01-01",
        },
    ),
    (
        "client",
        "We plan to buy a house in 3 years and need $100k for the down payment",
        "goal:home_purchase",
        ASSERT,
        {"goal": "home purchase", "amount": 100_000, "target_date": "2028-03-01"},
    ),
    (
        "advisor",
        "So you want to retire by 2035, got it.",
        "goal:retirement",
        ASSERT,
        {"target_date": "2035-01-01"},
    ),
    # preferences
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
    # views
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
    # facts
    (
        "client",
        "Our second grandchild was born in May",
        "fact:life_event:grandchild",
        ASSERT,
        {"category": "life_event", "event": "birth", "ordinal": 2, "when": "May"},
    ),
    (
        "client",
        "I just got promoted",
        "fact:employment:promotion",
        ASSERT,
        {"category": "employment"},
    ),
    (
        "client",
        "My father passed away in March and I inherited about $400k",
        "fact:life_event:inheritance",
        ASSERT,
        {"amount": 400_000},
    ),
    (
        "client",
        "My daughter got married last weekend",
        "fact:life_event:marriage:daughter",
        ASSERT,
        {"relation": "daughter"},
    ),
    (
        "client",
        "I was diagnosed with diabetes last year",
        "fact:health:diagnosis",
        ASSERT,
        {"condition": "diabetes"},
    ),
]


@pytest.mark.parametrize(
    ("role", "message", "key", "action", "fields"),
    CASES,
    ids=[f"{i:02d}-{case[1][:40]}" for i, case in enumerate(CASES)],
)
def test_extracts_the_slot_a_message_states(
    extractor, role, message, key, action, fields
):
    found = by_key(extractor.extract(message, role=role, occurred_at=SENT_AT))

    assert key in found, f"{key} not in {sorted(found)}"
    candidate = found[key]
    assert candidate.action is action
    assert candidate.kind == key.split(":")[0]
    for name, value in fields.items():
        assert candidate.payload.get(name) == value, (name, candidate.payload)
    assert candidate.evidence in message
    assert candidate.text and candidate.text[0].isupper()
    json.dumps(candidate.payload)  # JSON-serialisable, dates as strings


def test_a_purchase_reads_as_a_third_person_sentence(extractor):
    [holding] = extractor.extract("I bought 200 shares of Apple at $150 in my IRA")

    assert holding.text == "Holds 200 AAPL bought at $150 in the IRA"
    assert holding.evidence == "I bought 200 shares of Apple at $150 in my IRA"
    assert holding.confidence >= 0.6


def test_a_view_reads_as_a_third_person_sentence(extractor):
    [view] = extractor.extract("I'm bearish on TSLA, target $180 within 6 months")

    assert view.text == "Bearish on TSLA, target $180 within 6 months"


def test_each_excluded_sector_is_its_own_slot(extractor):
    found = by_key(extractor.extract("no tobacco or weapons stocks please"))

    assert sorted(found) == [
        "preference:avoid:sector:tobacco",
        "preference:avoid:sector:weapons",
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


def test_a_correction_replaces_the_slot_instead_of_adding_a_second(extractor):
    found = extractor.extract(
        "I bought 200 shares of Apple in my IRA. Actually, it was 300 shares, not 200."
    )

    assert [(c.key, c.payload["quantity"]) for c in found] == [
        ("holding:AAPL:ira", 300)
    ]


def test_a_bare_correction_finds_its_slot_among_existing_memories(extractor):
    existing = [
        SimpleNamespace(
            kind="holding",
            key="holding:AAPL:ira",
            text="Holds 200 AAPL in the IRA",
            payload={"instrument": "AAPL", "quantity": 200, "account": "ira"},
        ),
        SimpleNamespace(
            kind="holding",
            key="holding:MSFT",
            text="Holds 50 MSFT",
            payload={"instrument": "MSFT", "quantity": 50},
        ),
    ]

    [fixed] = extractor.extract(
        "Actually, it was 300 shares, not 200.", existing=existing
    )

    assert fixed.key == "holding:AAPL:ira"
    assert fixed.action is ASSERT
    assert fixed.payload["quantity"] == 300
    # Which of two holdings "not 100" corrects is unknowable: propose nothing.
    assert extractor.extract("Actually it was 300, not 100.", existing=existing) == []
    # Without any memory to correct there is no slot to name.
    assert extractor.extract("Actually, it was 300 shares, not 200.") == []


def test_a_price_correction_changes_the_cost_basis(extractor):
    earlier = extractor.extract("I bought 200 AAPL at $150 in my IRA")

    [fixed] = extractor.extract(
        "Sorry, I paid $140 a share, not $150.", context=earlier
    )

    assert fixed.key == "holding:AAPL:ira"
    assert fixed.payload["cost_basis"] == 140
    assert fixed.payload["quantity"] == 200


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
    ("role", "message", "kind"),
    [
        ("client", "my brother owns Tesla", "holding"),
        ("client", "My son bought 100 shares of NVDA", "holding"),
        ("client", "my brother is bullish on Tesla", "view"),
        ("client", "My neighbor thinks AAPL is a buy", "view"),
        ("client", "My wife is very conservative", "profile"),
        ("client", "My brother wants to retire at 50", "goal"),
        ("client", "I might buy some AMD", "holding"),
        ("client", "I'm thinking about selling my apple stock", "holding"),
        ("client", "I'm going to sell my Tesla next week", "holding"),
        ("client", "If I had bought NVDA in 2015 I'd be rich", "holding"),
        ("client", "Stocks like Apple are fine", "preference"),
        ("advisor", "Do you still own TSLA?", "holding"),
        ("advisor", "I'm bullish on NVDA myself.", "view"),
        ("advisor", "I bought 100 AAPL for my own account", "holding"),
        ("advisor", "I just got promoted to senior advisor", "fact"),
    ],
)
def test_statements_about_someone_else_or_not_yet_true_are_not_the_subjects(
    extractor, role, message, kind
):
    kinds = {c.kind for c in extractor.extract(message, role=role)}

    assert kind not in kinds


def test_an_analysts_first_person_view_is_the_analysts_own(extractor):
    [view] = extractor.extract("I'm bullish on AMD with a $200 target", role="analyst")

    assert view.key == "view:AMD"
    assert view.payload["target_price"] == 200
    assert view.payload["stance"] == "bullish"


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


def test_without_a_message_time_no_date_is_invented(extractor):
    [goal, horizon] = extractor.extract("we plan to retire in 15 years")

    assert goal.key == "goal:retirement"
    assert goal.payload["target_date"] is None
    assert goal.payload["in_years"] == 15
    assert horizon.payload == {"horizon_years": 15}


def test_an_unknown_role_is_refused(extractor):
    with pytest.raises(ValueError, match="role"):
        extractor.extract("I own 100 AAPL", role="assistant")


def test_candidates_pass_the_memory_payload_validation(extractor):
    payloads = pytest.importorskip("memory.payloads")
    for role, message, *_ in CASES:
        for candidate in extractor.extract(message, role=role, occurred_at=SENT_AT):
            if candidate.action is ASSERT:
                payloads.payload_clean(candidate.kind, candidate.payload)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("1,200", 1200),
        ("$1.2k", 1200),
        ("200k", 200_000),
        ("2 million", 2_000_000),
        ("half a million", 500_000),
        ("$2.5m", 2_500_000),
        ("two hundred", 200),
        ("a quarter million", 250_000),
        ("95.50", 95.5),
    ],
)
def test_amounts_are_read_as_people_write_them(written, value):
    assert parse_amount(written)[0] == value


def test_amounts_keep_their_currency():
    assert parse_amount("$1.2k") == (1200, "USD")
    assert parse_amount("€300") == (300, "EUR")
    assert parse_amount("300") == (300, None)


# ------------------------------------------------------------------ the resolver


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("AAPL", "AAPL"),
        ("$AAPL", "AAPL"),
        ("$aapl", "AAPL"),
        ("Apple", "AAPL"),
        ("apple stock", "AAPL"),
        ("Johnson & Johnson", "JNJ"),
        ("Coca-Cola", "KO"),
        ("coca cola", "KO"),
        ("NVIDIA", "NVDA"),
        ("Nvidia", "NVDA"),
        ("Facebook", "META"),
        ("Google", "GOOGL"),
        ("BRK.B", "BRK-B"),
        ("Berkshire Hathaway", "BRK-B"),
        ("McDonald’s", "MCD"),
        ("AT&T", "T"),
        ("$T", "T"),
        ("shares of T", "T"),
        ("visa stock", "V"),
    ],
)
def test_the_resolver_finds_symbols_and_names(text, symbol):
    assert TickerResolver().resolve(text) == symbol


@pytest.mark.parametrize(
    "text",
    ["T", "C", "V", "MA", "ALL", "IT", "ON", "A", "ARE", "SO", "NOW", "t", "all"],
)
def test_symbols_that_are_words_need_a_dollar_sign_or_a_ticker_position(text):
    resolver = TickerResolver()

    assert resolver.resolve(text) is None
    assert resolver.resolve(f"${text}") == text.upper()


@pytest.mark.parametrize(
    "prose",
    [
        "we are all set, it is on me now",
        "call me at 3 PM",
        "is a travel visa needed",
        "ALL OF IT IS GONE NOW",
        "so are we",
    ],
)
def test_ordinary_prose_names_no_instrument(prose):
    assert TickerResolver().find(prose) == []


def test_the_resolver_takes_the_apps_own_instruments():
    extra = [
        {
            "symbol": "SHEL",
            "name": "Shell plc",
            "aliases": ["Shell"],
            "sector": "Energy",
            "currency": "USD",
            "exchange": "NYSE",
            "reference_price": 70.0,
        }
    ]
    resolver = TickerResolver(extra=extra)

    assert resolver.resolve("Shell") == "SHEL"
    assert resolver.resolve("AAPL") == "AAPL"
    assert TickerResolver().resolve("Shell") is None
    [holding] = RulesExtractor(resolver).extract("I own 300 Shell in my IRA")
    assert holding.key == "holding:SHEL:ira"


def test_the_built_in_table_is_complete_enough_to_price_and_screen():
    symbols = [item["symbol"] for item in DEFAULT_INSTRUMENTS]

    assert len(symbols) >= 80
    assert len(symbols) == len(set(symbols))
    for item in DEFAULT_INSTRUMENTS:
        assert item["reference_price"] > 0, item["symbol"]
        assert item["sector"] and item["currency"] == "USD" and item["exchange"]
    sectors = {item["symbol"]: item["sector"] for item in DEFAULT_INSTRUMENTS}
    assert sectors["MO"] == sectors["PM"] == "Tobacco"
    assert sectors["LMT"] == "Defense"
    assert sectors["XOM"] == "Energy"
    for symbol in ("SPY", "VOO", "VTI", "QQQ", "BND", "AGG", "SCHD", "VIG"):
        assert symbol in sectors
