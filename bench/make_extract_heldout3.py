"""Generate ``bench/extract_heldout3.json``: the third held-out extraction set.

Written before the third round of tuning and **never tuned on**: its own clients,
advisors, tickers and phrasings, unlike the rules' patterns and unlike every
other set. It asks what devset3 asks — feelings and likes about investments and
sectors, ethical exclusions, how and when the client wants to be contacted,
holdings said without "shares" and in words, several facts in one sentence,
answers across turns, other people's trades (never the client's), corrections,
negations, hedges (which wait for review) and questions that state nothing —
in words nobody tuned the rules to. Deterministic for a seed:
``python -m bench.make_extract_heldout3``.
"""

from __future__ import annotations

import random

from bench.extract_sets import (
    HELDOUT3,
    Dialogue,
    Person,
    dialogues_build,
    number_words,
    set_main,
    template_registry,
)
from bench.make_extract_devset import Voice

SEED = 3303
COUNT = 180

CLIENTS = [
    Person("Rosalind Achebe", "she"),
    Person("Callum Fraser", "he"),
    Person("Yuki Tanaka", "she"),
    Person("Bartholomew Greene", "he"),
    Person("Priyanka Rao", "she"),
    Person("Ezra Lindqvist", "he"),
]
ANALYSTS = [Person("Odile Marchand", "she", "analyst")]
ADVISORS = ["Teodora Ilic", "Desmond Hart"]

STOCKS = {
    "CVX": ["Chevron"],
    "KO": ["Coca-Cola", "Coke"],
    "PEP": ["PepsiCo", "Pepsi"],
    "COST": ["Costco"],
    "HON": ["Honeywell"],
    "CAT": ["Caterpillar"],
    "SBUX": ["Starbucks"],
    "NKE": ["Nike"],
    "MCD": ["McDonald's"],
    "MA": ["Mastercard"],
    "ORCL": ["Oracle"],
    "CSCO": ["Cisco"],
    "QCOM": ["Qualcomm"],
    "DUK": ["Duke Energy"],
}
FUNDS = {"SCHD": ["SCHD"], "VTI": ["VTI"], "BND": ["BND"]}
ACCOUNTS = {"roth_ira": ["Roth"], "ira": ["IRA"], "taxable": ["taxable account"]}
AVOID = {
    "tobacco": ["tobacco"],
    "weapons": ["firearms", "the arms trade"],
    "gambling": ["gaming companies", "casinos"],
    "fossil fuels": ["coal", "oil and gas"],
    "alcohol": ["booze", "spirits"],
}
LIKE = {
    "healthcare": ["biotech", "health care"],
    "dividends": ["income stocks", "dividend growers"],
    "renewable energy": ["solar", "renewables"],
    "technology": ["semiconductors", "technology"],
    "real estate": ["property", "REITs"],
    "utilities": ["utilities"],
}
CONTACT = {
    "email": ["email", "an email"],
    "phone": ["a phone call", "ringing"],
    "text": ["texting", "a text message"],
    "video": ["a video call", "Zoom"],
    "in person": ["meeting face to face", "sitting down in person"],
}
TIMES = {"mornings": ["mornings"], "afternoons": ["afternoons"]}
RELATIVES = ["neighbour", "cousin", "father-in-law", "golf buddy", "colleague"]


class Maker:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, *options):
        return self.rng.choice(options)

    def item(self, exclude=(), funds=True):
        pool = {**STOCKS, **FUNDS} if funds else STOCKS
        symbol = self.rng.choice([s for s in pool if s not in exclude])
        return symbol, self.rng.choice(pool[symbol])

    def qty(self):
        return self.rng.choice([25, 60, 90, 115, 150, 220, 320, 450, 600, 1200])

    def say(self, n: int) -> str:
        if self.rng.random() < 0.4:
            return f"{n:,}"
        return number_words(n, and_=self.rng.random() < 0.5)

    def one(self, table: dict):
        code = self.rng.choice(list(table))
        return code, self.rng.choice(table[code])


def speak(m: Maker, d: Dialogue, template: str) -> None:
    if d.channel == "chat":
        d.advisor_(Voice(m.pick("name", "pronoun"), d.subject)(template))
    else:
        d.client(Voice("first", d.subject)(template))


