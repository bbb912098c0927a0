"""Generate ``bench/extract_devset2.json``: the second extraction development set.

Written after the first round of tuning, in wording deliberately unlike both the
rules' patterns and the first sets: other clients, advisors, tickers and funds,
and other registers — terse notes, rambling asides, British and American,
typos, lower-case chat — with numbers in words and digits, several facts in
one sentence, answers across turns, feelings as preferences, valuation
judgements as views, other people's trades (never the client's), negations,
corrections and hedges (which wait for review).

The rules are tuned on it (and on the first development set, kept as a
regression set); the two held-out sets are not. Deterministic for a seed:
``python -m bench.make_extract_devset2``.
"""

from __future__ import annotations

import random

from bench.extract_sets import (
    DEVSET2,
    Dialogue,
    Person,
    dialogues_build,
    number_words,
    set_main,
    template_registry,
)
from bench.make_extract_devset import Voice
from market.instruments import DEFAULT_INSTRUMENTS

_PRICES = {i["symbol"]: float(i["reference_price"]) for i in DEFAULT_INSTRUMENTS}
SEED = 2602
COUNT = 640

CLIENTS = [
    Person("Gareth Pryce", "he"),
    Person("Nadia Haddad", "she"),
    Person("Wei Zhang", "he"),
    Person("Siobhan Kelly", "she"),
    Person("Tomasz Nowak", "he"),
    Person("Amara Mensah", "she"),
    Person("Luis Ferreira", "he"),
    Person("Harriet Cole", "she"),
    Person("Dmitri Volkov", "he"),
    Person("Chloe Dubois", "she"),
]
ANALYSTS = [
    Person("Ines Moreau", "she", "analyst"),
    Person("Felix Brandt", "he", "analyst"),
]
ADVISORS = ["Marta Kowalski", "Jonah Bell"]

STOCKS = {
    "ADBE": ["Adobe", "ADBE"],
    "MU": ["Micron", "MU"],
    "UBER": ["Uber", "UBER"],
    "CMCSA": ["Comcast"],
    "F": ["Ford"],
    "GM": ["General Motors", "GM"],
    "GS": ["Goldman", "Goldman Sachs"],
    "WFC": ["Wells Fargo", "WFC"],
    "LLY": ["Eli Lilly", "Lilly"],
    "UNH": ["UnitedHealth", "UNH"],
    "GILD": ["Gilead"],
    "COP": ["ConocoPhillips", "Conoco"],
    "NEE": ["NextEra"],
    "DE": ["Deere", "John Deere"],
    "MMM": ["3M", "MMM"],
    "PLD": ["Prologis"],
    "PLTR": ["Palantir", "PLTR"],
    "TXN": ["Texas Instruments", "TXN"],
    "BKNG": ["Booking Holdings"],
    "JNJ": ["J&J", "Johnson & Johnson"],
    "BAC": ["Bank of America", "BofA"],
    "IBM": ["IBM"],
}
FUNDS = {
    "VYM": ["VYM"],
    "TLT": ["TLT"],
    "QQQ": ["QQQ"],
    "IWM": ["IWM"],
    "EEM": ["EEM"],
}
ACCOUNTS = {
    "roth_ira": ["Roth IRA", "roth"],
    "ira": ["IRA", "traditional IRA"],
    "401k": ["401k"],
    "529": ["529 plan"],
    "taxable": ["taxable account"],
    "brokerage": ["brokerage account"],
}
AVOID = {
    "tobacco": ["tobacco", "smoking stocks", "cigarette makers"],
    "weapons": ["weapons makers", "guns", "munitions"],
    "fossil fuels": ["fossil fuels", "big oil", "oil companies"],
    "gambling": ["gambling", "casinos", "betting firms"],
    "alcohol": ["alcohol", "liquor", "beer companies"],
    "crypto": ["crypto", "bitcoin"],
}
LIKE = {
    "dividends": ["dividend stocks", "dividend payers", "high-yield stocks"],
    "healthcare": ["healthcare", "pharma"],
    "renewable energy": ["clean energy", "wind and solar", "renewable energy"],
    "technology": ["tech", "chip stocks"],
    "bonds": ["bonds", "treasuries"],
    "real estate": ["REITs", "real estate"],
}
RELATIVES = ["brother-in-law", "mate", "sister", "business partner", "uncle", "boss"]
# Fillers a rambling speaker wraps a statement in.
OPENERS = ["", "", "", "So, ", "Oh, and ", "Quick one: ", "Right, ", "Honestly, "]
CLOSERS = ["", "", "", " Anyway.", " Just so you know.", " Thought I'd mention it."]


class Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, *options):
        return self.rng.choice(options)

    def stock(self, exclude=()):
        symbol = self.rng.choice([s for s in STOCKS if s not in exclude])
        return symbol, self.rng.choice(STOCKS[symbol])

    def item(self, exclude=()):
        pool = {**STOCKS, **FUNDS}
        symbol = self.rng.choice([s for s in pool if s not in exclude])
        return symbol, self.rng.choice(pool[symbol])

    def account(self):
        code = self.rng.choice(list(ACCOUNTS))
        return code, self.rng.choice(ACCOUNTS[code])

    def qty(self):
        return self.rng.choice([35, 45, 70, 85, 130, 160, 180, 240, 275, 350, 700])

    def say(self, n: int) -> str:
        r = self.rng.random()
        if r < 0.45:
            return f"{n:,}"
        return number_words(n, and_=self.rng.random() < 0.5)

    def voice(self, d: Dialogue) -> Voice:
        if d.channel == "chat":
            return Voice(self.rng.choice(["name", "name", "pronoun"]), d.subject)
        return Voice("first", d.subject)


