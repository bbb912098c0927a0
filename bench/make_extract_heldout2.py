"""Generate ``bench/extract_heldout2.json``: a second never-tuned extraction set.

Written up front, before the second round of tuning, with yet another
vocabulary: other clients, advisors, tickers and accounts than the development
sets, and sentences composed for this set alone — British and American, terse
and rambling, lower case chat, typos, numbers in words and digits, several
facts in one breath, answers across turns, feelings as preferences, valuation
judgements as views, other people's trades, negations, corrections and hedges.

Nobody tunes on it: it is measured beside the first held-out set in ``make
bench``. Deterministic for a seed: ``python -m bench.make_extract_heldout2``.
"""

from __future__ import annotations

import random

from bench.extract_sets import (
    HELDOUT2,
    Dialogue,
    Person,
    dialogues_build,
    number_words,
    set_main,
    template_registry,
)
from bench.make_extract_devset import Voice

SEED = 7719
COUNT = 260

CLIENTS = [
    Person("Oliver Hargreaves", "he"),
    Person("Fiona McAllister", "she"),
    Person("Rajesh Iyer", "he"),
    Person("Beatriz Santos", "she"),
    Person("Connor Walsh", "he"),
    Person("Yuki Tanaka", "she"),
    Person("Emeka Obi", "he"),
    Person("Ingrid Larsen", "she"),
]
ANALYSTS = [Person("Hugo Lindqvist", "he", "analyst")]
ADVISORS = ["Rachel Dunmore", "Tobias Greene"]

STOCKS = {
    "CVX": ["Chevron", "CVX"],
    "PEP": ["Pepsi", "PepsiCo"],
    "WMT": ["Walmart", "WMT"],
    "HD": ["Home Depot"],
    "V": ["Visa"],
    "MA": ["Mastercard"],
    "ORCL": ["Oracle", "ORCL"],
    "CSCO": ["Cisco", "CSCO"],
    "QCOM": ["Qualcomm"],
    "CAT": ["Caterpillar", "CAT"],
    "HON": ["Honeywell"],
    "LMT": ["Lockheed"],
    "MRK": ["Merck", "MRK"],
    "AMGN": ["Amgen"],
    "NKE": ["Nike"],
    "MCD": ["McDonald's"],
    "VZ": ["Verizon"],
    "AVGO": ["Broadcom", "AVGO"],
    "CRM": ["Salesforce"],
    "PYPL": ["PayPal", "PYPL"],
}
FUNDS = {"VIG": ["VIG"], "AGG": ["AGG"], "SPY": ["SPY"], "VXUS": ["VXUS"]}
ACCOUNTS = {
    "roth_ira": ["Roth"],
    "401k": ["401k", "401(k)"],
    "hsa": ["HSA"],
    "joint": ["joint account"],
    "ira": ["rollover IRA"],
}
SECTORS = {
    "tobacco": ["tobacco", "cigarette companies"],
    "weapons": ["arms manufacturers", "firearms"],
    "fossil fuels": ["coal", "oil and gas"],
    "gambling": ["betting companies", "casinos"],
    "alcohol": ["booze", "brewers"],
}
LIKES = {
    "dividends": ["dividend growers", "income stocks"],
    "healthcare": ["biotech", "healthcare"],
    "renewable energy": ["solar", "renewables"],
    "technology": ["semiconductors", "big tech"],
}
RELATIVES = ["cousin", "flatmate", "father-in-law", "colleague", "nephew", "auntie"]


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

    def qty(self):
        return self.rng.choice([30, 60, 90, 110, 140, 175, 220, 260, 320, 450, 800])

    def say(self, n: int) -> str:
        r = self.rng.random()
        if r < 0.5:
            return f"{n:,}" if n >= 1000 else str(n)
        return number_words(n, and_=self.rng.random() < 0.5)

    def voice(self, d: Dialogue) -> Voice:
        if d.channel == "chat":
            return Voice(self.rng.choice(["name", "pronoun"]), d.subject)
        return Voice("first", d.subject)


def speak(m: Maker, d: Dialogue, template: str) -> None:
    voice = m.voice(d)
    text = voice(template)
    # Lower-case chat, unless a ticker that is also a word would be lost.
    if m.rng.random() < 0.2 and not any(
        name.isupper() and name in text for names in STOCKS.values() for name in names
    ):
        text = text.lower()
    if d.channel == "chat":
        d.advisor_(text)
    else:
        d.client(text)


TEMPLATES, template = template_registry()


# ----------------------------------------------------------------------- holdings


