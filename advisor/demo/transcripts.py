"""Demo conversations: several sessions per client, months apart.

The demo's memories are not written by hand: they are extracted from these
transcripts by the configured extractor, so a new user sees what extraction makes of
realistic advisor-client talk — including later corrections that supersede earlier
facts, and hedged remarks that wait as proposals.
"""

# Each session: (days before today, [(speaker, text), ...]).
CLIENT_SESSIONS = {
    "CRM-1001": [  # Eleanor Whitfield
        (
            430,
            [
                ("advisor", "Good to see you, Eleanor. How was the trip to Lisbon?"),
                ("client", "Wonderful, thank you. The pastries alone were worth it."),
                (
                    "advisor",
                    "Let's start with where things stand. What are you holding right now?",
                ),
                (
                    "client",
                    "I bought 200 shares of Apple at $150 in my IRA a few years ago.",
                ),
                (
                    "client",
                    "And we own about 150 shares of Johnson & Johnson in the taxable account.",
                ),
                ("advisor", "And how do you feel about risk these days?"),
                (
                    "client",
                    "I'd say I'm moderate. I can sleep through a 10% drop, not a 40% one.",
                ),
                ("client", "I want to retire at 60 and still travel."),
                ("advisor", "Anything you'd rather not own?"),
                (
                    "client",
                    "No tobacco stocks please, my father smoked his whole life.",
                ),
            ],
        ),
        (
            200,
            [
                ("client", "Our second grandchild was born in May! Little Maya."),
                ("advisor", "Congratulations! That's wonderful news."),
                ("client", "We need $120,000 for Maya's tuition by 2040."),
                (
                    "client",
                    "Actually, it was 300 shares of Apple, not 200. I checked the statement.",
                ),
                ("advisor", "Thanks, I'll correct that."),
                ("client", "We plan to retire in 12 years, so that's our horizon."),
            ],
        ),
        (
            35,
            [
                (
                    "client",
                    "I've been reading about Nvidia. I might buy some Nvidia, not sure yet.",
                ),
                ("advisor", "Let's look at how that fits before you decide."),
                (
                    "client",
                    "I'm bearish on Tesla, I think it drops to $180 within 6 months.",
                ),
                ("client", "Maybe I'm a bit bearish on Netflix, not sure."),
                ("client", "Possibly bullish on Costco too, I haven't decided."),
                ("client", "How was your weekend, by the way?"),
            ],
        ),
    ],
    "CRM-1002": [  # Marcus Chen
        (
            380,
            [
                (
                    "client",
                    "I'm aggressive, I've got 25 years before I need any of this.",
                ),
                (
                    "client",
                    "I own 1,200 shares of Nvidia at $45 in my brokerage account.",
                ),
                (
                    "client",
                    "And 400 shares of Microsoft at $240 in the taxable account.",
                ),
                (
                    "advisor",
                    "That's a concentrated tech position. Any appetite to diversify?",
                ),
                (
                    "client",
                    "Some. I prefer growth companies, but I know it's a lot of Nvidia.",
                ),
            ],
        ),
        (
            150,
            [
                (
                    "client",
                    "I sold all my Microsoft last week to pay for the kitchen remodel.",
                ),
                ("advisor", "Noted. Did that cover the whole project?"),
                ("client", "Mostly. I'm bullish on AMD, I see it at $250 in a year."),
                ("client", "We want to buy a cabin, about $400,000, by 2028."),
            ],
        ),
        (
            20,
            [
                ("client", "I bought 100 more Nvidia shares at $120."),
                ("client", "No more oil companies for me, I avoid fossil fuels now."),
            ],
        ),
    ],
    "CRM-1003": [  # Ruth and David Okonkwo
        (
            500,
            [
                (
                    "client",
                    "We're fairly conservative, we can't afford big losses now.",
                ),
                ("client", "No tobacco or weapons stocks please."),
                ("client", "We prefer dividend payers, the income matters to us."),
                ("client", "We own 300 shares of Coca-Cola at $52 in the IRA."),
                (
                    "client",
                    "And 250 shares of Procter & Gamble in the taxable account.",
                ),
            ],
        ),
        (
            90,
            [
                (
                    "client",
                    "David retired in March, so we're drawing on the accounts now.",
                ),
                (
                    "client",
                    "We plan to retire fully in 5 years, so that's our horizon.",
                ),
                ("client", "We own 400 shares of Verizon at $38 in the IRA as well."),
            ],
        ),
    ],
    "CRM-1004": [  # Sofia Alvarez
        (
            300,
            [
                (
                    "client",
                    "I want to buy a home in 3 years, I need about $90,000 for the down payment.",
                ),
                ("client", "I prefer dividend payers, I like seeing the income."),
                ("client", "I hold 60 shares of Home Depot at $310 in my Roth IRA."),
            ],
        ),
        (
            45,
            [
                ("client", "I got promoted to engineering manager!"),
                (
                    "client",
                    "I'm bullish on Costco, I think it reaches $1,100 within a year.",
                ),
                ("client", "I'd call myself moderately aggressive now."),
            ],
        ),
    ],
    "CRM-2001": [  # Harold Becker
        (
            260,
            [
                (
                    "client",
                    "I'm moderately conservative, preserving capital is the point now.",
                ),
                (
                    "client",
                    "I own 500 shares of Johnson & Johnson at $140 in the taxable account.",
                ),
                (
                    "client",
                    "I want to give $50,000 to the university foundation by 2027.",
                ),
            ],
        ),
    ],
    "CRM-2002": [  # Aisha Rahman
        (
            180,
            [
                ("client", "We need $200,000 for our daughter's tuition by 2034."),
                ("client", "No weapons or fossil fuel companies, please."),
                ("client", "I hold 80 shares of Microsoft at $330 in my 401k."),
            ],
        ),
        (
            25,
            [
                ("client", "Our son started kindergarten this fall."),
                ("client", "I'm bullish on Microsoft, target $600 within 18 months."),
            ],
        ),
    ],
}

ANALYST_SESSIONS = [
    (
        240,
        [
            (
                "analyst",
                "I'm bullish on Nvidia, target $160 within 12 months, high conviction.",
            ),
            ("analyst", "I'm bearish on Tesla, I see it at $150 within 6 months."),
            ("analyst", "I'm bullish on Exxon, target $130 within a year."),
        ],
    ),
    (
        60,
        [
            ("analyst", "I'm bullish on Apple, target $260 within 12 months."),
            (
                "analyst",
                "I'm no longer bullish on Exxon, the thesis broke with the supply glut.",
            ),
            ("analyst", "I'm bullish on Microsoft, target $550 within 12 months."),
        ],
    ),
]
