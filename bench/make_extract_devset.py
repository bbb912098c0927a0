"""Generate ``bench/extract_devset.json``: the extraction development set.

Short advisor-client dialogues, one topic of the rules extractor each (holdings,
corrections, profile, goals, preferences, views, facts), plus who-speaks-for-whom
(``speakers``), several facts at once (``multi``) and talk that should leave
nothing (``negatives``). They are written the way people talk: holdings without
the word "shares", numbers in words, corrections, negations, hedges, other
people's trades, answers to the advisor's questions, likes and dislikes said as
feelings, valuation judgements as views. Most statements come in three voices:
the client's own ("I sold my Apple"), the advisor's in a transcript ("you
hold..."), and the advisor typing about the client in the chat ("Marcus sold his
Apple", "he wants to retire at 60").

This is the set the rules are tuned on. ``make_extract_heldout`` writes the one
they are not. Deterministic for a seed: ``python -m bench.make_extract_devset``.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable

from bench.extract_sets import DEVSET, Dialogue, Person, number_words, pick, write_set
from market.instruments import DEFAULT_INSTRUMENTS

SEED = 1401
COUNT = 440

CLIENTS = [
    Person("Marcus Chen", "he"),
    Person("Linda Park", "she"),
    Person("Robert Alvarez", "he"),
    Person("Priya Nair", "she"),
    Person("James O'Connor", "he"),
    Person("Helen Brooks", "she"),
    Person("David Kim", "he"),
    Person("Maria Lopez", "she"),
    Person("Thomas Wright", "he"),
    Person("Susan Patel", "she"),
    Person("Kevin Murphy", "he"),
    Person("Angela Russo", "she"),
]
ANALYSTS = [
    Person("Priya Shah", "she", "analyst"),
    Person("Ben Carter", "he", "analyst"),
]
ADVISORS = ["Dana Reyes", "Sam Okafor"]

_PRICES = {i["symbol"]: float(i["reference_price"]) for i in DEFAULT_INSTRUMENTS}
# How the dev set names its instruments (the held-out set uses others).
STOCKS = {
    "AAPL": ["Apple", "AAPL"],
    "MSFT": ["Microsoft", "MSFT"],
    "NVDA": ["Nvidia", "NVDA"],
    "TSLA": ["Tesla", "TSLA"],
    "AMZN": ["Amazon", "AMZN"],
    "GOOGL": ["Google", "Alphabet"],
    "META": ["Meta", "Facebook"],
    "NFLX": ["Netflix"],
    "JPM": ["JPMorgan", "JPM"],
    "XOM": ["Exxon", "XOM"],
    "KO": ["Coca-Cola", "Coke"],
    "DIS": ["Disney"],
    "COST": ["Costco"],
    "INTC": ["Intel", "INTC"],
    "AMD": ["AMD"],
    "PFE": ["Pfizer"],
    "BA": ["Boeing"],
    "SBUX": ["Starbucks"],
}
FUNDS = {"VOO": ["VOO"], "VTI": ["VTI"], "BND": ["BND"], "SCHD": ["SCHD"]}
ACCOUNTS = {
    "ira": ["IRA", "traditional IRA"],
    "roth_ira": ["Roth", "Roth IRA"],
    "401k": ["401(k)", "401k"],
    "brokerage": ["brokerage account"],
    "joint": ["joint account"],
    "taxable": ["taxable account"],
}
SECTORS = {
    "tobacco": ["tobacco", "tobacco companies", "cigarette makers"],
    "weapons": ["weapons", "gun makers", "weapons manufacturers"],
    "fossil fuels": ["oil companies", "fossil fuels", "oil and gas", "big oil"],
    "gambling": ["gambling stocks", "casinos"],
    "alcohol": ["alcohol", "liquor companies"],
    "crypto": ["crypto", "bitcoin"],
    "dividends": ["dividend payers", "dividend stocks"],
    "technology": ["tech stocks", "tech"],
    "healthcare": ["healthcare", "pharma"],
    "renewable energy": ["clean energy", "renewables"],
    "bonds": ["bonds"],
    "emerging markets": ["emerging markets"],
}
EXCLUDABLE = ["tobacco", "weapons", "fossil fuels", "gambling", "alcohol", "crypto"]
LIKEABLE = ["dividends", "healthcare", "renewable energy", "technology", "bonds"]


class Voice:
    """Say a first-person template as the client, or as the advisor about them.

    Templates write ``{I}``, ``{my}``, ``{me}``, ``{I'm}``, ``{I've}``, ``{I'd}`` and
    ``[own|owns]`` (the verb for I, then for he/she); ``mode`` is ``first`` (the
    client), ``second`` (the advisor to the client), ``name`` or ``pronoun``
    (the advisor about the client).
    """

    def __init__(self, mode: str, person: Person):
        self.mode, self.person = mode, person

    def __call__(self, template: str) -> str:
        p, mode = self.person, self.mode
        third = mode in ("name", "pronoun")
        subject = {"first": "I", "second": "you", "name": p.first, "pronoun": p.he}
        be = {"first": "I'm", "second": "you're", "name": f"{p.first} is"}
        have = {"first": "I've", "second": "you've", "name": f"{p.first} has"}
        would = {"first": "I'd", "second": "you'd", "name": f"{p.first} would"}
        be["pronoun"], have["pronoun"], would["pronoun"] = (
            f"{p.he}'s",
            f"{p.he}'s",
            f"{p.he}'d",
        )
        mine = {"first": "my", "second": "your", "name": f"{p.first}'s"}
        words = {
            "{I}": subject[mode],
            "{I'm}": be[mode],
            "{I've}": have[mode],
            "{I'd}": would[mode],
            "{my}": mine.get(mode, p.his),
            "{me}": {"first": "me", "second": "you"}.get(mode, p.him),
            "{we}": {"first": "we", "second": "you"}.get(mode, "they"),
            "{our}": {"first": "our", "second": "your"}.get(mode, "their"),
        }
        text = template
        for slot, word in words.items():
            text = text.replace(slot, word)
        text = re.sub(
            r"\[([^|\]]*)\|([^\]]*)\]", lambda m: m.group(2 if third else 1), text
        )
        # Sentence starts are capitalised ("he sold" at the start is "He sold").
        return re.sub(
            r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text
        )


class Maker:
    """Random choices shared by the templates: instruments, numbers, voices."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def stock(self, exclude=()) -> tuple[str, str]:
        symbol = self.rng.choice([s for s in STOCKS if s not in exclude])
        return symbol, self.rng.choice(STOCKS[symbol])

    def holding_item(self, exclude=()) -> tuple[str, str]:
        pool = {**STOCKS, **FUNDS}
        symbol = self.rng.choice([s for s in pool if s not in exclude])
        return symbol, self.rng.choice(pool[symbol])

    def account(self) -> tuple[str, str]:
        code = self.rng.choice(list(ACCOUNTS))
        return code, self.rng.choice(ACCOUNTS[code])

    def quantity(self) -> int:
        return self.rng.choice([25, 40, 50, 75, 80, 100, 120, 150, 200, 250, 300])

    def big_quantity(self) -> int:
        return self.rng.choice([400, 500, 600, 750, 1000, 1200, 1500, 2000])

    def say_quantity(self, n: int) -> str:
        """Write a share count as people do: digits, words, "a hundred and fifty"."""
        r = self.rng.random()
        if r < 0.45:
            return f"{n:,}"
        if n % 100 == 0 and 1000 < n < 10000 and r < 0.6:
            return f"{number_words(n // 100)} hundred"  # "fifteen hundred"
        if n in (100, 150) and r < 0.75:
            return "a hundred" if n == 100 else "a hundred and fifty"
        return number_words(n, and_=self.rng.random() < 0.3)

    def price(self, symbol: str) -> int:
        reference = _PRICES.get(symbol, 100.0)
        return max(5, int(round(reference * self.rng.choice([0.6, 0.7, 0.8, 0.9]))))

    def say_money(self, amount: int) -> str:
        r = self.rng.random()
        if amount >= 1_000_000 and amount % 500_000 == 0:
            millions = amount / 1_000_000
            if r < 0.3:
                return f"${millions:g} million"
            if r < 0.6 and millions == int(millions):
                return f"{number_words(int(millions))} million dollars"
            if millions == 0.5:
                return "half a million"
            return f"${millions:g}M"
        if amount >= 10_000 and amount % 1000 == 0:
            if r < 0.4:
                return f"${amount // 1000}k"
            if r < 0.7:
                return f"${amount:,}"
            return f"{number_words(amount // 1000)} thousand dollars"
        return f"${amount:,}"

    def voice(self, person: Person, *, chat: bool) -> Voice:
        if chat:
            return Voice(self.rng.choice(["name", "name", "pronoun"]), person)
        return Voice("first", person)


Template = Callable[[Maker, Dialogue], None]
TEMPLATES: list[tuple[str, str, Template]] = []


def template(topic: str, channels: str = "transcript chat", *, weight: int = 1):
    def register(fn: Template) -> Template:
        for channel in channels.split():
            TEMPLATES.extend([(topic, channel, fn)] * weight)
        return fn

    return register


def speak(m: Maker, d: Dialogue, first_person: str) -> None:
    """Say one first-person statement in the dialogue's channel."""
    if d.channel == "chat":
        d.advisor_(m.voice(d.subject, chat=True)(first_person))
    else:
        d.client(Voice("first", d.subject)(first_person))


def greet(m: Maker, d: Dialogue) -> None:
    if d.channel == "transcript" and m.rng.random() < 0.35:
        d.advisor_(pick(m.rng, "Morning! How are things?", "Good to see you again."))
        d.client(pick(m.rng, "Good, thanks. Busy month.", "Not bad at all."))


def reply(m: Maker, d: Dialogue) -> None:
    """In the chat, the twin answers; its words are never the client's."""
    if d.channel == "chat" and m.rng.random() < 0.5:
        d.twin(pick(m.rng, "Noted.", "Got it, I've updated the notes.", "Thanks."))


# ----------------------------------------------------------------------- holdings


@template("holdings")
def holding_bought(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    code, account = m.account()
    cost = m.price(symbol)
    with_price = m.rng.random() < 0.5
    with_account = m.rng.random() < 0.6
    qty = m.say_quantity(q)
    phrasing = m.rng.choice(
        [
            "{I} bought <q> shares of <n><p><a>.",
            "{I} picked up <q> <n> last week<p><a>.",
            "{I} [have|has] <q> <n><a><p>.",
            "{I've} got <q> <n><a><p>.",
            "{I} [own|owns] <q> <n><a><p>.",
            "{I} added a position in <n>, <q> of them<p><a>.",
            "{I} [hold|holds] <q> <n><a><p>.",
        ]
    )
    price = f" at ${cost}" if with_price else ""
    if with_price and m.rng.random() < 0.3:
        price = f", paid ${cost} a share"
    where = f" in {{my}} {account}" if with_account else ""
    greet(m, d)
    for slot, words in (("<q>", qty), ("<n>", name), ("<p>", price), ("<a>", where)):
        phrasing = phrasing.replace(slot, words)
    speak(m, d, phrasing)
    reply(m, d)
    fields = {"instrument": symbol, "quantity": q}
    if with_price:
        fields["cost_basis"] = cost
    if with_account:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings")
def holding_without_quantity(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} still [have|has] {{my}} {name} position.",
            f"{{I}} [own|owns] some {name}.",
            f"{{I've}} held {name} for years.",
            f"{{I}} [have|has] a little {name} too.",
        ),
    )
    d.note("holding", instrument=symbol)