@template("holdings", weight=2)
def h_position(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.rng.choice(list(ACCOUNTS.items()))
    account = m.rng.choice(account)
    with_account = m.rng.random() < 0.5
    where = f" in {{my}} {account}" if with_account else ""
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} sitting on {m.say(q)} {name}{where}.",
            f"{{my}} {name} position: {m.say(q)}{where}.",
            f"{{my}} {name} stake is {m.say(q)} units{where}.",
            f"{{I}} [hold|holds] a position of {m.say(q)} in {name}{where}.",
            f"{{I've}} accumulated {m.say(q)} {name} over the years{where}.",
        ),
    )
    fields = {"instrument": symbol, "quantity": q}
    if with_account:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings")
def h_bought_at(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    q = m.qty()
    cost = m.rng.choice([42, 58, 77, 96, 133, 210, 315])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} snapped up {m.say(q)} {name} for ${cost} each.",
            f"{{I}} got {m.say(q)} {name} at {cost} dollars apiece.",
            f"picked up {m.say(q)} {name} on tuesday, ${cost} a pop.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q, cost_basis=cost)


@template("holdings")
def h_full_exit(m: Maker, d: Dialogue):
    symbol, name = m.item()
    speak(m, d, f"{{I}} [have|has] {m.say(m.qty())} {name}.")
    speak(
        m,
        d,
        m.pick(
            f"Right, {{I}} offloaded the {name} on Monday.",
            f"{{I've}} cashed out of {name} entirely.",
            f"{{I}} liquidated {{my}} {name} yesterday.",
            f"the {name} is gone, {{I}} sold the lot.",
        ),
    )