TEMPLATES, template = template_registry()


@template("holdings", weight=3)
def h_stated(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.one(ACCOUNTS)
    where = m.rng.random() < 0.4
    place = f" in {{my}} {account}" if where else ""
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} sitting on {m.say(q)} {name}{place}.",
            f"{{my}} stake in {name} is {m.say(q)}{place}.",
            f"{{I}} still [keep|keeps] {m.say(q)} {name}{place}.",
            f"{{I've}} accumulated {m.say(q)} {name} over the years{place}.",
            f"The {name} position{place} is {m.say(q)} these days.",
        ),
    )
    fields = {"instrument": symbol, "quantity": q}
    if where:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings", weight=2)
def h_two_in_one(m: Maker, d: Dialogue):
    s1, n1 = m.item()
    s2, n2 = m.item(exclude=[s1])
    q1, q2 = m.qty(), m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [hold|holds] {m.say(q1)} {n1} plus {m.say(q2)} {n2}.",
            f"Right now it's {m.say(q1)} {n1} and {m.say(q2)} {n2} for {{me}}.",
        ),
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)


@template("holdings", "transcript", weight=2)
def h_answer(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.advisor_(
        m.pick(
            f"Remind me how much {name} you've got?",
            f"And the {name}, how many is that now?",
        )
    )
    d.client(m.pick(f"Exactly {m.say(q)}.", f"{m.say(q).capitalize()}, I think."))
    hedged = d.turns[-1]["text"].endswith("I think.")
    d.note("holding", status="proposed" if hedged else "active", instrument=symbol,
           quantity=q)  # fmt: skip


@template("holdings", weight=2)
def h_others(m: Maker, d: Dialogue):
    _, name = m.item()
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} just loaded up on {m.say(m.qty())} {name}.",
            f"{{my}} {rel} is holding {m.say(m.qty())} {name}, lucky him.",
            f"{{my}} {rel} dumped all his {name} last month.",
        ),
    )


@template("holdings", weight=2)
def h_nothing(m: Maker, d: Dialogue):
    _, name = m.item()
    speak(
        m,
        d,
        m.pick(
            f"Should {{I}} pick up some {name}?",
            f"{{I've}} never touched {name}.",
            f"{{I}} might grab {m.say(m.qty())} {name} if it dips.",
            f"How many {name} would {{I}} need for a decent income?",
            f"Not a single {name} in {{my}} accounts.",
        ),
    )