def speak(m: Maker, d: Dialogue, template: str, *, wrap: bool = True) -> None:
    text = m.voice(d)(template)
    if wrap:
        opener = m.rng.choice(OPENERS)
        first = text.split(" ", 1)[0]
        if opener and text[:1].isupper() and not first.isupper():
            text = text[0].lower() + text[1:]
        text = opener + text + m.rng.choice(CLOSERS)
    if m.rng.random() < 0.15 and not any(
        name.isupper() and name in text for names in STOCKS.values() for name in names
    ):
        text = text.lower()
    if d.channel == "chat":
        d.advisor_(text)
    else:
        d.client(text)


def twin_reply(m: Maker, d: Dialogue) -> None:
    if d.channel == "chat" and m.rng.random() < 0.4:
        d.twin(m.pick("Understood.", "Saved to the notes.", "OK, recorded."))


TEMPLATES, template = template_registry()


# ----------------------------------------------------------------------- holdings


@template("holdings", weight=3)
def h_plain(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.account()
    with_account = m.rng.random() < 0.45
    where = f" in {{my}} {account}" if with_account else ""
    speak(
        m,
        d,
        m.pick(
            f"{{I've}} got a {m.say(q)}-share position in {name}{where}.",
            f"{{I}} [carry|carries] {m.say(q)} {name}{where}.",
            f"{{my}} {name} holding is {m.say(q)}{where}.",
            f"{m.say(q).capitalize()} {name}{where}, that's {{my}} biggest position.",
            f"{{I}} [hold|holds] {m.say(q)} units of {name}{where}.",
            f"{{I'm}} long {m.say(q)} {name}{where}.",
            f"{{I've}} had {m.say(q)} {name} sitting{where} since 2019.",
            f"{{I}} [bought|bought] into {name}: {m.say(q)} of them{where}.",
        ),
    )
    fields = {"instrument": symbol, "quantity": q}
    if with_account:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings", weight=2)
def h_price(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    q = m.qty()
    cost = m.rng.choice([38, 64, 81, 112, 145, 190, 260, 330])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} grabbed {m.say(q)} {name} at {cost} bucks.",
            f"{{I}} scooped up {m.say(q)} {name} when it was ${cost}.",
            f"bought {m.say(q)} {name} @ ${cost}.",
            f"{{I}} went in for {m.say(q)} {name} at ${cost} each.",
            f"{{my}} cost on the {m.say(q)} {name} is ${cost}.",
            f"{{I}} [have|has] {m.say(q)} {name}, average price ${cost}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q, cost_basis=cost)


@template("holdings", weight=2)
def h_exit(m: Maker, d: Dialogue):
    symbol, name = m.item()
    speak(m, d, f"{{I}} [have|has] {m.say(m.qty())} {name}.", wrap=False)
    twin_reply(m, d)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} sold {{my}} {name} this morning.",
            f"{{I}} sold out of {name} on Wednesday.",
            f"{{I've}} exited {name} completely.",
            f"{{I}} unloaded all the {name}.",
            f"{{I}} closed out the {name} position.",
            f"no more {name} — {{I}} sold every last one.",
            f"{{I}} took profits on the whole {name} stake.",
        ),
    )


@template("holdings")
def h_sale_alone(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(m, d, f"{{I}} [have|has] some {name}, a small position.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} sold {{my}} {name} last week.",
            f"{{I}} sold the {name} yesterday.",
            f"{{I}} ditched {name}.",
        ),
    )