@template("holdings")
def holding_sold_everything(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    speak(m, d, f"{{I}} [own|owns] {m.say_quantity(q)} {name}.")
    reply(m, d)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"Update: {{I}} sold all of {{my}} {name} this morning.",
            f"{{I}} dumped the {name} last week.",
            f"{{I}} got out of {name} completely.",
            f"{{I}} sold the whole {name} position.",
            f"{{I'm}} out of {name} now, sold it all.",
        ),
    )


@template("holdings")
def holding_sold_part(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.big_quantity()
    sold = q // m.rng.choice([2, 4, 5])
    speak(m, d, f"{{I}} [have|has] {m.say_quantity(q)} {name}.")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} sold {m.say_quantity(sold)} of them yesterday.",
            f"{{I}} trimmed {m.say_quantity(sold)} {name} on Friday.",
            f"{{I}} sold {m.say_quantity(sold)} shares of {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q - sold)


@template("holdings")
def holding_bought_more(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q, more = m.big_quantity(), m.quantity()
    speak(m, d, f"{{I}} [own|owns] {m.say_quantity(q)} {name}.")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} bought {m.say_quantity(more)} more {name} today.",
            f"{{I}} added {m.say_quantity(more)} {name} to the position.",
            f"{{I}} bought another {m.say_quantity(more)} shares of {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q + more)