@template("holdings")
def h_sold_no_quantity(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(m, d, f"{{I}} [have|has] a bit of {name} from years back.")
    speak(
        m,
        d,
        m.pick(
            f"{{I}} sold {{my}} {name} last night.",
            f"{{I}} flogged {{my}} {name} at the open.",
        ),
    )


@template("holdings")
def h_partial(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.rng.choice([400, 600, 900, 1200])
    sold = q // 3
    speak(m, d, f"{{I}} [own|owns] {m.say(q)} {name}.")
    speak(
        m,
        d,
        m.pick(
            f"{{I}} let go of {m.say(sold)} of the {name} this week.",
            f"{{I}} offloaded {m.say(sold)} {name}.",
            f"{{I}} reduced {name} by {m.say(sold)}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q - sold)


@template("holdings")
def h_topup(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q, more = m.rng.choice([200, 300, 500]), m.rng.choice([25, 50, 75])
    speak(m, d, f"{{I}} [own|owns] {m.say(q)} {name}.")
    speak(
        m,
        d,
        m.pick(
            f"{{I}} topped up the {name} with another {m.say(more)}.",
            f"{{I}} added a further {m.say(more)} {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q + more)


@template("holdings", "transcript")
def h_answer(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.advisor_(m.pick(f"And the {name}, how many?", f"What's the {name} count now?"))
    d.client(m.pick(f"{m.say(q)}, give or take none.", f"{m.say(q)} exactly."))
    d.note("holding", instrument=symbol, quantity=q)


@template("holdings")
def h_list(m: Maker, d: Dialogue):
    s1, n1 = m.item()
    s2, n2 = m.item(exclude=[s1])
    q1, q2 = m.qty(), m.qty()
    speak(
        m,
        d,
        m.pick(
            f"portfolio wise it's {m.say(q1)} {n1} plus {m.say(q2)} {n2}.",
            f"{{I}} [keep|keeps] {m.say(q1)} {n1} and {m.say(q2)} {n2}.",
        ),
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)


@template("holdings")
def h_others(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} bought {m.say(m.qty())} {name} on a tip.",
            f"{{my}} {rel} dumped his {name} last week.",
            f"{{my}} {rel} is loaded up on {name}.",
        ),
    )


@template("holdings")
def h_negated(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [have|has] zero exposure to {name}.",
            f"{{I}} never did buy that {name}.",
            f"{{I'm}} tempted by {name} but haven't pulled the trigger.",
            f"would {m.say(m.qty())} {name} be sensible?",
        ),
    )


@template("holdings", "transcript")
def h_hedged(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.client(
        m.pick(
            f"I reckon it's roughly {m.say(q)} {name}, don't quote me.",
            f"something like {m.say(q)} {name}, possibly.",
            f"perhaps {m.say(q)} of the {name}? I'd need to look.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=q)


@template("corrections")
def c_quantity(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    fixed = q + 15
    speak(m, d, f"{{I}} [have|has] {m.say(q)} {name}.")
    speak(
        m,
        d,
        m.pick(
            f"scratch that, it's {m.say(fixed)}.",
            f"My mistake — {m.say(fixed)} {name}, not {m.say(q)}.",
            f"no hang on, {m.say(fixed)} not {m.say(q)}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=fixed)


# ------------------------------------------------------------------------ profile


@template("profile")
def p_risk(m: Maker, d: Dialogue):
    level, text = m.rng.choice(
        [
            ("conservative", "{I'm} a nervous investor, capital preservation first."),
            ("conservative", "{I} [lose|loses] sleep when markets drop, go gently."),
            ("moderate", "{I'm} happy with middle-of-the-road risk."),
            ("moderate", "a balanced approach suits {me}, not too wild."),
            ("aggressive", "{I'm} up for punchy, high-risk stuff."),
            ("aggressive", "{I} [want|wants] maximum growth, bring on the volatility."),
        ]
    )
    speak(m, d, text)
    d.note("profile", risk_tolerance=level)


@template("profile", "transcript")
def p_risk_answer(m: Maker, d: Dialogue):
    d.advisor_(m.pick("Where do you sit on risk?", "Risk appetite, roughly?"))
    level, answer = m.rng.choice(
        [
            ("conservative", "Cautious. Very."),
            ("moderate", "Middling."),
            ("aggressive", "Adventurous, honestly."),
        ]
    )
    d.client(answer)
    d.note("profile", risk_tolerance=level)


@template("profile")
def p_horizon(m: Maker, d: Dialogue):
    years = m.rng.choice([6, 9, 14, 18, 22])
    said = m.say(years)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} can leave it invested for {said} years.",
            f"this pot isn't needed for another {said} years.",
        ),
    )
    d.note("profile", horizon_years=years)


@template("profile")
def p_age(m: Maker, d: Dialogue):
    age = m.rng.randint(29, 77)
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} {m.say(age)} this year.",
            f"{{I}} turned {m.say(age)} in the summer.",
        ),
    )
    d.note("profile", kyc__age=age)


@template("profile", "transcript")
def p_age_answer(m: Maker, d: Dialogue):
    age = m.rng.randint(30, 70)
    d.advisor_(m.pick("Remind me of your age?", "And you are how old now?"))
    d.client(m.pick(f"{m.say(age)}.", f"{m.say(age)}, sadly."))
    d.note("profile", kyc__age=age)


@template("profile")
def p_marital(m: Maker, d: Dialogue):
    status, said = m.rng.choice(
        [("married", "married"), ("divorced", "divorced"), ("widowed", "widowed")]
    )
    speak(m, d, m.pick(f"{{I'm}} {said}, for the record.", f"{{I}} [am|is] {said}."))
    d.note("profile", kyc__marital_status=status)


# -------------------------------------------------------------------------- goals


@template("goals")
def g_retire_age(m: Maker, d: Dialogue):
    age = m.rng.choice([55, 58, 60, 62, 65, 67])
    speak(
        m,
        d,
        m.pick(
            f"The plan is to stop working at {m.say(age)}.",
            f"{{I'd}} love to hang up {{my}} boots at {m.say(age)}.",
            f"{{I}} [want|wants] out of work by {m.say(age)}.",
        ),
    )
    d.note("goal", goal="retirement", target_age=age)


@template("goals")
def g_education(m: Maker, d: Dialogue):
    amount = m.rng.choice([60_000, 90_000, 150_000])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [need|needs] ${amount // 1000}k set aside for university fees.",
            f"{{my}} kid's college will cost about {number_words(amount // 1000)}"
            " thousand dollars, {I} [want|wants] that covered.",
        ),
    )
    d.note("goal", goal="education", amount=amount)


@template("goals")
def g_home(m: Maker, d: Dialogue):
    amount = m.rng.choice([80_000, 120_000, 200_000])
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} saving ${amount:,} towards a deposit on a flat.",
            f"{{I}} [hope|hopes] to put ${amount // 1000}k down on a house.",
        ),
    )
    d.note("goal", goal="home purchase", amount=amount)


@template("goals")
def g_others(m: Maker, d: Dialogue):
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} wants to retire at fifty, mad idea.")


# -------------------------------------------------------------------- preferences


@template("preferences", weight=2)
def pr_avoid(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(SECTORS))
    name = m.rng.choice(SECTORS[sector])
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [find|finds] {name} distasteful, leave them out.",
            f"{name} is a hard no for {{me}}.",
            f"{{I}} [feel|feels] queasy about {name}.",
            f"{{I'd}} rather not touch {name}.",
            f"keep {name} out of {{my}} portfolio, please.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[sector])


@template("preferences", weight=2)
def pr_like(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(LIKES))
    name = m.rng.choice(LIKES[sector])
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} keen on {name}.",
            f"{name} really appeal to {{me}}.",
            f"{{I}} [get|gets] excited about {name}.",
            f"more {name} would suit {{me}} nicely.",
        ),
    )
    d.note("preference", polarity="likes", sectors=[sector])


@template("preferences")
def pr_others(m: Maker, d: Dialogue):
    sector = m.rng.choice(list(SECTORS))
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} won't go near {m.rng.choice(SECTORS[sector])}.")


# -------------------------------------------------------------------------- views


