"""Generate ``bench/extract_heldout.json``: the held-out extraction set.

Written apart from the development set and never tuned on: its own sentences
(idioms, CRM shorthand, answers in a word, feelings and judgements put other
ways), its own clients, advisors and tickers, and its own seed. The rules were
not changed to pass it; ``make bench`` reports it beside the development set,
and the gap between the two is the honest figure.

Deterministic for a seed: ``python -m bench.make_extract_heldout``.
"""

from __future__ import annotations

import argparse
import random

from bench.extract_sets import HELDOUT, Dialogue, Person, number_words, write_set
from market.instruments import DEFAULT_INSTRUMENTS

SEED = 90210
COUNT = 220

CLIENTS = [
    Person("Eleanor Vance", "she"),
    Person("Tobias Grant", "he"),
    Person("Rafael Ortiz", "he"),
    Person("Ingrid Larsen", "she"),
    Person("Desmond Hale", "he"),
    Person("Yuki Tanaka", "she"),
    Person("Beatrice Moreau", "she"),
    Person("Oliver Quinn", "he"),
    Person("Farah Haddad", "she"),
    Person("Gregory Lin", "he"),
]
ANALYSTS = [
    Person("Nadia Petrova", "she", "analyst"),
    Person("Colin Reed", "he", "analyst"),
]
ADVISORS = ["Morgan Ellis", "Jordan Blake"]

PRICE = {i["symbol"]: float(i["reference_price"]) for i in DEFAULT_INSTRUMENTS}
NAMES = {
    "ADBE": "Adobe",
    "CRM": "Salesforce",
    "ORCL": "Oracle",
    "QCOM": "Qualcomm",
    "AVGO": "Broadcom",
    "CSCO": "Cisco",
    "WMT": "Walmart",
    "PG": "Procter & Gamble",
    "PEP": "Pepsi",
    "HD": "Home Depot",
    "MCD": "McDonald's",
    "NKE": "Nike",
    "CVX": "Chevron",
    "BAC": "Bank of America",
    "GS": "Goldman Sachs",
    "V": "Visa",
    "MA": "Mastercard",
    "LLY": "Eli Lilly",
    "JNJ": "Johnson & Johnson",
    "MRK": "Merck",
    "UNH": "UnitedHealth",
    "CAT": "Caterpillar",
    "HON": "Honeywell",
    "NEE": "NextEra",
    "PLTR": "Palantir",
    "UBER": "Uber",
    "VZ": "Verizon",
}
SYMBOL_OK = ["ADBE", "CRM", "ORCL", "QCOM", "AVGO", "CSCO", "WMT", "CVX", "LLY", "UNH"]
FUNDS = ["QQQ", "VIG", "VYM", "AGG"]
ACCOUNT = {
    "roth_ira": "Roth",
    "ira": "IRA",
    "401k": "401k",
    "joint": "joint account",
    "brokerage": "brokerage account",
}


class Pen:
    """The choices the held-out dialogues are written with."""

    def __init__(self, rng: random.Random):
        self.r = rng

    def one(self, *options):
        return self.r.choice(options)

    def company(self) -> tuple[str, str]:
        symbol = self.r.choice(list(NAMES))
        said = (
            symbol if symbol in SYMBOL_OK and self.r.random() < 0.3 else NAMES[symbol]
        )
        return symbol, said

    def position(self) -> tuple[str, str]:
        if self.r.random() < 0.2:
            fund = self.r.choice(FUNDS)
            return fund, fund
        return self.company()

    def shares(self) -> int:
        return self.r.choice([30, 60, 90, 110, 160, 180, 220, 240, 320, 350, 450, 800])

    def count(self, n: int) -> str:
        if self.r.random() < 0.5:
            return number_words(n)
        return str(n)

    def dollars(self, amount: int) -> str:
        if amount >= 1_000_000:
            m = amount / 1_000_000
            return self.one(
                f"{number_words(int(m))} million" if m == int(m) else f"{m:g} million",
                f"${m:g}m",
            )
        return self.one(f"${amount:,}", f"{amount // 1000}k", f"{amount // 1000} grand")

    def account(self) -> tuple[str, str]:
        code = self.r.choice(list(ACCOUNT))
        return code, ACCOUNT[code]