@template("holdings", "transcript")
def holding_answer(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    code, account = m.account()
    kind = m.rng.choice(["yes", "count", "count_account", "no"])
    if kind == "no":
        d.advisor_(pick(m.rng, f"Do you still hold {name}?", f"Still own the {name}?"))
        d.client(pick(m.rng, "No, I sold it last year.", "Nope, got rid of it."))
        return
    if kind == "yes":
        d.advisor_(pick(m.rng, f"Do you still hold {name}?", f"Still own {name}?"))
        d.client(f"Yes, {m.say_quantity(q)} shares.")
        d.note("holding", instrument=symbol, quantity=q)
        return
    d.advisor_(pick(m.rng, f"How many {name} do you have?", f"How much {name}?"))
    if kind == "count":
        d.client(pick(m.rng, f"{m.say_quantity(q)}.", f"About {m.say_quantity(q)}."))
        d.note("holding", instrument=symbol, quantity=q)
    else:
        d.client(f"{m.say_quantity(q)}, all in the {account}.")
        d.note("holding", instrument=symbol, quantity=q, account=code)


@template("holdings")
def holding_several(m: Maker, d: Dialogue) -> None:
    (s1, n1) = m.holding_item()
    (s2, n2) = m.holding_item(exclude=[s1])
    (s3, n3) = m.holding_item(exclude=[s1, s2])
    q1, q2 = m.quantity(), m.big_quantity()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} [have|has] {m.say_quantity(q1)} {n1}, {m.say_quantity(q2)} {n2} "
            f"and some {n3}.",
            f"{{I}} [own|owns] {m.say_quantity(q1)} {n1} and {m.say_quantity(q2)} "
            f"{n2}, plus a bit of {n3}.",
        ),
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)
    d.note("holding", instrument=s3)


@template("holdings")
def holding_someone_elses(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    relation = pick(m.rng, "brother", "neighbor", "sister", "friend", "son-in-law")
    q = m.quantity()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{my}} {relation} just bought {m.say_quantity(q)} {name}.",
            f"{{my}} {relation} made a killing on {name}.",
            f"{{my}} {relation} sold all his {name} last month.",
            f"{{my}} {relation} owns a ton of {name}.",
        ),
    )


@template("holdings")
def holding_negated_or_hypothetical(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} [don't|doesn't] own any {name}.",
            f"{{I}} never bought the {name} in the end.",
            f"{{I'm}} thinking about buying some {name}.",
            f"If {{I}} bought {m.say_quantity(m.quantity())} {name}, would that be "
            "too much risk?",
            f"Should {{I}} buy {name}?",
        ),
    )