@template("holdings", "transcript")
def h_hedged(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.client(
        m.pick(
            f"Somewhere around {m.say(q)} {name}, I'd have to check.",
            f"Maybe {m.say(q)} {name}? Don't quote me.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=q)


@template("corrections", weight=2)
def c_fix(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    fixed = q + m.rng.choice([10, 30, 50])
    speak(m, d, f"{{I}} [own|owns] {m.say(q)} {name}.")
    speak(
        m,
        d,
        m.pick(
            f"Scratch that, it's {m.say(fixed)}.",
            f"Correction: {m.say(fixed)} {name}, not {m.say(q)}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=fixed)


@template("preferences", weight=3)
def pr_feel(m: Maker, d: Dialogue):
    like = m.rng.random() < 0.5
    sector, said = m.one(LIKE if like else AVOID)
    if like:
        text = m.pick(
            f"{{I}} get a real kick out of {said}.",
            f"{said.capitalize()} really excites {{me}}.",
            f"{{I've}} always had a soft spot for {said}.",
            f"{{I'd}} happily put more into {said}.",
        )
    else:
        text = m.pick(
            f"{said.capitalize()} is a hard no for {{me}}.",
            f"{{I}} won't have {said} anywhere near {{my}} money.",
            f"{{I}} find {said} distasteful.",
            f"Count {{me}} out of {said}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("preferences", weight=2)
def pr_ethics(m: Maker, d: Dialogue):
    a, said_a = m.one(AVOID)
    b, said_b = m.one({k: v for k, v in AVOID.items() if k != a})
    speak(
        m,
        d,
        m.pick(
            f"On principle, nothing tied to {said_a} or {said_b}.",
            f"{{I}} draw the line at {said_a} and {said_b}.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[a])
    d.note("preference", polarity="avoids", sectors=[b])


@template("preferences", weight=2)
def pr_contact(m: Maker, d: Dialogue):
    topic, said = m.one(CONTACT)
    like = m.rng.random() < 0.6
    if like:
        text = m.pick(
            f"{said.capitalize()} works best for {{me}}.",
            f"Best to reach {{me}} by {said}.",
        )
    else:
        text = m.pick(
            f"Please, no {said}.",
            f"{said.capitalize()} doesn't work for {{me}} at all.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", topic=topic)


@template("preferences")
def pr_when(m: Maker, d: Dialogue):
    topic, said = m.one(TIMES)
    speak(m, d, f"Meetings in the {said} suit {{me}} better.")
    d.note("preference", polarity="likes", topic=topic)


@template("preferences", weight=2)
def pr_question(m: Maker, d: Dialogue):
    _, said = m.one({**LIKE, **AVOID})
    speak(
        m,
        d,
        m.pick(
            f"What's your take on {said} right now?",
            f"Do other clients go for {said}?",
            f"Is {said} a sensible bet these days?",
        ),
    )


@template("views", weight=2)
def v_take(m: Maker, d: Dialogue):
    symbol, name = m.item(funds=False)
    bull = m.rng.random() < 0.5
    if bull:
        text = m.pick(
            f"{{I}} reckon {name} has plenty of room to run.",
            f"{name} looks like a bargain to {{me}}.",
        )
    else:
        text = m.pick(
            f"{{I}} think {name} is running out of steam.",
            f"{name} looks expensive to {{me}}.",
        )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance="bullish" if bull else "bearish")


@template("views", "analyst", weight=2)
def v_analyst(m: Maker, d: Dialogue):
    symbol, name = m.item(funds=False)
    target = m.rng.choice([80, 120, 175, 240, 310])
    d.analyst(f"Upgrading {name} to a buy, fair value ${target}.")
    d.note("view", instrument=symbol, stance="bullish", target_price=target)


@template("profile", weight=2)
def p_mixed(m: Maker, d: Dialogue):
    age = m.rng.randint(31, 74)
    level, said = m.rng.choice(
        [
            ("conservative", "{I} [sleep|sleeps] badly when markets drop"),
            ("aggressive", "{I} [don't|doesn't] flinch at volatility"),
            ("moderate", "{I} [want|wants] a bit of growth but nothing wild"),
        ]
    )
    speak(m, d, f"{{I'm}} {m.say(age)} and {said}.")
    d.note("profile", kyc__age=age)
    d.note("profile", risk_tolerance=level)


@template("goals", weight=2)
def g_retire(m: Maker, d: Dialogue):
    age = m.rng.choice([58, 60, 63, 66, 68])
    symbol, name = m.item()
    q = m.qty()
    speak(
        m,
        d,
        f"{{I}} [hope|hopes] to stop working at {m.say(age)}, and {{I}} [have|has] "
        f"{m.say(q)} {name} put by for it.",
    )
    d.note("goal", goal="retirement", target_age=age)
    d.note("holding", instrument=symbol, quantity=q)


@template("negatives", "transcript", weight=2)
def n_chat(m: Maker, d: Dialogue):
    d.advisor_(m.pick("How was the holiday?", "Any news since we spoke?"))
    d.client(m.pick("Lovely, thanks. Nothing new.", "Same old, really."))


def build(count: int = COUNT, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    return dialogues_build(
        templates=TEMPLATES,
        maker=Maker(rng),
        rng=rng,
        count=count,
        prefix="h3",
        clients=CLIENTS,
        analysts=ANALYSTS,
        advisors=ADVISORS,
    )


def main(argv=None) -> int:
    return set_main(
        argv,
        description=__doc__.splitlines()[0],
        path=HELDOUT3,
        name="heldout3",
        seed=SEED,
        about=(
            "Third held-out extraction set, written before the third round of "
            "tuning in vocabulary of its own; never tuned on."
        ),
        build=build,
    )


if __name__ == "__main__":
    raise SystemExit(main())