@template("holdings", weight=2)
def h_trim(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.rng.choice([300, 500, 800, 1000, 1400])
    sold = m.rng.choice([100, 150, 200])
    speak(m, d, f"{{I}} [have|has] {m.say(q)} {name}.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} offloaded {m.say(sold)} {name} on Thursday.",
            f"{{I}} sold off {m.say(sold)} of those.",
            f"{{I}} cut the {name} by {m.say(sold)}.",
            f"{{I}} dumped {m.say(sold)} of the {name}.",
            f"{{I}} took {m.say(sold)} {name} off the table.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q - sold)


@template("holdings", weight=2)
def h_add(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q, more = m.rng.choice([100, 250, 400]), m.rng.choice([20, 30, 60, 80])
    speak(m, d, f"{{I}} [own|owns] {m.say(q)} {name}.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} bought {m.say(more)} extra {name}.",
            f"{{I}} picked up {m.say(more)} more.",
            f"{{I}} grabbed another {m.say(more)} {name} on the dip.",
            f"{{I}} increased the {name} by {m.say(more)}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q + more)


@template("holdings", "transcript", weight=2)
def h_answer(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.account()
    form = m.rng.choice(["count", "yes", "account", "no", "where"])
    if form == "no":
        d.advisor_(m.pick(f"Any {name} left?", f"Are you still in {name}?"))
        d.client(m.pick("Nah, sold it ages ago.", "No, that went last spring."))
        return
    if form == "where":
        d.advisor_(f"Where do you keep the {m.say(q)} {name}?")
        d.client(m.pick(f"In the {account}.", f"All of it in my {account}."))
        d.note("holding", instrument=symbol, quantity=q, account=code)
        return
    if form == "yes":
        d.advisor_(m.pick(f"Are you still in {name}?", f"Still got the {name}?"))
        d.client(m.pick(f"Yep, {m.say(q)} of them.", f"Yes — {m.say(q)}."))
        d.note("holding", instrument=symbol, quantity=q)
        return
    d.advisor_(
        m.pick(
            f"How big is the {name} position?",
            f"What do you hold in {name} these days?",
            f"Quantity of {name}?",
        )
    )
    if form == "count":
        d.client(m.pick(f"{m.say(q)}.", f"It's {m.say(q)}."))
        d.note("holding", instrument=symbol, quantity=q)
    else:
        d.client(f"{m.say(q)}, sitting in my {account}.")
        d.note("holding", instrument=symbol, quantity=q, account=code)


@template("holdings", weight=2)
def h_several(m: Maker, d: Dialogue):
    s1, n1 = m.item()
    s2, n2 = m.item(exclude=[s1])
    s3, n3 = m.item(exclude=[s1, s2])
    q1, q2, q3 = m.qty(), m.qty(), m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [have|has] {m.say(q1)} {n1}, {m.say(q2)} {n2}, and "
            f"{m.say(q3)} {n3}.",
            f"holdings: {n1} {m.say(q1)}, {n2} {m.say(q2)}, {n3} {m.say(q3)}.",
            f"{{I}} [own|owns] {m.say(q1)} {n1} as well as {m.say(q2)} {n2} and "
            f"{m.say(q3)} {n3}.",
        ),
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)
    d.note("holding", instrument=s3, quantity=q3)


@template("holdings", weight=2)
def h_not_theirs(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} has {m.say(m.qty())} {name}.",
            f"{{my}} {rel} sold his {name} in a panic.",
            f"{{my}} {rel} keeps buying {name}.",
            f"{{my}} {rel} picked up {m.say(m.qty())} {name} at the bottom.",
            f"a friend of {{mine}} owns loads of {name}.".replace(
                "{mine}", "mine" if d.channel != "chat" else d.subject.his
            ),
        ),
    )


@template("holdings", weight=2)
def h_not_held(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(
        m,
        d,
        m.pick(
            f"{{I've}} never owned {name}.",
            f"{{I}} [have|has] no {name} whatsoever.",
            f"{{I}} almost bought {name} but didn't.",
            f"{{I'm}} considering {m.say(m.qty())} {name}.",
            f"{{I}} [want|wants] to buy {name} at some point.",
            f"is it worth buying {name} now?",
            f"{{I}} [don't|doesn't] hold {name} any more.",
        ),
    )


@template("holdings", "transcript", weight=2)
def h_unsure(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.client(
        m.pick(
            f"I'm fairly sure it's {m.say(q)} {name}, but double-check.",
            f"Could be {m.say(q)} {name}, I honestly don't remember.",
            f"I believe I've got {m.say(q)} {name}, roughly.",
            f"{m.say(q)} {name}, if memory serves.",
            f"Possibly {m.say(q)} {name}, not a hundred percent.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=q)


@template("corrections", weight=2)
def c_qty(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    fixed = q + m.rng.choice([5, 20, 40])
    speak(m, d, f"{{I}} [own|owns] {m.say(q)} {name}.", wrap=False)
    twin_reply(m, d)
    speak(
        m,
        d,
        m.pick(
            f"Wait, I got that wrong: {m.say(fixed)}, not {m.say(q)}.",
            f"Oops, {m.say(fixed)} {name}, not {m.say(q)}.",
            f"Let me correct that, it's {m.say(fixed)} {name}.",
            f"typo — should be {m.say(fixed)}.",
        ),
        wrap=False,
    )
    d.note("holding", instrument=symbol, quantity=fixed)


@template("corrections")
def c_inline(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    fixed = q + 10
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [have|has] {m.say(q)} — sorry, {m.say(fixed)} — {name}.",
            f"{{I}} [own|owns] {m.say(q)}, er, {m.say(fixed)} {name}.",
        ),
        wrap=False,
    )
    d.note("holding", instrument=symbol, quantity=fixed)


# ------------------------------------------------------------------------ profile


@template("profile", weight=2)
def p_risk(m: Maker, d: Dialogue):
    level, text = m.rng.choice(
        [
            ("conservative", "{I} [like|likes] to play it safe with investments."),
            ("conservative", "{I} [don't|doesn't] want to take much risk at all."),
            ("conservative", "{I'm} pretty cautious when it comes to money."),
            ("moderate", "{I'm} okay with a moderate amount of risk."),
            ("moderate", "{I} [want|wants] something balanced, middle of the road."),
            ("aggressive", "{I'm} comfortable with high risk."),
            ("aggressive", "{I} [don't|doesn't] mind big ups and downs."),
            ("aggressive", "{I'm} a risk taker, go for growth."),
        ]
    )
    speak(m, d, text)
    d.note("profile", risk_tolerance=level)


@template("profile", "transcript")
def p_risk_answer(m: Maker, d: Dialogue):
    d.advisor_(
        m.pick(
            "On a scale of cautious to adventurous, where are you?",
            "What level of risk suits you?",
            "How do you feel about risk?",
        )
    )
    level, answer = m.rng.choice(
        [
            ("conservative", "Cautious, really."),
            ("conservative", "Low risk, please."),
            ("moderate", "Somewhere in the middle."),
            ("aggressive", "Adventurous!"),
            ("aggressive", "High risk is fine."),
        ]
    )
    d.client(answer)
    d.note("profile", risk_tolerance=level)


@template("profile", weight=2)
def p_horizon(m: Maker, d: Dialogue):
    years = m.rng.choice([7, 10, 12, 16, 20, 25])
    said = m.say(years)
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} investing for the next {said} years.",
            f"{{I}} [won't|won't] touch this for {said} years.",
            f"{{my}} horizon's {said} years, give or take.",
            f"{{I}} [plan|plans] to hold for {said} years.",
        ),
    )
    d.note("profile", horizon_years=years)


@template("profile", "transcript")
def p_horizon_answer(m: Maker, d: Dialogue):
    years = m.rng.choice([8, 10, 15, 20])
    d.advisor_(m.pick("How long can this stay invested?", "When will you need it?"))
    d.client(m.pick(f"{m.say(years)} years at least.", f"In {m.say(years)} years."))
    d.note("profile", horizon_years=years)


@template("profile", weight=2)
def p_age(m: Maker, d: Dialogue):
    age = m.rng.randint(28, 79)
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} {m.say(age)} now.",
            f"{{I}} [am|is] {m.say(age)} years of age.",
            f"{{I}} hit {m.say(age)} last month.",
            f"{{I'm}} {m.say(age)}.",
        ),
    )
    d.note("profile", kyc__age=age)