@template("holdings", "transcript")
def holding_hedged(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    d.client(
        pick(
            m.rng,
            f"I think I have around {m.say_quantity(q)} {name}, I'd have to check.",
            f"Maybe {m.say_quantity(q)} shares of {name}? I'm not sure.",
            f"I might have {m.say_quantity(q)} {name} left, not certain.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=q)


@template("holdings", "transcript")
def holding_advisor_restates(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    code, account = m.account()
    d.client(pick(m.rng, "Let me check the statement.", "Hang on, I have it here."))
    d.advisor_(
        f"Okay, so you have {m.say_quantity(q)} {name} in the {account}. Got it."
    )
    d.note("holding", instrument=symbol, quantity=q, account=code)


# -------------------------------------------------------------------- corrections


@template("corrections")
def correction_quantity(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    fixed = q + m.rng.choice([10, 25, 50, 100])
    speak(m, d, f"{{I}} bought {m.say_quantity(q)} {name}.")
    reply(m, d)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"Sorry, I meant {m.say_quantity(fixed)}, not {m.say_quantity(q)}.",
            f"Actually it was {m.say_quantity(fixed)} shares, not {m.say_quantity(q)}.",
            f"Correction: make that {m.say_quantity(fixed)} {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=fixed)


@template("corrections")
def correction_price(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    cost = m.price(symbol)
    fixed = cost + m.rng.choice([5, 10, 12])
    speak(m, d, f"{{I}} [hold|holds] {m.say_quantity(q)} {name} at ${cost}.")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"Actually the cost was ${fixed}, not ${cost}.",
            f"Sorry, it was ${fixed} a share, not ${cost}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q, cost_basis=fixed)


@template("corrections", "transcript")
def correction_in_one_breath(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    fixed = q + 50
    d.client(
        pick(
            m.rng,
            f"I have {m.say_quantity(q)}, no wait, {m.say_quantity(fixed)} shares of "
            f"{name}.",
            f"We own {m.say_quantity(q)} {name}, sorry, {m.say_quantity(fixed)}.",
        )
    )
    d.note("holding", instrument=symbol, quantity=fixed)


# ------------------------------------------------------------------------ profile

RISK_SAID = {
    "conservative": [
        "{I'd} call {myself} a pretty conservative investor.",
        "{I'm} very risk-averse.",
        "{I} can't stomach big swings.",
        "{I} [hate|hates] losing money, so keep it safe.",
        "{I'm} conservative with money.",
        "{my} risk tolerance is low.",
    ],
    "moderate": [
        "{I'm} somewhere in the middle, a moderate investor.",
        "{my} risk tolerance is moderate.",
        "{I'd} describe {my} risk appetite as medium.",
        "{I'm} a balanced investor.",
    ],
    "aggressive": [
        "{I'm} fairly aggressive with {my} money.",
        "Volatility doesn't bother {me} at all.",
        "{I} can handle a lot of risk.",
        "{I'm} an aggressive investor, always have been.",
        "{my} risk tolerance is high.",
    ],
}


@template("profile")
def risk_stated(m: Maker, d: Dialogue) -> None:
    level = m.rng.choice(list(RISK_SAID))
    text = m.rng.choice(RISK_SAID[level])
    myself = {"he": "himself", "she": "herself"}[d.subject.he]
    greet(m, d)
    if d.channel == "chat":
        voice = m.voice(d.subject, chat=True)
        d.advisor_(voice(text.replace("{myself}", myself)))
    else:
        d.client(Voice("first", d.subject)(text.replace("{myself}", "myself")))
    reply(m, d)
    d.note("profile", risk_tolerance=level)


@template("profile", "transcript")
def risk_answer(m: Maker, d: Dialogue) -> None:
    d.advisor_(
        pick(
            m.rng,
            "How would you describe your risk tolerance?",
            "How much risk are you comfortable with?",
            "What's your appetite for risk these days?",
        )
    )
    level, answer, hedged = m.rng.choice(
        [
            ("conservative", "Low. I'm pretty cautious.", False),
            ("conservative", "Conservative, definitely.", False),
            ("moderate", "Moderate, I'd say.", False),
            ("moderate", "Medium, I guess.", True),
            ("aggressive", "High. I'm young, I can take it.", False),
            ("aggressive", "Pretty aggressive.", False),
        ]
    )
    d.client(answer)
    d.note("profile", status="proposed" if hedged else "active", risk_tolerance=level)


@template("profile")
def horizon_stated(m: Maker, d: Dialogue) -> None:
    years = m.rng.choice([5, 8, 10, 12, 15, 20, 25, 30])
    said = number_words(years) if m.rng.random() < 0.5 else str(years)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} won't need this money for {said} years.",
            f"{{I've}} got a {said}-year time horizon.",
            f"{{my}} investment horizon is about {said} years.",
        ),
    )
    d.note("profile", horizon_years=years)


@template("profile", "transcript")
def horizon_answer(m: Maker, d: Dialogue) -> None:
    years = m.rng.choice([5, 10, 15, 20, 25])
    d.advisor_(
        pick(
            m.rng,
            "What's your time horizon for this money?",
            "How long until you need to draw on this?",
        )
    )
    said = number_words(years) if m.rng.random() < 0.6 else str(years)
    d.client(pick(m.rng, f"About {said} years.", f"{said.capitalize()} years or so."))
    d.note("profile", horizon_years=years)


@template("profile")
def age_stated(m: Maker, d: Dialogue) -> None:
    age = m.rng.randint(31, 74)
    said = number_words(age) if m.rng.random() < 0.4 else str(age)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I'm}} {said}.",
            f"{{I}} just turned {said}.",
            f"{{I'm}} {said} years old.",
        ),
    )
    d.note("profile", kyc__age=age)


@template("profile", "transcript")
def age_answer(m: Maker, d: Dialogue) -> None:
    age = m.rng.randint(35, 72)
    d.advisor_(pick(m.rng, "How old are you now, if you don't mind?", "Your age?"))
    d.client(pick(m.rng, f"{number_words(age).capitalize()}.", f"I'm {age}."))
    d.note("profile", kyc__age=age)


@template("profile")
def income_and_worth(m: Maker, d: Dialogue) -> None:
    income = m.rng.choice([85_000, 120_000, 180_000, 240_000, 400_000])
    band = (
        "50k-100k"
        if income < 100_000
        else "100k-250k"
        if income < 250_000
        else "250k-500k"
    )
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} [make|makes] about {m.say_money(income)} a year.",
            f"{{I}} [earn|earns] around {m.say_money(income)} a year.",
        ),
    )
    d.note("profile", income_band=band)
    if m.rng.random() < 0.5:
        worth = m.rng.choice([1_500_000, 2_000_000, 3_000_000])
        speak(m, d, f"Net worth is roughly {m.say_money(worth)}.")
        d.note("profile", net_worth_band="1m-5m")


@template("profile")
def marital(m: Maker, d: Dialogue) -> None:
    status = m.rng.choice(["married", "divorced", "widowed", "single"])
    speak(m, d, pick(m.rng, f"{{I'm}} {status}.", f"{{I'm}} {status} now."))
    d.note("profile", kyc__marital_status=status)


@template("profile", "transcript")
def risk_hedged(m: Maker, d: Dialogue) -> None:
    level = m.rng.choice(["moderate", "conservative", "aggressive"])
    word = {"moderate": "moderate", "conservative": "conservative"}.get(
        level, "aggressive"
    )
    d.client(
        pick(
            m.rng,
            f"Maybe I'm more of a {word} investor? Not sure.",
            f"I guess I'm probably {word}.",
        )
    )
    d.note("profile", status="proposed", risk_tolerance=level)


# -------------------------------------------------------------------------- goals


@template("goals")
def retire_at_age(m: Maker, d: Dialogue) -> None:
    age = m.rng.choice([55, 58, 60, 62, 63, 65, 67])
    said = number_words(age) if m.rng.random() < 0.5 else str(age)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} [want|wants] to retire at {said}.",
            f"The plan is to retire at {said}.",
            f"{{I'd}} like to stop working at {said}.",
            f"{{I'm}} hoping to retire by {said}.",
            f"{{my}} goal is retiring at {said}.",
        ),
    )
    reply(m, d)
    d.note("goal", goal="retirement", target_age=age)