@template("views", weight=2)
def v_valuation(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bearish", f"{{I}} [reckon|reckons] {name} is massively overvalued."),
            (
                "bearish",
                f"{{I}} [think|thinks] {name} is priced for perfection, avoid.",
            ),
            ("bullish", f"{{I}} [think|thinks] {name} is a bargain at these levels."),
            ("bullish", f"{{I'm}} convinced {name} is undervalued."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("views")
def v_direction(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    stance, text = m.rng.choice(
        [
            ("bullish", f"{{I}} [expect|expects] {name} to climb a lot this year."),
            ("bearish", f"{{I}} [see|sees] {name} falling hard."),
            ("bullish", f"{{I'm}} optimistic about {name}."),
            ("bearish", f"{{I'm}} gloomy on {name}."),
        ]
    )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance=stance)


@template("views", "transcript")
def v_hedged(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    d.client(
        m.pick(
            f"{name} could be a bit expensive, possibly, I'm not certain.",
            f"I suppose {name} might drop? hard to say.",
        )
    )
    d.note("view", status="proposed", instrument=symbol, stance="bearish")


@template("views")
def v_others(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} swears {name} will double.")


@template("views", "analyst", weight=2)
def v_analyst(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    target = m.rng.choice([90, 140, 250, 410])
    stance = m.rng.choice(["bullish", "bearish"])
    verb = "upgrade" if stance == "bullish" else "downgrade"
    d.analyst(
        m.pick(
            f"We {verb} {name}, price objective ${target}.",
            f"Initiating {name} with a {'buy' if stance == 'bullish' else 'sell'}, "
            f"fair value {target}.",
        )
    )
    d.note("view", instrument=symbol, stance=stance, target_price=target)


# -------------------------------------------------------------------------- facts


@template("facts", weight=2)
def f_event(m: Maker, d: Dialogue):
    event, category, text = m.rng.choice(
        [
            ("promotion", "employment", "{I} landed a promotion at work."),
            ("job_loss", "employment", "{I} was made redundant in January."),
            ("death", "life_event", "{my} father died over Christmas."),
            ("relocation", "life_event", "{I'm} relocating to Edinburgh next year."),
            ("inheritance", "life_event", "{I'm} inheriting granny's house."),
            ("retired", "employment", "{I} finally retired in the autumn."),
            ("diagnosis", "health", "{I} was diagnosed with arthritis."),
        ]
    )
    speak(m, d, text)
    d.note("fact", category=category, event=event)


@template("facts")
def f_others(m: Maker, d: Dialogue):
    rel = m.rng.choice(RELATIVES)
    speak(m, d, f"{{my}} {rel} got promoted and bought a boat.")


# ------------------------------------------------------------------------- multi


@template("multi", weight=2)
def mu_profile(m: Maker, d: Dialogue):
    age = m.rng.randint(40, 60)
    retire = m.rng.choice([60, 63, 66])
    speak(
        m,
        d,
        f"{{I'm}} {m.say(age)}, married, and {{I}} [want|wants] to retire at "
        f"{m.say(retire)}.",
    )
    d.note("profile", kyc__age=age)
    d.note("profile", kyc__marital_status="married")
    d.note("goal", goal="retirement", target_age=retire)


@template("multi")
def mu_holding_view(m: Maker, d: Dialogue):
    s1, n1 = m.stock()
    s2, n2 = m.stock(exclude=[s1])
    q = m.qty()
    speak(
        m, d, f"{{I}} [have|has] {m.say(q)} {n1}, and {n2} looks horribly overpriced."
    )
    d.note("holding", instrument=s1, quantity=q)
    d.note("view", instrument=s2, stance="bearish")


@template("negatives", "transcript")
def n_chat(m: Maker, d: Dialogue):
    d.advisor_(m.pick("Lovely weather, isn't it?", "How was the holiday?"))
    d.client(m.pick("Brilliant, thanks, we went to Cornwall.", "Rainy, as usual."))


@template("negatives")
def n_question(m: Maker, d: Dialogue):
    symbol, name = m.stock()
    speak(m, d, m.pick(f"what's {name} trading at?", f"Any news on {name}?"))


def build(count: int = COUNT, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    return dialogues_build(
        templates=TEMPLATES,
        maker=Maker(rng),
        rng=rng,
        count=count,
        prefix="h2",
        clients=CLIENTS,
        analysts=ANALYSTS,
        advisors=ADVISORS,
        # Templates in their written order, every round.
        shuffle=False,
    )


def main(argv=None) -> int:
    return set_main(
        argv,
        description=__doc__.splitlines()[0],
        path=HELDOUT2,
        name="heldout2",
        seed=SEED,
        about=(
            "Second held-out extraction set, written before the second tuning "
            "round with its own people, tickers and sentences; never tuned on."
        ),
        build=build,
    )


if __name__ == "__main__":
    raise SystemExit(main())