@template("profile", "transcript")
def p_age_answer(m: Maker, d: Dialogue):
    age = m.rng.randint(30, 75)
    d.advisor_(m.pick("How old are you, if I may ask?", "Age?"))
    d.client(
        m.pick(f"{m.say(age)}.", f"I'm {m.say(age)}.", f"Just turned {m.say(age)}.")
    )
    d.note("profile", kyc__age=age)


@template("profile")
def p_status(m: Maker, d: Dialogue):
    status = m.rng.choice(["married", "divorced", "widowed", "single"])
    speak(
        m,
        d,
        m.pick(f"{{I'm}} {status}.", f"{{I}} [am|is] {status} these days."),
    )
    d.note("profile", kyc__marital_status=status)


@template("profile")
def p_income(m: Maker, d: Dialogue):
    income, band = m.rng.choice(
        [(90_000, "50k-100k"), (150_000, "100k-250k"), (300_000, "250k-500k")]
    )
    said = m.pick(f"${income // 1000}k", f"{number_words(income // 1000)} thousand")
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [bring|brings] in {said} a year.",
            f"{{my}} salary is {said}.",
            f"{{I}} [earn|earns] {said} annually.",
        ),
    )
    d.note("profile", income_band=band)


@template("profile", "transcript")
def p_hedged(m: Maker, d: Dialogue):
    level = m.rng.choice(["moderate", "conservative", "aggressive"])
    d.advisor_(m.pick("And your attitude to risk?", "How much risk can you take?"))
    d.client(
        m.pick(
            f"I'd say {level}, maybe? Not totally sure.",
            f"Probably {level}, I suppose.",
        )
    )
    d.note("profile", status="proposed", risk_tolerance=level)


# -------------------------------------------------------------------------- goals


@template("goals", weight=2)
def g_retire(m: Maker, d: Dialogue):
    age = m.rng.choice([55, 57, 60, 62, 64, 65, 70])
    speak(
        m,
        d,
        m.pick(
            f"{{I'd}} like to retire by {m.say(age)}.",
            f"{{I}} [am|is] aiming to stop working at {m.say(age)}.",
            f"the goal is retirement at {m.say(age)}.",
            f"{{I}} [hope|hopes] to be retired at {m.say(age)}.",
            f"{{I}} [want|wants] to quit work at {m.say(age)}.",
        ),
    )
    d.note("goal", goal="retirement", target_age=age)


@template("goals", "transcript")
def g_retire_answer(m: Maker, d: Dialogue):
    age = m.rng.choice([58, 60, 63, 66])
    d.advisor_(m.pick("When do you want to retire?", "Retirement age in mind?"))
    d.client(m.pick(f"{m.say(age)}.", f"At {m.say(age)}, ideally."))
    d.note("goal", goal="retirement", target_age=age)


@template("goals")
def g_retire_years(m: Maker, d: Dialogue):
    years = m.rng.choice([5, 8, 10, 12, 15])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [want|wants] to retire in {m.say(years)} years.",
            f"{m.say(years)} more years and {{I'm}} retiring.",
        ),
    )
    d.note("goal", goal="retirement", in_years=years)


@template("goals", weight=2)
def g_school(m: Maker, d: Dialogue):
    amount = m.rng.choice([50_000, 80_000, 120_000, 200_000])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [want|wants] ${amount // 1000}k for the kids' college.",
            f"{{I'm}} putting away ${amount:,} for {{my}} daughter's tuition.",
            f"university for {{my}} son, about {number_words(amount // 1000)} "
            "thousand dollars, is the priority.",
        ),
    )
    d.note("goal", goal="education", amount=amount)