@template("goals", "transcript")
def retire_answer(m: Maker, d: Dialogue) -> None:
    age = m.rng.choice([58, 60, 62, 65])
    d.advisor_(
        pick(m.rng, "When do you want to retire?", "What age are you aiming to retire?")
    )
    d.client(
        pick(
            m.rng,
            f"{number_words(age).capitalize()}, ideally.",
            f"At {age}.",
            f"{age} if we can.",
        )
    )
    d.note("goal", goal="retirement", target_age=age)


@template("goals")
def retire_in_years(m: Maker, d: Dialogue) -> None:
    years = m.rng.choice([3, 5, 7, 10, 12])
    said = number_words(years) if m.rng.random() < 0.6 else str(years)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I'd}} like to retire in about {said} years.",
            f"{{I}} [plan|plans] to retire in {said} years.",
        ),
    )
    d.note("goal", goal="retirement", in_years=years)


@template("goals")
def retire_by_year(m: Maker, d: Dialogue) -> None:
    year = m.rng.choice([2029, 2031, 2032, 2035])
    speak(m, d, f"{{I'm}} planning to retire in {year}.")
    d.note("goal", goal="retirement", target_year=year)


@template("goals")
def education(m: Maker, d: Dialogue) -> None:
    amount = m.rng.choice([80_000, 120_000, 150_000, 200_000, 250_000])
    child = pick(m.rng, "daughter", "son", "kids", "grandson")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{we}} need to save {m.say_money(amount)} for {{our}} {child}'s college.",
            f"{{I}} [want|wants] to fund {{my}} {child}'s tuition, about "
            f"{m.say_money(amount)}.",
        ),
    )
    d.note("goal", goal="education", amount=amount)


@template("goals")
def home(m: Maker, d: Dialogue) -> None:
    amount = m.rng.choice([60_000, 100_000, 150_000])
    years = m.rng.choice([2, 3, 5])
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{we}} want to buy a house in {number_words(years)} years and need "
            f"about {m.say_money(amount)} for the down payment.",
            f"{{I'm}} saving for a home, {m.say_money(amount)} down payment in "
            f"{years} years.",
        ),
    )
    d.note("goal", goal="home purchase", amount=amount)


@template("goals")
def other_goal(m: Maker, d: Dialogue) -> None:
    goal, said = m.rng.choice(
        [
            ("emergency fund", "{I} [want|wants] to build an emergency fund first."),
            ("debt payoff", "{I} [want|wants] to pay off the mortgage early."),
            ("travel", "{I} [want|wants] to travel the world once {I} retire."),
        ]
    )
    if goal == "travel" and d.channel == "chat":
        said = said.replace("{I} retire", "retired")
    speak(m, d, said)
    d.note("goal", goal=goal)


@template("goals")
def someone_elses_goal(m: Maker, d: Dialogue) -> None:
    relation = pick(m.rng, "brother", "neighbor", "sister")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{my}} {relation} wants to retire at fifty.",
            "{I} [don't|doesn't] want to retire early, no rush.",
            f"{{my}} {relation} is saving for a house.",
        ),
    )


# -------------------------------------------------------------------- preferences


@template("preferences")
def exclusion(m: Maker, d: Dialogue) -> None:
    sector = m.rng.choice(EXCLUDABLE)
    said = m.rng.choice(SECTORS[sector])
    speak(
        m,
        d,
        pick(
            m.rng,
            f"No {said}, please.",
            f"Keep {{me}} out of {said}.",
            f"{{I}} [don't|doesn't] want anything to do with {said}.",
            f"Please avoid {said}.",
            f"{{I}} won't invest in {said}.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@template("preferences")
def dislike_as_feeling(m: Maker, d: Dialogue) -> None:
    sector = m.rng.choice(EXCLUDABLE)
    said = m.rng.choice(SECTORS[sector])
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} can't stand {said}.",
            f"Honestly, {said} make {{me}} uncomfortable.",
            f"{{I}} really [dislike|dislikes] {said}.",
            f"{said.capitalize()}? {{I}} [hate|hates] them.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@template("preferences")
def like_as_feeling(m: Maker, d: Dialogue) -> None:
    if m.rng.random() < 0.35:
        symbol, name = m.stock()
        speak(
            m,
            d,
            pick(
                m.rng,
                f"{{I'm}} a big fan of {name} as a company.",
                f"{{I}} [love|loves] {name}.",
            ),
        )
        d.note("preference", polarity="likes", instruments=[symbol])
        return
    sector = m.rng.choice(LIKEABLE)
    said = m.rng.choice(SECTORS[sector])
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} [love|loves] {said}.",
            f"{{I'd}} like more exposure to {said}.",
            f"{{I'm}} really into {said}.",
            f"{{I}} [prefer|prefers] {said}.",
        ),
    )
    d.note("preference", polarity="likes", sectors=[sector])


@template("preferences")
def several_exclusions(m: Maker, d: Dialogue) -> None:
    a, b, c = m.rng.sample(EXCLUDABLE, 3)
    speak(
        m,
        d,
        f"No {SECTORS[a][0]}, {SECTORS[b][0]} or {SECTORS[c][0]}.",
    )
    for sector in (a, b, c):
        d.note("preference", polarity="avoids", sectors=[sector])


@template("preferences")
def exclusion_lifted(m: Maker, d: Dialogue) -> None:
    sector = m.rng.choice(["fossil fuels", "alcohol", "gambling"])
    said = SECTORS[sector][0]
    speak(m, d, f"No {said}.")
    reply(m, d)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"Actually {{I'm}} okay with {said} now.",
            f"{{I}} no longer [avoid|avoids] {said}.",
        ),
    )