WRITERS: list[tuple[str, str, object]] = []


def writes(topic: str, channels: str = "transcript chat", *, weight: int = 1):
    def register(fn):
        for channel in channels.split():
            WRITERS.extend([(topic, channel, fn)] * weight)
        return fn

    return register


def line(d: Dialogue, client: str, chat: str) -> None:
    """Say the client's own words in a transcript, or the advisor's note in chat."""
    if d.channel == "chat":
        d.advisor_(chat)
    else:
        d.client(client)


# ----------------------------------------------------------------------- holdings


@writes("holdings")
def loaded_up(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    cost = max(5, int(PRICE[symbol] * p.one(0.75, 0.85, 0.95)))
    s = d.subject
    line(
        d,
        p.one(
            f"I loaded up on {said} back in January, {p.count(n)} shares at ${cost}.",
            f"I scooped up {p.count(n)} of {said} when it dipped, paid ${cost}.",
            f"I've been sitting on {p.count(n)} {said} since 2019, bought at ${cost}.",
        ),
        p.one(
            f"{s.first} loaded up on {said}: {p.count(n)} shares at ${cost}.",
            f"{s.first} scooped up {p.count(n)} {said} on the dip at ${cost}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=n, cost_basis=cost)


@writes("holdings")
def account_first(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    code, account = p.account()
    s = d.subject
    line(
        d,
        p.one(
            f"In my {account} I've got {p.count(n)} {said}.",
            f"The {account} is basically {p.count(n)} {said}.",
            f"My {account} holds {p.count(n)} {said}.",
        ),
        p.one(
            f"{s.first}: {n} {symbol}, {account}.",
            f"{s.first}'s {account} has {p.count(n)} {said}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=n, account=code)


@writes("holdings")
def unloaded(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    s = d.subject
    line(d, f"I've got {p.count(n)} {said}.", f"{s.first} holds {n} {said}.")
    line(
        d,
        p.one(
            f"Scratch that position, I unloaded my {said} in March.",
            f"I cashed out of {said} entirely last week.",
            f"I'm done with {said}, sold the lot.",
        ),
        p.one(
            f"{s.he.capitalize()} unloaded the {said} in March.",
            f"{s.first} cashed out of {said} entirely.",
        ),
    )


@writes("holdings")
def halved(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares() * 2
    s = d.subject
    line(d, f"I own {p.count(n)} {said}.", f"{s.first} owns {n} {said}.")
    line(
        d,
        p.one(
            f"I sold half of my {said} today.", f"Sold half the {said} this morning."
        ),
        f"{s.he.capitalize()} sold half of {s.his} {said} today.",
    )
    d.note("holding", instrument=symbol, quantity=n // 2)


@writes("holdings", "transcript")
def still_in(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    code, account = p.account()
    kind = p.one("yes", "roth", "did", "didnt")
    if kind == "yes":
        d.advisor_(f"Are you still in {said}?")
        d.client(p.one(f"Yep, still have all {p.count(n)}.", f"Yes, {n} of them."))
        d.note("holding", instrument=symbol, quantity=n)
    elif kind == "roth":
        d.advisor_(f"What's in your {account} these days?")
        d.client(f"Mostly {said}, about {p.count(n)} shares.")
        d.note("holding", instrument=symbol, quantity=n, account=code)
    elif kind == "did":
        d.advisor_(f"Did you end up buying {said}?")
        d.client(
            p.one(f"I did, {p.count(n)} shares.", f"Yes, {n} shares last Tuesday.")
        )
        d.note("holding", instrument=symbol, quantity=n)
    else:
        d.advisor_(f"Did you end up buying {said}?")
        d.client(p.one("No, I never pulled the trigger.", "Not yet, still thinking."))


@writes("holdings")
def not_theirs(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    s = d.subject
    line(
        d,
        p.one(
            f"A buddy of mine put everything into {said}.",
            f"My accountant owns a lot of {said}.",
            f"My cousin keeps buying {said}.",
        ),
        p.one(
            f"{s.first}'s cousin keeps buying {said}.",
            f"{s.first} mentioned a friend who went all in on {said}.",
        ),
    )


@writes("holdings")
def would_it(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    s = d.subject
    line(
        d,
        p.one(
            f"Would it make sense to buy {said}?",
            f"I was going to buy {said} but chickened out.",
            f"I've never owned {said}.",
        ),
        p.one(
            f"{s.first} is wondering whether to buy {said}.",
            f"{s.first} has never owned {said}.",
        ),
    )


@writes("holdings", "transcript")
def roughly(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    d.client(
        p.one(
            f"I believe it's roughly {p.count(n)} {said}, don't quote me.",
            f"Something like {n} {said}? I'd need to look.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=n)


@writes("holdings")
def two_accounts(p: Pen, d: Dialogue) -> None:
    (s1, n1), (s2, n2) = p.position(), p.position()
    while s2 == s1:
        s2, n2 = p.position()
    q1, q2 = p.shares(), p.shares()
    s = d.subject
    line(
        d,
        f"We have {p.count(q1)} {n1} in the joint account and {p.count(q2)} {n2} "
        "in my Roth.",
        f"{s.first} has {q1} {n1} in the joint account and {q2} {n2} in the Roth.",
    )
    d.note("holding", instrument=s1, quantity=q1, account="joint")
    d.note("holding", instrument=s2, quantity=q2, account="roth_ira")


# -------------------------------------------------------------------- corrections


@writes("corrections")
def misspoke(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    fixed = n + p.one(20, 40, 60)
    s = d.subject
    line(d, f"I picked up {p.count(n)} {said}.", f"{s.first} bought {n} {said}.")
    line(
        d,
        p.one(
            f"Hold on, that was {p.count(fixed)}, not {p.count(n)}.",
            f"Wait, I misspoke: {fixed} shares.",
            f"Let me correct that, it's {p.count(fixed)} {said}.",
        ),
        p.one(f"Correction: {fixed} {said}, not {n}.", f"Sorry, {fixed} not {n}."),
    )
    d.note("holding", instrument=symbol, quantity=fixed)


@writes("corrections", "transcript")
def basis_fix(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    n = p.shares()
    cost = max(5, int(PRICE[symbol] * 0.8))
    d.client(f"I have {n} {said}, cost basis ${cost}.")
    d.client(f"Oops, the cost basis is ${cost + 7}, not ${cost}.")
    d.note("holding", instrument=symbol, quantity=n, cost_basis=cost + 7)


# ------------------------------------------------------------------------ profile


@writes("profile")
def risk_in_other_words(p: Pen, d: Dialogue) -> None:
    level, client, chat = p.one(
        (
            "conservative",
            "Risk-wise, I'm on the cautious side.",
            "{f} is cautious about risk.",
        ),
        (
            "conservative",
            "I'm not a gambler, I just want steady growth.",
            "{f} doesn't want to gamble, wants steady growth.",
        ),
        (
            "aggressive",
            "I'm comfortable with a lot of ups and downs.",
            "{f} is comfortable with big swings.",
        ),
        ("moderate", "Put me down as moderate.", "Put {f} down as moderate risk."),
        (
            "moderate",
            "I'm middle of the road on risk.",
            "{f} is middle of the road on risk.",
        ),
        (
            "aggressive",
            "Go aggressive, I can ride out the dips.",
            "{f} wants an aggressive portfolio.",
        ),
    )
    line(d, client, chat.replace("{f}", d.subject.first))
    d.note("profile", risk_tolerance=level)


@writes("profile", "transcript")
def risk_scale(p: Pen, d: Dialogue) -> None:
    d.advisor_(
        p.one(
            "On a scale from conservative to aggressive, where are you?",
            "What's your comfort level with risk?",
        )
    )
    level, answer, status = p.one(
        ("aggressive", "Aggressive, no question.", "active"),
        ("moderate", "Somewhere in the middle.", "active"),
        ("conservative", "Conservative-ish.", "proposed"),
        ("conservative", "Pretty low, to be honest.", "active"),
    )
    d.client(answer)
    d.note("profile", status=status, risk_tolerance=level)


@writes("profile")
def long_haul(p: Pen, d: Dialogue) -> None:
    years = p.one(10, 12, 18, 30)
    s = d.subject
    line(
        d,
        p.one(
            f"This is money for the long haul, {number_words(years)} years at least.",
            f"We don't need to touch it for at least {years} years.",
        ),
        f"{s.first} won't touch the money for {years} years.",
    )
    d.note("profile", horizon_years=years)


@writes("profile", "transcript")
def drawing_on_it(p: Pen, d: Dialogue) -> None:
    years = p.one(6, 9, 12, 14)
    d.advisor_("When will you need to start drawing on it?")
    d.client(
        p.one(f"Not for another {number_words(years)} years.", f"In {years} years.")
    )
    d.note("profile", horizon_years=years)


@writes("profile")
def how_old(p: Pen, d: Dialogue) -> None:
    age = p.r.randint(33, 76)
    s = d.subject
    if d.channel == "transcript" and p.r.random() < 0.5:
        d.advisor_("And how old are you?")
        d.client(f"{number_words(age).capitalize()}.")
    else:
        line(d, f"I'm {number_words(age)} this year.", f"{s.first} is {age}.")
    d.note("profile", kyc__age=age)


@writes("profile")
def married_long(p: Pen, d: Dialogue) -> None:
    status, client, chat = p.one(
        ("married", "My wife and I have been married thirty years.", "{f} is married."),
        ("divorced", "I've been divorced since 2019.", "{f} divorced in 2019."),
        ("widowed", "I'm a widow.", "{f} is widowed."),
    )
    line(d, client, chat.replace("{f}", d.subject.first))
    d.note("profile", kyc__marital_status=status)


@writes("profile")
def salary(p: Pen, d: Dialogue) -> None:
    income = p.one(95_000, 140_000, 210_000, 320_000)
    band = (
        "50k-100k"
        if income < 100_000
        else "100k-250k"
        if income < 250_000
        else "250k-500k"
    )
    s = d.subject
    line(
        d,
        p.one(
            f"My salary is {p.dollars(income)}.",
            f"Household income is around {p.dollars(income)}.",
        ),
        f"{s.first} earns {p.dollars(income)} a year.",
    )
    d.note("profile", income_band=band)


# -------------------------------------------------------------------------- goals


@writes("goals")
def hang_it_up(p: Pen, d: Dialogue) -> None:
    age = p.one(57, 60, 61, 63, 66)
    s = d.subject
    line(
        d,
        p.one(
            f"I'd love to retire at {number_words(age)}.",
            f"We're aiming to hang it up at {age}.",
            f"Retirement at {age} is the target.",
        ),
        p.one(
            f"{s.first} wants to stop working at {age}.",
            f"{s.he.capitalize()}'d love to retire at {number_words(age)}.",
        ),
    )
    d.note("goal", goal="retirement", target_age=age)


@writes("goals")
def done_by_year(p: Pen, d: Dialogue) -> None:
    year = p.one(2030, 2033, 2036)
    s = d.subject
    line(
        d,
        f"I want to be done working by {year}.",
        f"{s.first} wants to retire by {year}.",
    )
    d.note("goal", goal="retirement", target_year=year)


@writes("goals", "transcript")
def target_age_answer(p: Pen, d: Dialogue) -> None:
    age = p.one(60, 62, 64)
    d.advisor_("What's your target retirement age?")
    d.client(
        p.one(f"{number_words(age).capitalize()}, if the numbers work.", f"{age}.")
    )
    d.note("goal", goal="retirement", target_age=age)


@writes("goals")
def college_fund(p: Pen, d: Dialogue) -> None:
    amount = p.one(90_000, 140_000, 180_000)
    s = d.subject
    line(
        d,
        p.one(
            "We're putting money aside for our twins' college, roughly "
            f"{p.dollars(amount)} total.",
            "I want to cover my granddaughter's university costs, about "
            f"{p.dollars(amount)}.",
        ),
        f"{s.first} wants {p.dollars(amount)} set aside for the grandkids' tuition.",
    )
    d.note("goal", goal="education", amount=amount)


@writes("goals")
def condo(p: Pen, d: Dialogue) -> None:
    amount = p.one(40_000, 80_000)
    s = d.subject
    line(
        d,
        p.one(
            f"I need {p.dollars(amount)} for a down payment on a condo by 2027.",
            f"We're hoping to buy a vacation home, probably {p.dollars(amount)} down.",
        ),
        f"{s.first} is saving {p.dollars(amount)} to buy a house by 2027.",
    )
    d.note("goal", goal="home purchase", amount=amount)


@writes("goals")
def cushion(p: Pen, d: Dialogue) -> None:
    goal, client, chat = p.one(
        (
            "emergency fund",
            "I want six months of expenses in an emergency fund.",
            "{f} wants an emergency fund of six months.",
        ),
        (
            "debt payoff",
            "Paying off my student loans is priority one.",
            "{f} wants to pay off the student loans first.",
        ),
    )
    line(d, client, chat.replace("{f}", d.subject.first))
    d.note("goal", goal=goal)


@writes("goals")
def not_a_goal(p: Pen, d: Dialogue) -> None:
    s = d.subject
    line(
        d,
        p.one(
            "My sister retired at 55, lucky her.",
            "I don't plan to retire ever, I love my job.",
        ),
        f"{s.first}'s sister retired at 55.",
    )


# -------------------------------------------------------------------- preferences


@writes("preferences")
def hard_no(p: Pen, d: Dialogue) -> None:
    sector, said = p.one(
        ("tobacco", "tobacco"),
        ("fossil fuels", "fossil fuels"),
        ("weapons", "weapons makers"),
        ("gambling", "gambling companies"),
    )
    s = d.subject
    line(
        d,
        p.one(
            f"I'd rather not own {said}.",
            f"{said.capitalize()} is a hard no for me.",
            f"I don't want my money in {said}.",
            f"{said.capitalize()} are off the table.",
        ),
        p.one(f"{s.first} won't own {said}.", f"No {said} for {s.first}."),
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@writes("preferences")
def drawn_to(p: Pen, d: Dialogue) -> None:
    if p.r.random() < 0.35:
        symbol, said = p.company()
        line(
            d,
            p.one(f"I've always admired {said}.", f"I'm a huge {said} fan."),
            f"{d.subject.first} really likes {said}.",
        )
        d.note("preference", polarity="likes", instruments=[symbol])
        return
    sector, said = p.one(
        ("renewable energy", "renewable energy"),
        ("dividends", "dividend-paying companies"),
        ("healthcare", "healthcare companies"),
    )
    line(
        d,
        p.one(f"I really like the idea of {said}.", f"I'm drawn to {said}."),
        f"{d.subject.first} likes {said}.",
    )
    d.note("preference", polarity="likes", sectors=[sector])


@writes("preferences")
def scares_me(p: Pen, d: Dialogue) -> None:
    sector, said = p.one(
        ("crypto", "Crypto"), ("fossil fuels", "Oil stocks"), ("gambling", "Casinos")
    )
    line(
        d,
        p.one(
            f"{said} scares me.",
            f"{said} give me the creeps.",
            f"I can't bring myself to buy {said.lower()}.",
        ),
        f"{said} make {d.subject.first} nervous.",
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@writes("preferences")
def made_peace(p: Pen, d: Dialogue) -> None:
    sector, said = p.one(("fossil fuels", "energy"), ("alcohol", "alcohol stocks"))
    s = d.subject
    line(d, f"Please avoid {said}.", f"{s.first} avoids {said}.")
    line(
        d,
        p.one(
            f"I've changed my mind about {said}, they're fine.",
            f"You can add {said} back in, I've made peace with it.",
        ),
        f"{s.first} is fine with {said} now.",
    )


# -------------------------------------------------------------------------- views


@writes("views")
def judgement(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    stance, client, chat = p.one(
        ("bearish", "I think {n} is overhyped.", "{f} thinks {n} is overhyped."),
        (
            "bearish",
            "{n} is priced for perfection.",
            "{f} says {n} is priced for perfection.",
        ),
        (
            "bullish",
            "{n} seems like a good deal right now.",
            "{f} thinks {n} is a good deal.",
        ),
        ("bullish", "I'm optimistic about {n}.", "{f} is optimistic about {n}."),
        (
            "bearish",
            "I have a bad feeling about {n}.",
            "{f} has a bad feeling about {n}.",
        ),
        ("bullish", "{n} could double from here.", "{f} thinks {n} could double."),
        ("bearish", "I expect {n} to fall.", "{f} expects {n} to fall."),
    )
    f = d.subject.first
    line(d, client.replace("{n}", said), chat.replace("{n}", said).replace("{f}", f))
    d.note("view", instrument=symbol, stance=stance)


@writes("views")
def hitting(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    target = int(round(PRICE[symbol] * 1.35 / 5) * 5)
    line(
        d,
        f"I see {said} hitting ${target} by year-end.",
        f"{d.subject.first} sees {said} at ${target} by year-end.",
    )
    d.note("view", instrument=symbol, stance="bullish", target_price=target)


@writes("views")
def mildly(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    line(
        d,
        f"I'm mildly optimistic on {said}.",
        f"{d.subject.first} is mildly bullish on {said}.",
    )
    d.note("view", instrument=symbol, stance="bullish", conviction="low")


@writes("views", "transcript")
def hard_to_say(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    d.client(
        p.one(
            f"{said} might be overvalued? Hard to say.",
            f"Possibly bearish on {said}, I don't know.",
        )
    )
    d.note("view", status="proposed", instrument=symbol, stance="bearish")


@writes("views")
def no_longer(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    s = d.subject
    line(d, f"I'm bullish on {said}.", f"{s.first} is bullish on {said}.")
    line(
        d,
        f"I'm no longer bullish on {said}.",
        f"{s.first} is no longer bullish on {said}.",
    )


@writes("views")
def hearsay(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    line(
        d,
        p.one(
            f"Everyone at work says {said} is a buy.",
            f"The news says {said} is overvalued.",
        ),
        f"{d.subject.first}'s golf partner thinks {said} is a buy.",
    )


@writes("views", "analyst", weight=3)
def research_note(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    up = p.r.random() < 0.6
    target = int(round(PRICE[symbol] * (1.3 if up else 0.75) / 5) * 5)
    stance = "bullish" if up else "bearish"
    d.analyst(
        p.one(
            f"Reiterate buy on {symbol}, target raised to ${target}."
            if up
            else f"Reiterate sell on {symbol}, target cut to ${target}.",
            f"We're moving {said} to {'overweight' if up else 'underweight'}; "
            f"${target} fair value.",
            f"{symbol}: {'outperform' if up else 'underperform'}, PT ${target}.",
        )
    )
    d.note("view", instrument=symbol, stance=stance, target_price=target)


@writes("views", "analyst", weight=3)
def analyst_judgement(p: Pen, d: Dialogue) -> None:
    symbol, said = p.company()
    stance, text = p.one(
        ("bearish", f"{said} looks stretched to me at these multiples."),
        ("bullish", f"I like {said} here; the selloff is overdone."),
        ("bearish", f"I'm cautious on {said} into earnings."),
    )
    d.analyst(text)
    d.note("view", instrument=symbol, stance=stance)


# -------------------------------------------------------------------------- facts


@writes("facts", weight=2)
def news(p: Pen, d: Dialogue) -> None:
    category, event, client, chat = p.one(
        (
            "life_event",
            "birth",
            "Our first grandchild arrived in April!",
            "{f} became a grandparent in April.",
        ),
        (
            "life_event",
            "death",
            "My husband passed last fall.",
            "{f}'s husband passed away last fall.",
        ),
        (
            "employment",
            "new_job",
            "I just started a new job at a hospital.",
            "{f} started a new job.",
        ),
        (
            "health",
            "surgery",
            "I'm recovering from knee surgery.",
            "{f} had knee surgery.",
        ),
        (
            "life_event",
            "relocation",
            "We relocated to Phoenix last month.",
            "{f} moved to Phoenix.",
        ),
        ("employment", "retired", "I retired in January.", "{f} retired in January."),
        (
            "employment",
            "business_sale",
            "We sold the business last year for about two million.",
            "{f} sold the business for about $2 million.",
        ),
    )
    line(d, client, chat.replace("{f}", d.subject.first))
    d.note("fact", category=category, event=event)


@writes("facts")
def not_their_news(p: Pen, d: Dialogue) -> None:
    line(
        d,
        p.one("My boss just retired.", "A colleague of mine got laid off."),
        f"{d.subject.first}'s boss just retired.",
    )


# ----------------------------------------------------------------------- speakers


@writes("speakers", "chat", weight=5)
def advisor_notes(p: Pen, d: Dialogue) -> None:
    s = d.subject
    symbol, said = p.company()
    kind = p.one(
        "done_with",
        "shorthand",
        "stop_working",
        "ask",
        "ask_horizon",
        "mine",
        "expecting",
    )
    if kind == "done_with":
        d.advisor_(f"{s.first} said {s.he}'s done with {said}, sold everything.")
    elif kind == "shorthand":
        n = p.shares()
        d.advisor_(f"{s.first}: {n} {symbol} in the Roth.")
        d.note("holding", instrument=symbol, quantity=n, account="roth_ira")
    elif kind == "stop_working":
        d.advisor_(f"{s.he.capitalize()} wants to stop working at 61.")
        d.note("goal", goal="retirement", target_age=61)
    elif kind == "ask":
        d.advisor_(f"Is {s.first} still in {said}?")
        d.twin("Checking the holdings.")
    elif kind == "ask_horizon":
        d.advisor_(f"Can you remind me of {s.his} time horizon?")
    elif kind == "mine":
        d.advisor_(f"Just bought some {said} in my own account.")
    else:
        d.advisor_(f"{s.his.capitalize()} daughter is expecting a baby in the fall.")
        d.note("fact", category="life_event", event="expecting")


# -------------------------------------------------------------------------- multi


@writes("multi")
def all_at_once(p: Pen, d: Dialogue) -> None:
    symbol, said = p.position()
    age = p.r.randint(58, 70)
    s = d.subject
    line(
        d,
        f"I'm {age}, widowed, I've got 1,000 {said} in the IRA, and I can't stomach "
        "much risk.",
        f"{s.first} is {age}, widowed, has 1,000 {said} in the IRA and can't stomach "
        "much risk.",
    )
    d.note("profile", kyc__age=age)
    d.note("profile", kyc__marital_status="widowed")
    d.note("holding", instrument=symbol, quantity=1000, account="ira")
    d.note("profile", risk_tolerance="conservative")


@writes("multi")
def avoid_two(p: Pen, d: Dialogue) -> None:
    line(
        d,
        "Avoid tobacco and gambling; I'm fine with everything else.",
        f"{d.subject.first} avoids tobacco and gambling, otherwise anything goes.",
    )
    d.note("preference", polarity="avoids", sectors=["tobacco"])
    d.note("preference", polarity="avoids", sectors=["gambling"])


# ---------------------------------------------------------------------- negatives


@writes("negatives", "transcript")
def admin_talk(p: Pen, d: Dialogue) -> None:
    d.client(
        p.one(
            "Can you send me the quarterly statement?",
            "What did the Fed do yesterday?",
            "Do you think rates will come down?",
        )
    )
    d.advisor_(p.one("Sure, I'll email it tonight.", "Good question, let me check."))
    d.client("Thanks for the call, talk next month.")


def generate(seed: int = SEED, count: int = COUNT) -> list[dict]:
    rng = random.Random(seed)
    pen = Pen(rng)
    dialogues = []
    for index in range(count):
        topic, channel, fn = WRITERS[rng.randrange(len(WRITERS))]
        subject = rng.choice(ANALYSTS if channel == "analyst" else CLIENTS)
        d = Dialogue(topic, channel, subject, rng.choice(ADVISORS))
        fn(pen, d)
        dialogues.append(d.as_json(f"held-{index + 1:03d}"))
    return dialogues


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--count", type=int, default=COUNT)
    args = parser.parse_args(argv)
    dialogues = generate(args.seed, args.count)
    write_set(
        HELDOUT,
        name="extraction held-out set",
        seed=args.seed,
        about="never tuned on: python -m bench.make_extract_heldout",
        dialogues=dialogues,
    )
    print(f"wrote {len(dialogues)} dialogues to {HELDOUT}")


if __name__ == "__main__":
    main()