@template("goals")
def g_house(m: Maker, d: Dialogue):
    amount = m.rng.choice([60_000, 100_000, 150_000])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [need|needs] ${amount // 1000}k for a down payment on a house.",
            f"{{I'm}} saving {number_words(amount // 1000)} thousand for a home.",
        ),
    )
    d.note("goal", goal="home purchase", amount=amount)


@template("goals")
def g_not_theirs(m: Maker, d: Dialogue):
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} plans to retire at fifty-five.")


# -------------------------------------------------------------------- preferences


@template("preferences", weight=3)
def pr_avoid(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(AVOID))
    name = m.rng.choice(AVOID[sector])
    speak(
        m,
        d,
        m.pick(
            f"{name} makes {{me}} really uneasy.",
            f"{{I}} [can't|can't] stand {name}.",
            f"{{I}} [hate|hates] the idea of owning {name}.",
            f"nothing in {name}, please.",
            f"{{I}} [want|wants] zero {name} in the portfolio.",
            f"{{I}} [don't|doesn't] want {name}, full stop.",
            f"{{I'm}} against {name} on principle.",
            f"{{I}} [am|is] not comfortable with {name}.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@template("preferences", weight=3)
def pr_like(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(LIKE))
    name = m.rng.choice(LIKE[sector])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [love|loves] {name}.",
            f"{{I'm}} a big fan of {name}.",
            f"{name} {'are' if name.endswith('s') else 'is'} {{my}} thing.",
            f"{{I'd}} like more {name}.",
            f"{{I}} [want|wants] more exposure to {name}.",
            f"{{I'm}} drawn to {name}.",
        ),
    )
    d.note("preference", polarity="likes", sectors=[sector])


@template("preferences")
def pr_like_stock(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} really [like|likes] {name} as a company.",
            f"{{I}} [adore|adores] {name}.",
        ),
    )
    d.note("preference", polarity="likes", instruments=[symbol])


@template("preferences")
def pr_two(m: Maker, d: Dialogue):
    a, b = m.rng.sample(list(AVOID), 2)
    speak(
        m,
        d,
        m.pick(
            f"no {AVOID[a][0]} and no {AVOID[b][0]} for {{me}}.",
            f"{{I}} [avoid|avoids] {AVOID[a][0]} and {AVOID[b][0]}.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[a])
    d.note("preference", polarity="avoids", sectors=[b])


@template("preferences")
def pr_not_theirs(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(AVOID))
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} hates {AVOID[sector][0]}, {{I}} [don't|doesn't] care.")


# -------------------------------------------------------------------------- views


@template("views", weight=3)
def v_value(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bearish", f"{{I}} [think|thinks] {name} is way too expensive."),
            ("bearish", f"{name} looks overpriced to {{me}}."),
            ("bearish", f"{{I}} [think|thinks] {name} is in a bubble."),
            ("bearish", f"{{I}} [reckon|reckons] {name} is overhyped."),
            ("bullish", f"{name} is cheap right now, {{I}} [think|thinks]."),
            ("bullish", f"{{I}} [think|thinks] {name} is undervalued."),
            ("bullish", f"{{I}} [see|sees] {name} as a bargain."),
            ("bullish", f"{{I}} [reckon|reckons] {name} is a steal at this price."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("views", weight=2)
def v_dir(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bullish", f"{{I}} [think|thinks] {name} is going higher."),
            ("bullish", f"{{I'm}} very positive on {name}."),
            ("bullish", f"{{I}} [believe|believes] in {name} long term."),
            ("bearish", f"{{I}} [think|thinks] {name} will drop."),
            ("bearish", f"{{I'm}} negative on {name}."),
            ("bearish", f"{{I}} [expect|expects] {name} to go down."),
            ("bearish", f"{{I'm}} worried {name} is headed lower."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("views")
def v_target(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    # A target well above the price: the stance it implies is clear.
    target = int(round(_PRICES.get(symbol, 100.0) * m.rng.choice([1.3, 1.4, 1.5])))
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [think|thinks] {name} gets to ${target} by next year.",
            f"{{I}} [see|sees] {name} hitting {target} dollars.",
        ),
    )
    d.note("view", instrument=symbol, stance="bullish", target_price=target)


@template("views", "transcript")
def v_answer(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    d.advisor_(m.pick(f"What do you make of {name}?", f"Thoughts on {name}?"))
    stance, answer = m.rng.choice(
        [
            ("bearish", "Overvalued, in my opinion."),
            ("bearish", "Not a fan, I think it'll fall."),
            ("bullish", "Love it, I think it'll keep rising."),
            ("bullish", "Undervalued, honestly."),
        ]
    )
    d.client(answer)
    d.note("view", instrument=symbol, stance=stance)


@template("views", "transcript")
def v_unsure(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    d.client(
        m.pick(
            f"Maybe {name} is a bit rich? I don't know.",
            f"Not sure, but {name} might be overpriced.",
        )
    )
    d.note("view", status="proposed", instrument=symbol, stance="bearish")


@template("views")
def v_not_theirs(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} thinks {name} is overpriced.",
            f"{{my}} {rel} is very bullish on {name}.",
        ),
    )


@template("views", "analyst", weight=3)
def v_analyst(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    target = m.rng.choice([85, 130, 210, 360])
    stance = m.rng.choice(["bullish", "bearish"])
    word = (
        m.pick("overweight", "outperform")
        if stance == "bullish"
        else m.pick("underweight", "underperform")
    )
    d.analyst(
        m.pick(
            f"Moving {name} to {word}, target ${target}.",
            f"{name}: {word}, PT {target}.",
            f"I rate {name} {word} with a ${target} price target.",
        )
    )
    d.note("view", instrument=symbol, stance=stance, target_price=target)


# -------------------------------------------------------------------------- facts


@template("facts", weight=3)
def f_event(m: Maker, d: Dialogue):
    event, category, text = m.rng.choice(
        [
            ("promotion", "employment", "{I} got bumped up to director."),
            ("promotion", "employment", "{I've} been promoted to partner."),
            ("job_loss", "employment", "{I} lost {my} job in the autumn."),
            ("job_loss", "employment", "{I} got let go last month."),
            ("death", "life_event", "{my} mum passed away in February."),
            ("relocation", "life_event", "{I'm} moving to Lisbon in the spring."),
            ("inheritance", "life_event", "{I} inherited some money from {my} dad."),
            ("retired", "employment", "{I} retired last year."),
            ("new_job", "employment", "{I} started a new job in January."),
            ("birth", "life_event", "{my} first grandchild was born in April."),
            ("marriage", "life_event", "{I} got married in June."),
            ("diagnosis", "health", "{I} was diagnosed with cancer in March."),
            ("home_purchase", "life_event", "{I} bought a house in the suburbs."),
        ]
    )
    speak(m, d, text)
    d.note("fact", category=category, event=event)


@template("facts")
def f_kids(m: Maker, d: Dialogue):
    n = m.rng.choice([2, 3, 4, 5])
    speak(m, d, f"{{I}} [have|has] {number_words(n)} children.")
    d.note("fact", category="family", event="children", count=n)


@template("facts")
def f_not_theirs(m: Maker, d: Dialogue):
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} just lost his job.",
            f"{{my}} {rel} is moving to Dubai.",
            f"{{my}} {rel} got promoted again.",
        ),
    )


# ------------------------------------------------------------------------- multi


@template("multi", weight=2)
def mu_profile(m: Maker, d: Dialogue):
    age = m.rng.randint(35, 62)
    level = m.rng.choice(["conservative", "moderate", "aggressive"])
    word = {
        "conservative": "cautious",
        "moderate": "moderate",
        "aggressive": "aggressive",
    }
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} {m.say(age)} and pretty {word[level]} with risk.",
            f"{m.say(age)}, {word[level]} investor, that's {{me}}.",
        ),
    )
    d.note("profile", kyc__age=age)
    d.note("profile", risk_tolerance=level)