@template("preferences")
def someone_elses_preference(m: Maker, d: Dialogue) -> None:
    sector = m.rng.choice(EXCLUDABLE)
    speak(m, d, f"{{my}} dad only buys dividend stocks and hates {SECTORS[sector][0]}.")


# -------------------------------------------------------------------------- views


@template("views")
def view_stance(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance = m.rng.choice(["bullish", "bearish"])
    mod = pick(m.rng, "", "very ", "pretty ", "quite ")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I'm}} {mod}{stance} on {name}.",
            f"{{I'm}} {mod}{stance} on {name} right now.",
        ),
    )
    d.note("view", instrument=symbol, stance=stance)


@template("views")
def view_slight(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance = m.rng.choice(["bullish", "bearish"])
    speak(m, d, f"{{I'm}} slightly {stance} on {name}.")
    d.note("view", instrument=symbol, stance=stance, conviction="low")


@template("views")
def view_valuation(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance, said = m.rng.choice(
        [
            ("bearish", "{n} is way overpriced."),
            ("bearish", "{n} looks overvalued to {me}."),
            ("bearish", "{n} is a bubble."),
            ("bearish", "{n} is too expensive here."),
            ("bullish", "{n} looks cheap at these levels."),
            ("bullish", "{I} [think|thinks] {n} is a bargain."),
            ("bullish", "{n} is undervalued."),
            ("bullish", "{n} is a steal right now."),
        ]
    )
    speak(m, d, said.replace("{n}", name))
    # The advisor's bare "Boeing is a steal" may be the advisor's own opinion:
    # a careful reader asks before recording it as the client's.
    bare = d.channel == "chat" and "{" not in said.replace("{n}", "")
    d.note("view", "proposed" if bare else "active", instrument=symbol, stance=stance)


@template("views", "transcript")
def view_answer(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    d.advisor_(
        pick(m.rng, f"What do you think of {name}?", f"How do you feel about {name}?")
    )
    stance, answer = m.rng.choice(
        [
            ("bearish", "Overvalued, honestly."),
            ("bullish", "I'm bullish."),
            ("bearish", "Not a fan, I think it's going down."),
            ("bullish", "Love it, I think it goes higher."),
        ]
    )
    d.client(answer)
    d.note("view", instrument=symbol, stance=stance)


@template("views")
def view_target(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    target = int(round(_PRICES[symbol] * 1.3 / 5) * 5)
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} could see {name} at ${target} within a year.",
            f"{{I'm}} bullish on {name}, target ${target}.",
        ),
    )
    d.note("view", instrument=symbol, stance="bullish", target_price=target)


@template("views", "transcript")
def view_hedged(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    d.client(
        pick(
            m.rng,
            f"Maybe {name} is a bit overvalued, I'm not sure.",
            f"I'm probably a little bearish on {name}, I guess.",
        )
    )
    d.note("view", status="proposed", instrument=symbol, stance="bearish")


@template("views")
def view_withdrawn(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance = m.rng.choice(["bullish", "bearish"])
    speak(m, d, f"{{I'm}} {stance} on {name}.")
    reply(m, d)
    speak(m, d, f"{{I'm}} not {stance} on {name} anymore.")


@template("views")
def someone_elses_view(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{my}} brother thinks {name} is going to crash.",
            f"Cramer says {name} is a buy.",
            f"{{I}} read that {name} is overvalued.",
            f"{{my}} neighbor is bullish on {name}.",
        ),
    )


@template("views")
def sector_view(m: Maker, d: Dialogue) -> None:
    sector, said = m.rng.choice(
        [("healthcare", "healthcare"), ("technology", "tech"), ("energy", "energy")]
    )
    stance = m.rng.choice(["bullish", "bearish"])
    speak(m, d, f"{{I'm}} {stance} on {said} for the next few years.")
    d.note("view", sector=sector, stance=stance)


@template("views", "analyst", weight=2)
def analyst_call(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    target = int(round(_PRICES[symbol] * m.rng.choice([0.7, 1.25, 1.4]) / 5) * 5)
    stance = "bullish" if target > _PRICES[symbol] else "bearish"
    rating = "buy" if stance == "bullish" else "sell"
    d.analyst(
        pick(
            m.rng,
            f"Initiating {symbol} at {rating} with a ${target} target.",
            f"My view: {name} is a {rating}, price target ${target}.",
            f"I'm {stance} on {symbol}, PT ${target} over twelve months.",
            f"Downgrading {name} to sell, fair value ${target}."
            if stance == "bearish"
            else f"Upgrading {name} to buy, fair value ${target}.",
        )
    )
    d.note("view", instrument=symbol, stance=stance, target_price=target)


@template("views", "analyst", weight=2)
def analyst_valuation(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance, said = m.rng.choice(
        [
            ("bearish", f"{name} screens expensive; I'd be a seller here."),
            ("bullish", f"{name} is undervalued on our numbers."),
            ("bearish", f"We think {name} is overvalued."),
        ]
    )
    d.analyst(said)
    d.note("view", instrument=symbol, stance=stance)


@template("speakers", "analyst", weight=2)
def analyst_reports_others(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    d.analyst(
        pick(
            m.rng,
            f"The street is bullish on {name} but I'm not convinced either way.",
            f"Goldman upgraded {name} this morning.",
            f"Clients keep asking me about {name}.",
        )
    )


# -------------------------------------------------------------------------- facts


@template("facts", weight=3)
def life_event(m: Maker, d: Dialogue) -> None:
    event, said, category = m.rng.choice(
        [
            ("birth", "{we} just became grandparents!", "life_event"),
            ("birth", "{my} daughter had a baby boy last month.", "life_event"),
            ("promotion", "{I} got promoted to VP last week.", "employment"),
            ("job_loss", "{I} got laid off in March.", "employment"),
            ("death", "{my} mother passed away in the spring.", "life_event"),
            ("relocation", "{we're} moving to Denver this summer.", "life_event"),
            ("diagnosis", "{I} was diagnosed with diabetes last year.", "health"),
            ("inheritance", "{I} inherited about $300k from an aunt.", "life_event"),
            ("marriage", "{my} son is getting married in June.", "life_event"),
            ("retired", "{I'm} retired now.", "employment"),
        ]
    )
    speak(m, d, said.replace("{we're}", "{we}'re"))
    d.note("fact", category=category, event=event)


@template("facts")
def family_count(m: Maker, d: Dialogue) -> None:
    n = m.rng.choice([2, 3, 4])
    what = pick(m.rng, "kids", "grandkids")
    speak(m, d, f"{{I}} [have|has] {number_words(n)} {what}.")
    d.note(
        "fact",
        category="family",
        event="children" if what == "kids" else "grandchildren",
        count=n,
    )


@template("facts")
def someone_elses_fact(m: Maker, d: Dialogue) -> None:
    speak(
        m,
        d,
        pick(
            m.rng,
            "{my} neighbor got promoted last week.",
            "{my} coworker's wife just had twins.",
            "{my} friend is moving to Austin.",
        ),
    )


# ----------------------------------------------------------------------- speakers


@template("speakers", "chat", weight=3)
def chat_attribution(m: Maker, d: Dialogue) -> None:
    p = d.subject
    symbol, name = m.stock()
    kind = m.rng.choice(["sold_his", "retire", "question", "own_trade", "told_me"])
    if kind == "sold_his":
        q = m.quantity()
        d.advisor_(f"{p.first} has {q} {name} in {p.his} IRA.")
        d.twin("Noted.")
        d.advisor_(f"{p.first} sold {p.his} {name} this morning.")
    elif kind == "retire":
        age = m.rng.choice([60, 62, 65])
        d.advisor_(f"{p.he.capitalize()} wants to retire at {age}.")
        d.note("goal", goal="retirement", target_age=age)
    elif kind == "question":
        d.advisor_(
            pick(
                m.rng,
                f"What is {p.his} risk tolerance?",
                f"Does {p.first} still hold {name}?",
                f"When does {p.he} want to retire?",
                f"What did {p.first} say about {name} last time?",
            )
        )
        d.twin("Let me look that up.")
    elif kind == "own_trade":
        d.advisor_(
            pick(
                m.rng,
                f"I bought some {name} for myself today.",
                f"I'm bullish on {name} personally, but that's just me.",
                f"I sold my own {name} last week.",
            )
        )
    else:
        d.advisor_(f"{p.full} told me {p.he} can't stand tobacco stocks.")
        d.note("preference", polarity="avoids", sectors=["tobacco"])


@template("speakers", "chat", weight=2)
def chat_meeting_notes(m: Maker, d: Dialogue) -> None:
    p = d.subject
    age = m.rng.randint(52, 66)
    years = m.rng.choice([2, 3, 4, 5])
    d.advisor_(
        f"Met with {p.first} today. {p.he.capitalize()} is {age} and plans to retire "
        f"in {number_words(years)} years."
    )
    d.note("profile", kyc__age=age)
    d.note("goal", goal="retirement", in_years=years)


@template("speakers", "chat", weight=1)
def chat_relative(m: Maker, d: Dialogue) -> None:
    p = d.subject
    symbol, name = m.stock()
    d.advisor_(
        pick(
            m.rng,
            f"{p.first}'s brother owns a ton of {name}.",
            f"{p.first}'s neighbor keeps telling {p.him} to buy {name}.",
        )
    )


@template("speakers", "transcript")
def advisor_own_view(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    d.advisor_(
        pick(
            m.rng,
            f"Personally I'm bullish on {name}, but it's your call.",
            f"I own some {name} myself.",
        )
    )
    d.client(pick(m.rng, "Interesting.", "Hm, good to know."))


# -------------------------------------------------------------------------- multi


@template("multi")
def several_facts(m: Maker, d: Dialogue) -> None:
    age = m.rng.randint(45, 62)
    retire = m.rng.choice([60, 62, 65])
    amount = m.rng.choice([1_500_000, 2_000_000, 3_000_000])
    status = m.rng.choice(["married", "divorced"])
    speak(
        m,
        d,
        f"{{I'm}} {age}, {status}, and {{I'd}} like to retire at {retire} with "
        f"around {m.say_money(amount)} saved.",
    )
    d.note("profile", kyc__age=age)
    d.note("profile", kyc__marital_status=status)
    d.note("goal", goal="retirement", target_age=retire, amount=amount)


@template("multi")
def holdings_and_view(m: Maker, d: Dialogue) -> None:
    s1, n1 = m.stock()
    s2, n2 = m.stock(exclude=[s1])
    s3, n3 = m.stock(exclude=[s1, s2])
    q1, q2 = m.quantity(), m.quantity()
    speak(
        m,
        d,
        f"{{I}} [have|has] {m.say_quantity(q1)} {n1} and {m.say_quantity(q2)} {n2}, "
        f"and {{I'm}} bearish on {n3}.",
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)
    d.note("view", instrument=s3, stance="bearish")


@template("multi")
def exclusion_and_like(m: Maker, d: Dialogue) -> None:
    avoid = m.rng.choice(EXCLUDABLE)
    like = m.rng.choice(["dividends", "healthcare", "renewable energy"])
    speak(
        m,
        d,
        f"No {SECTORS[avoid][0]}, and {{I}} [love|loves] {SECTORS[like][0]}.",
    )
    d.note("preference", polarity="avoids", sectors=[avoid])
    d.note("preference", polarity="likes", sectors=[like])


@template("multi", "transcript")
def profile_in_one_breath(m: Maker, d: Dialogue) -> None:
    age = m.rng.randint(30, 50)
    years = m.rng.choice([15, 20, 25])
    d.client(
        f"I'm {age}, fairly aggressive, and I won't touch this money for "
        f"{number_words(years)} years."
    )
    d.note("profile", kyc__age=age)
    d.note("profile", risk_tolerance="aggressive")
    d.note("profile", horizon_years=years)


# ---------------------------------------------------------------------- negatives


@template("negatives", "transcript")
def small_talk(m: Maker, d: Dialogue) -> None:
    d.advisor_(pick(m.rng, "How was the weekend?", "How's the family?"))
    d.client(
        pick(
            m.rng,
            "Great, we went hiking and the weather held up.",
            "Everyone's fine, the kids are busy with school.",
            "Quiet. I mostly watched football.",
        )
    )
    d.advisor_(pick(m.rng, "Glad to hear it.", "Nice."))


@template("negatives")
def market_question(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    speak(
        m,
        d,
        pick(
            m.rng,
            f"What's {name} trading at today?",
            f"Why did {name} drop yesterday?",
            f"Is {name} paying a dividend this quarter?",
        ),
    )


# -------------------------------------------------------- more ways of saying it


@template("holdings")
def holding_other_words(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    q = m.quantity()
    code, account = m.account()
    said, fields = m.rng.choice(
        [
            (f"{{I'm}} long {m.say_quantity(q)} {name}.", {"quantity": q}),
            (
                f"{{my}} biggest position is {name}, about {m.say_quantity(q)} shares.",
                {"quantity": q},
            ),
            (
                f"{m.say_quantity(q)} shares of {name} are sitting in {{my}} "
                f"{account}.",
                {"quantity": q, "account": code},
            ),
            (
                f"{{I}} still [own|owns] all {m.say_quantity(q)} {name}.",
                {"quantity": q},
            ),
            (f"{{I}} [hold|holds] {name} through {{my}} {account}.", {"account": code}),
        ]
    )
    speak(m, d, said)
    d.note("holding", instrument=symbol, **fields)


@template("holdings")
def holding_sold_other_words(m: Maker, d: Dialogue) -> None:
    symbol, name = m.holding_item()
    speak(m, d, f"{{I}} [have|has] {m.say_quantity(m.quantity())} {name}.")
    speak(
        m,
        d,
        pick(
            m.rng,
            f"{{I}} sold off the rest of {{my}} {name} on Monday.",
            f"{{I}} liquidated the {name} last month.",
            f"{{I}} closed out the {name} position.",
        ),
    )


@template("views")
def view_other_words(m: Maker, d: Dialogue) -> None:
    symbol, name = m.stock()
    stance, said = m.rng.choice(
        [
            ("bearish", "{I'm} skeptical of {n} at this price."),
            ("bearish", "{I} [think|thinks] {n} is going to crash."),
            ("bullish", "{I} [think|thinks] {n} has a lot of upside."),
            ("bullish", "{I} [expect|expects] {n} to keep climbing."),
            ("bearish", "{I} [think|thinks] {n} is overrated."),
            ("bullish", "{I'm} optimistic on {n}."),
        ]
    )
    speak(m, d, said.replace("{n}", name))
    d.note("view", instrument=symbol, stance=stance)


@template("preferences")
def preference_other_words(m: Maker, d: Dialogue) -> None:
    sector = m.rng.choice(EXCLUDABLE)
    said = m.rng.choice(SECTORS[sector])
    polarity, text = m.rng.choice(
        [
            ("avoids", f"{{I'd}} prefer to stay away from {said}."),
            ("avoids", f"{{I'm}} not comfortable owning {said}."),
            ("avoids", f"{said.capitalize()} aren't for {{me}}."),
        ]
    )
    speak(m, d, text)
    d.note("preference", polarity=polarity, sectors=[sector])


@template("goals")
def goal_other_words(m: Maker, d: Dialogue) -> None:
    goal, said = m.rng.choice(
        [
            ("education", "{we}'d like to pay for {our} grandkids' education."),
            ("legacy", "{I} [want|wants] to leave something to the kids."),
            ("home purchase", "{we} hope to buy a lake house someday."),
        ]
    )
    speak(m, d, said)
    d.note("goal", goal=goal)


@template("profile")
def risk_other_words(m: Maker, d: Dialogue) -> None:
    level, said = m.rng.choice(
        [
            ("conservative", "{I} [don't|doesn't] like big swings in the portfolio."),
            ("aggressive", "{I'm} happy to take risks for higher returns."),
            ("conservative", "{I'm} a pretty conservative guy with money."),
        ]
    )
    speak(m, d, said)
    d.note("profile", risk_tolerance=level)


@template("facts")
def fact_other_words(m: Maker, d: Dialogue) -> None:
    event, category, said = m.rng.choice(
        [
            ("new_job", "employment", "{my} wife got a new job in Boston."),
            ("birth", "life_event", "{we} just had {our} second baby."),
            ("death", "life_event", "{my} dad died last year."),
        ]
    )
    speak(m, d, said)
    d.note("fact", category=category, event=event)


def generate(seed: int = SEED, count: int = COUNT) -> list[dict]:
    """Return ``count`` dialogues, each topic and channel in turn."""
    rng = random.Random(seed)
    maker = Maker(rng)
    dialogues = []
    for index in range(count):
        topic, channel, fn = TEMPLATES[index % len(TEMPLATES)]
        if channel == "analyst":
            subject = rng.choice(ANALYSTS)
        else:
            subject = rng.choice(CLIENTS)
        d = Dialogue(topic, channel, subject, rng.choice(ADVISORS))
        fn(maker, d)
        dialogues.append(d.as_json(f"dev-{index + 1:03d}"))
    return dialogues


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--count", type=int, default=COUNT)
    args = parser.parse_args(argv)
    dialogues = generate(args.seed, args.count)
    write_set(
        DEVSET,
        name="extraction development set",
        seed=args.seed,
        about="tuned on: python -m bench.make_extract_devset",
        dialogues=dialogues,
    )
    print(f"wrote {len(dialogues)} dialogues to {DEVSET}")


if __name__ == "__main__":
    main()