@template("multi", weight=2)
def mu_hold_and_avoid(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    sector = m.rng.choice(list(AVOID))
    speak(
        m,
        d,
        f"{{I}} [have|has] {m.say(q)} {name}, but no {AVOID[sector][0]} ever.",
    )
    d.note("holding", instrument=symbol, quantity=q)
    d.note("preference", polarity="avoids", sectors=[sector])


@template("multi")
def mu_retire_and_hold(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    age = m.rng.choice([60, 62, 65])
    speak(
        m,
        d,
        f"{{I}} [want|wants] to retire at {m.say(age)}, and {{I}} [hold|holds] "
        f"{m.say(q)} {name} for that.",
    )
    d.note("goal", goal="retirement", target_age=age)
    d.note("holding", instrument=symbol, quantity=q)


@template("multi")
def mu_hold_and_view(m: Maker, d: Dialogue):
    s1, n1 = m.stock()
    s2, n2 = m.stock(exclude=[s1])
    q = m.qty()
    speak(
        m,
        d,
        f"{{I}} [own|owns] {m.say(q)} {n1}; {n2} seems overpriced to {{me}}.",
    )
    d.note("holding", instrument=s1, quantity=q)
    d.note("view", instrument=s2, stance="bearish")


@template("negatives", "transcript", weight=2)
def n_small(m: Maker, d: Dialogue):
    d.advisor_(m.pick("How's the family?", "Did you catch the match?", "Busy week?"))
    d.client(
        m.pick("All good, the kids are well.", "Ha, yes, brutal result.", "Mad busy.")
    )


@template("negatives", weight=2)
def n_ask(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(
        m,
        d,
        m.pick(
            f"how did {name} do today?",
            f"what's the dividend on {name}?",
            f"can you pull up the {name} chart?",
            f"should {{I}} be worried about {name}?",
        ),
        wrap=False,
    )


# ---------------------------------------------------- more ways of saying it (B)


@template("holdings", weight=3)
def hb_own(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.account()
    with_account = m.rng.random() < 0.4
    where = f" in {{my}} {account}" if with_account else ""
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} holding {m.say(q)} {name}{where}.",
            f"{{I've}} got {m.say(q)} {name} tucked away{where}.",
            f"{{I}} kept {m.say(q)} {name}{where}.",
            f"{{I}} still [have|has] {m.say(q)} {name}{where}.",
            f"{{I}} [own|owns] {m.say(q)} shares in {name}{where}.",
            f"{{my}} position in {name} is {m.say(q)} shares{where}.",
            f"{{I've}} owned {m.say(q)} {name} for a while now{where}.",
            f"currently {{I}} [hold|holds] {m.say(q)} {name}{where}.",
        ),
    )
    fields = {"instrument": symbol, "quantity": q}
    if with_account:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings", weight=2)
def hb_buy(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} loaded up on {m.say(q)} {name} last week.",
            f"{{I}} just bought {m.say(q)} {name}.",
            f"{{I}} purchased {m.say(q)} {name} in March.",
            f"{{I}} acquired {m.say(q)} {name} recently.",
            f"{{I}} bought {m.say(q)} shares of {name} yesterday.",
            f"{{I}} invested in {m.say(q)} {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q)


@template("holdings", weight=2)
def hb_exit(m: Maker, d: Dialogue):
    symbol, name = m.item()
    speak(m, d, f"{{I}} [own|owns] {m.say(m.qty())} {name}.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} got out of {name} last month.",
            f"{{I}} cashed in {{my}} {name}.",
            f"{{I}} sold {name} entirely.",
            f"{{I'm}} completely out of {name} now.",
            f"{{I}} dumped the {name}.",
            f"{{I}} sold every share of {name}.",
            f"{{I}} got rid of the {name} on Friday.",
        ),
    )


@template("holdings", weight=2)
def hb_change(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.rng.choice([200, 400, 600, 1000])
    n = m.rng.choice([40, 50, 100])
    sell = m.rng.random() < 0.5
    speak(m, d, f"{{I}} [have|has] {m.say(q)} {name}.", wrap=False)
    if sell:
        speak(
            m,
            d,
            m.pick(
                f"{{I}} trimmed {m.say(n)} of the {name}.",
                f"{{I}} sold {m.say(n)} {name} this week.",
                f"{{I}} sold {m.say(n)} shares.",
                f"{{I}} reduced the {name} position by {m.say(n)}.",
            ),
        )
        d.note("holding", instrument=symbol, quantity=q - n)
    else:
        speak(
            m,
            d,
            m.pick(
                f"{{I}} added {m.say(n)} to the {name} position.",
                f"{{I}} bought {m.say(n)} more {name}.",
                f"{{I}} added another {m.say(n)} shares.",
                f"{{I}} doubled down with {m.say(n)} more {name}.",
            ),
        )
        d.note("holding", instrument=symbol, quantity=q + n)


@template("views", weight=3)
def vb_more(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bearish", f"{{I}} [think|thinks] {name} is too pricey."),
            ("bearish", f"{name} looks frothy to {{me}}."),
            ("bearish", f"{{I}} [think|thinks] {name} is going to crash."),
            ("bearish", f"{{I'm}} bearish on {name} for the next year."),
            ("bearish", f"{{I}} [think|thinks] {name} has a lot of downside."),
            ("bullish", f"{{I}} [think|thinks] {name} has plenty of upside."),
            ("bullish", f"{{I}} [think|thinks] {name} is a screaming buy."),
            ("bullish", f"{name} looks dirt cheap to {{me}}."),
            ("bullish", f"{{I'm}} long-term bullish on {name}."),
            ("bullish", f"{{I}} [think|thinks] {name} will rally."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("preferences", weight=3)
def prb_more(m: Maker, d: Dialogue):
    like = m.rng.random() < 0.5
    table = LIKE if like else AVOID
    sector = m.rng.choice(list(table))
    name = m.rng.choice(table[sector])
    if like:
        text = m.pick(
            f"{{I'm}} passionate about {name}.",
            f"{{I}} [prefer|prefers] {name}.",
            f"{{I'm}} really into {name}.",
            f"{{I}} [favour|favours] {name}.",
            f"{{I'd}} love more {name}.",
        )
    else:
        text = m.pick(
            f"{{I'm}} not into {name}.",
            f"{name} is off limits for {{me}}.",
            f"{{I}} [refuse|refuses] to own {name}.",
            f"avoid {name}, please.",
            f"{{I}} [won't|won't] touch {name}.",
            f"{{I}} [don't|doesn't] like {name}.",
            f"{{I}} [want|wants] to stay away from {name}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("profile", weight=2)
def pb_risk(m: Maker, d: Dialogue):
    level, text = m.rng.choice(
        [
            ("conservative", "{I'm} risk averse."),
            ("conservative", "{I} can't afford to lose much."),
            ("conservative", "{I'm} a conservative sort."),
            ("aggressive", "{I'm} willing to take big risks."),
            ("aggressive", "{I} [want|wants] an aggressive portfolio."),
            ("moderate", "{I'm} a moderate risk investor."),
            ("moderate", "{I} [prefer|prefers] moderate risk."),
        ]
    )
    speak(m, d, text)
    d.note("profile", risk_tolerance=level)


@template("profile", weight=2)
def pb_age_horizon(m: Maker, d: Dialogue):
    if m.rng.random() < 0.5:
        age = m.rng.randint(30, 80)
        speak(
            m,
            d,
            m.pick(
                f"{{I'm}} {m.say(age)} years old.",
                f"{{I}} [am|is] aged {m.say(age)}.",
                f"{{I}} just turned {m.say(age)}.",
            ),
        )
        d.note("profile", kyc__age=age)
        return
    years = m.rng.choice([5, 10, 15, 20, 30])
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} in it for the long haul, {m.say(years)} years.",
            f"{{I}} [need|needs] the money in {m.say(years)} years.",
            f"it's a {m.say(years)}-year plan.",
            f"{{my}} time horizon is {m.say(years)} years.",
        ),
    )
    d.note("profile", horizon_years=years)


@template("goals", weight=2)
def gb_retire(m: Maker, d: Dialogue):
    age = m.rng.choice([55, 58, 60, 62, 65])
    speak(
        m,
        d,
        m.pick(
            f"retirement at {m.say(age)} is the plan.",
            f"{{I'd}} like to retire early, at {m.say(age)}.",
            f"{{I}} [want|wants] to be done working by {m.say(age)}.",
            f"{{I'm}} planning to retire at {m.say(age)}.",
        ),
    )
    d.note("goal", goal="retirement", target_age=age)


@template("facts", weight=2)
def fb_event(m: Maker, d: Dialogue):
    event, category, text = m.rng.choice(
        [
            ("new_job", "employment", "{I} got a new job at a bank."),
            ("job_loss", "employment", "{I} was laid off in May."),
            ("death", "life_event", "{my} husband passed away last year."),
            ("birth", "life_event", "{we} just had a baby girl."),
            ("divorce", "life_event", "{I'm} getting divorced."),
            ("expecting", "life_event", "{we're} expecting a baby in the autumn."),
            ("relocation", "life_event", "{we} moved to Austin in August."),
            ("surgery", "health", "{I'm} having knee surgery next month."),
        ]
    )
    speak(m, d, text.replace("{we're}", "{we}'re"))
    d.note("fact", category=category, event=event)


# ------------------------------------------------------- and more again (C)


@template("views", weight=4)
def vc_more(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bullish", f"{{I}} [think|thinks] {name} is a good buy."),
            ("bullish", f"{name} is a buy in {{my}} view."),
            ("bullish", f"{{I}} [think|thinks] {name} will outperform."),
            ("bullish", f"{name} is undervalued, in {{my}} opinion."),
            ("bullish", f"{{I}} [see|sees] a lot of upside in {name}."),
            ("bearish", f"{{I'd}} sell {name}."),
            ("bearish", f"{{I}} [think|thinks] {name} is a sell."),
            ("bearish", f"{{I}} [think|thinks] {name} will underperform."),
            ("bearish", f"{{I}} [have|has] serious doubts about {name}."),
            ("bearish", f"{{I}} [think|thinks] {name}'s valuation is stretched."),
            ("bearish", f"{{I'm}} not convinced by {name} at all."),
            ("neutral", f"{{I'm}} neutral on {name}."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("preferences", weight=4)
def prc_more(m: Maker, d: Dialogue):
    like = m.rng.random() < 0.5
    table = LIKE if like else AVOID
    sector = m.rng.choice(list(table))
    name = m.rng.choice(table[sector])
    if like:
        text = m.pick(
            f"{{I}} really [care|cares] about {name}.",
            f"{name} matter a lot to {{me}}.",
            f"{{I'm}} interested in {name}.",
            f"{{I}} [value|values] {name}.",
            f"{{I'd}} like to focus on {name}.",
        )
    else:
        text = m.pick(
            f"{{I'd}} rather avoid {name}.",
            f"please exclude {name}.",
            f"{{I}} [have|has] ethical concerns about {name}.",
            f"no {name}, ever.",
            f"{{I}} [object|objects] to {name}.",
            f"{name} isn't something {{I'd}} invest in.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("profile", weight=3)
def pc_more(m: Maker, d: Dialogue):
    level, text = m.rng.choice(
        [
            ("conservative", "{I'm} a cautious person with money."),
            ("conservative", "{I} [prefer|prefers] low risk investments."),
            ("conservative", "stability matters most to {me}."),
            ("aggressive", "{I} [like|likes] taking risks."),
            ("aggressive", "risk doesn't scare {me}."),
            ("aggressive", "{I'm} happy to take on a lot of risk."),
            ("moderate", "{I} [want|wants] moderate risk, nothing crazy."),
        ]
    )
    speak(m, d, text)
    d.note("profile", risk_tolerance=level)


@template("holdings", weight=3)
def hc_more(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    cost = m.rng.choice([44, 72, 118, 205])
    form = m.rng.random()
    if form < 0.5:
        speak(
            m,
            d,
            m.pick(
                f"{{I}} bought {m.say(q)} {name} for ${cost} a share.",
                f"{{I}} paid ${cost} each for {m.say(q)} {name}.",
                f"{{I}} bought {m.say(q)} {name} at around ${cost}.",
                f"{m.say(q)} {name} at ${cost}, that's what {{I}} bought.",
            ),
        )
        d.note("holding", instrument=symbol, quantity=q, cost_basis=cost)
        return
    speak(
        m,
        d,
        m.pick(
            f"there are {m.say(q)} {name} in {{my}} account.",
            f"{{I}} [own|owns] a {m.say(q)} share block of {name}.",
            f"{{I've}} built up {m.say(q)} {name}.",
            f"{{I}} now [own|owns] {m.say(q)} {name} in total.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q)


def build(count: int = COUNT, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    return dialogues_build(
        templates=TEMPLATES,
        maker=Maker(rng),
        rng=rng,
        count=count,
        prefix="d2",
        clients=CLIENTS,
        analysts=ANALYSTS,
        advisors=ADVISORS,
    )


def main(argv=None) -> int:
    return set_main(
        argv,
        description=__doc__.splitlines()[0],
        path=DEVSET2,
        name="devset2",
        seed=SEED,
        about=(
            "Second extraction development set, in wording unlike the rules' "
            "patterns and the first sets; tuned on."
        ),
        build=build,
    )


if __name__ == "__main__":
    raise SystemExit(main())
