"""Generate ``bench/extract_devset3.json``: the third extraction development set.

Written after held-out 2 showed where the rules fail to generalise (preferences
said in ways the rules did not know; holdings recorded where none was stated),
in vocabulary and sentence shapes unlike the rules' and unlike the first two
sets: feelings, likes and dislikes about investments and sectors, ethical
exclusions, how and when the client wants to be contacted, holdings said
without "shares" and in words, several facts in one sentence, answers to the
advisor's question across turns, other people's trades (never the client's),
corrections, negations, hedges (which wait for review) and questions that
state nothing.

How and when to be contacted is a preference whose ``topic`` is the channel or
the time (``email``, ``phone``, ``text``, ``video``, ``in person``, ``mornings``,
``afternoons``, ``evenings``) with no sector or instrument.

The rules are tuned on it (with the first two development sets); held-out 3,
written before it from another generator, is not. Deterministic for a seed:
``python -m bench.make_extract_devset3``.
"""

from __future__ import annotations

import random

from bench.extract_sets import (
    DEVSET3,
    Dialogue,
    Person,
    dialogues_build,
    number_words,
    set_main,
    template_registry,
)
from bench.make_extract_devset import Voice

SEED = 3403
COUNT = 680

CLIENTS = [
    Person("Mirela Popescu", "she"),
    Person("Oskar Halvorsen", "he"),
    Person("Fatima Qureshi", "she"),
    Person("Jasper Whitfield", "he"),
    Person("Lucia Marin", "she"),
    Person("Kwame Boateng", "he"),
    Person("Greta Schulz", "she"),
    Person("Rory Gallagher", "he"),
]
ANALYSTS = [
    Person("Anselm Richter", "he", "analyst"),
    Person("Margot Lefevre", "she", "analyst"),
]
ADVISORS = ["Hollis Grant", "Noor Aziz"]

STOCKS = {
    "AMZN": ["Amazon"],
    "MSFT": ["Microsoft", "MSFT"],
    "NVDA": ["Nvidia", "NVDA"],
    "JPM": ["JPMorgan", "JP Morgan"],
    "XOM": ["Exxon", "ExxonMobil"],
    "PFE": ["Pfizer"],
    "MRK": ["Merck"],
    "HD": ["Home Depot"],
    "WMT": ["Walmart"],
    "DIS": ["Disney"],
    "NFLX": ["Netflix", "NFLX"],
    "INTC": ["Intel"],
    "AMD": ["AMD"],
    "CRM": ["Salesforce"],
    "BA": ["Boeing"],
    "AAPL": ["Apple", "AAPL"],
}
FUNDS = {"VOO": ["VOO"], "AGG": ["AGG"], "VIG": ["VIG"], "VXUS": ["VXUS"]}
ACCOUNTS = {
    "roth_ira": ["Roth IRA", "Roth account"],
    "ira": ["IRA", "rollover IRA"],
    "401k": ["401k", "401(k)"],
    "taxable": ["taxable account", "regular brokerage"],
}
AVOID = {
    "tobacco": ["tobacco companies", "cigarettes", "big tobacco"],
    "weapons": ["weapons", "gun makers", "arms makers"],
    "gambling": ["gambling", "betting companies", "casinos"],
    "fossil fuels": ["fossil fuels", "oil", "coal miners"],
    "alcohol": ["alcohol", "brewers", "liquor companies"],
    "crypto": ["crypto", "bitcoin"],
}
LIKE = {
    "healthcare": ["healthcare", "pharma", "drug companies"],
    "dividends": ["dividend stocks", "dividend payers"],
    "renewable energy": ["clean energy", "wind power", "renewables"],
    "technology": ["tech", "tech stocks", "chipmakers"],
    "real estate": ["real estate", "REITs"],
    "bonds": ["bonds", "treasuries"],
    "index funds": ["index funds", "ETFs"],
}
CONTACT = {
    "email": ["email", "e-mail"],
    "phone": ["phone calls", "calls"],
    "text": ["texts", "text messages"],
    "video": ["video calls", "Teams calls"],
    "in person": ["in-person meetings", "face-to-face meetings"],
}
TIMES = {
    "mornings": ["in the mornings", "early in the day"],
    "afternoons": ["in the afternoon", "after lunch"],
    "evenings": ["in the evenings", "after work"],
}
RELATIVES = ["wife", "husband", "son", "daughter", "brother", "friend", "dad"]
OPENERS = ["", "", "", "So ", "Also, ", "Oh — ", "For what it's worth, "]
_KEEP_CAPITALS = {"I", "I'm", "I've", "I'd"}


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
        return self.rng.choice([30, 40, 75, 95, 120, 175, 210, 260, 380, 500, 850])

    def say(self, n: int) -> str:
        if self.rng.random() < 0.4:
            return f"{n:,}"
        return number_words(n, and_=self.rng.random() < 0.5)

    def one(self, table: dict, exclude=()):
        code = self.rng.choice([c for c in table if c not in exclude])
        return code, self.rng.choice(table[code])


def speak(m: Maker, d: Dialogue, template: str, *, wrap: bool = True) -> None:
    """Say a template as the client, or as the advisor typing about them."""
    if d.channel == "chat":
        text = Voice(m.pick("name", "name", "pronoun"), d.subject)(template)
    else:
        text = Voice("first", d.subject)(template)
    opener = m.rng.choice(OPENERS) if wrap else ""
    if opener:
        # The opener runs into the sentence; names and "I" keep their capitals.
        first = text.split(" ", 1)[0]
        names = {d.subject.first, f"{d.subject.first}'s"} | {
            word for said in {**STOCKS, **FUNDS}.values() for n in said
            for word in n.split()
        }  # fmt: skip
        if first not in _KEEP_CAPITALS | names and not first.isupper():
            text = text[0].lower() + text[1:]
        text = opener + text
    if d.channel == "chat":
        d.advisor_(text)
    else:
        d.client(text)


TEMPLATES, template = template_registry()


# ----------------------------------------------------------------------- holdings


@template("holdings", weight=4)
def h_said_plainly(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.one(ACCOUNTS)
    where = m.rng.random() < 0.4
    place = f" in {{my}} {account}" if where else ""
    speak(
        m,
        d,
        m.pick(
            f"{{I've}} got {m.say(q)} {name}{place}.",
            f"There's {m.say(q)} {name}{place}.",
            f"{{I}} [keep|keeps] {m.say(q)} {name}{place}.",
            f"{{I}} [sit|sits] on {m.say(q)} {name}{place}.",
            f"{{my}} {name} stake is {m.say(q)}{place}.",
            f"{{I}} [hold|holds] {m.say(q)} of {name}{place}.",
            f"{{I'm}} holding {m.say(q)} {name}{place}.",
            f"{{my}} {name} comes to {m.say(q)}{place}.",
            f"{{I've}} got a position of {m.say(q)} in {name}{place}.",
            f"{m.say(q).capitalize()} {name}{place} — that's what {{I}} [have|has].",
        ),
    )
    fields = {"instrument": symbol, "quantity": q}
    if where:
        fields["account"] = code
    d.note("holding", **fields)


@template("holdings", weight=2)
def h_bought(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} picked up {m.say(q)} {name} last month.",
            f"{{I}} bought {m.say(q)} {name} in March.",
            f"{{I}} snapped up {m.say(q)} {name} recently.",
            f"Last year {{I}} put money into {m.say(q)} {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q)


@template("holdings", weight=3)
def h_several(m: Maker, d: Dialogue):
    s1, n1 = m.item()
    s2, n2 = m.item(exclude=[s1])
    q1, q2 = m.qty(), m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [have|has] {m.say(q1)} {n1} and {m.say(q2)} {n2}.",
            f"{{I've}} got {m.say(q1)} {n1}, plus {m.say(q2)} {n2}.",
            f"{{my}} portfolio: {m.say(q1)} {n1}, {m.say(q2)} {n2}.",
            f"{{I}} [own|owns] {m.say(q1)} {n1}, and there's {m.say(q2)} {n2} too.",
        ),
    )
    d.note("holding", instrument=s1, quantity=q1)
    d.note("holding", instrument=s2, quantity=q2)


@template("holdings", "transcript", weight=4)
def h_answer(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    code, account = m.one(ACCOUNTS)
    form = m.rng.choice(["count", "count", "which", "yes", "no", "account"])
    if form == "no":
        d.advisor_(m.pick(f"Do you still have {name}?", f"Any {name} these days?"))
        d.client(m.pick("No, I got rid of it.", "Nope, none at all.", "Not anymore."))
        return
    if form == "which":
        d.advisor_(m.pick("What else do you hold?", "Anything else in there?"))
        d.client(m.pick(f"{m.say(q).capitalize()} {name}.", f"Just {m.say(q)} {name}."))
        d.note("holding", instrument=symbol, quantity=q)
        return
    if form == "yes":
        d.advisor_(m.pick(f"Still holding {name}?", f"You've still got {name}, yes?"))
        d.client(
            m.pick(f"Yes, {m.say(q)} of them.", f"Yeah — {m.say(q)}.", f"{m.say(q)}.")
        )
        d.note("holding", instrument=symbol, quantity=q)
        return
    d.advisor_(
        m.pick(
            f"How many {name} do you have?",
            f"How much {name} are you holding?",
            f"What's the {name} number?",
        )
    )
    if form == "account":
        d.client(m.pick(f"{m.say(q)}, in the {account}.", f"{m.say(q)} — {account}."))
        d.note("holding", instrument=symbol, quantity=q, account=code)
    else:
        d.client(m.pick(f"{m.say(q)}.", f"It's {m.say(q)}.", f"{m.say(q)} exactly."))
        d.note("holding", instrument=symbol, quantity=q)


@template("holdings", weight=4)
def h_others(m: Maker, d: Dialogue):
    _, name = m.item()
    rel = m.rng.choice(RELATIVES)
    his = "her" if rel in ("wife", "daughter") else "his"
    speak(
        m,
        d,
        m.pick(
            f"{{my}} {rel} has {m.say(m.qty())} {name}.",
            f"{{my}} {rel} bought {m.say(m.qty())} {name} last week.",
            f"{{my}} {rel} just sold all {his} {name}.",
            f"{{my}} {rel}'s got {m.say(m.qty())} {name} in {his} IRA.",
            f"{{my}} {rel} owns {name}, not {{me}}.",
            f"A colleague of ours holds {m.say(m.qty())} {name}.",
        ),
    )


@template("holdings", weight=4)
def h_not_held(m: Maker, d: Dialogue):
    _, name = m.item()
    speak(
        m,
        d,
        m.pick(
            f"Should {{I}} buy {m.say(m.qty())} {name}?",
            f"What do you think about {name}?",
            f"{{I}} [don't|doesn't] own any {name}.",
            f"{{I've}} never had {name}.",
            f"{{I}} [was|was] going to buy {m.say(m.qty())} {name} but didn't.",
            f"{{I}} might pick up {m.say(m.qty())} {name} next year.",
            f"If {{I}} bought {m.say(m.qty())} {name}, what would that cost?",
            f"Is {name} worth owning?",
            f"Would {m.say(m.qty())} {name} be too much?",
            f"{{I}} [sold|sold] the last of {{my}} {name} ages ago.",
        ),
    )


@template("holdings", "transcript", weight=2)
def h_hedged(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    d.client(
        m.pick(
            f"I think it's around {m.say(q)} {name}, not sure.",
            f"Probably {m.say(q)} {name}, I'd need to look.",
            f"Roughly {m.say(q)} {name}, I guess.",
            f"{m.say(q).capitalize()} {name}? Something like that.",
        )
    )
    d.note("holding", status="proposed", instrument=symbol, quantity=q)


@template("corrections", weight=3)
def c_fix(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    fixed = q + m.rng.choice([5, 15, 25, 100])
    speak(m, d, f"{{I}} [have|has] {m.say(q)} {name}.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"Sorry, I meant {m.say(fixed)}.",
            f"Actually, make that {m.say(fixed)} {name}.",
            f"No wait — {m.say(fixed)}, not {m.say(q)}.",
            f"My mistake, it's {m.say(fixed)} {name}.",
        ),
        wrap=False,
    )
    d.note("holding", instrument=symbol, quantity=fixed)


@template("corrections")
def c_sold(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.rng.choice([200, 400, 600])
    sold = m.rng.choice([50, 100, 150])
    speak(m, d, f"{{I}} [have|has] {m.say(q)} {name}.", wrap=False)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} sold {m.say(sold)} of them yesterday.",
            f"{{I}} trimmed {m.say(sold)} {name} last week.",
        ),
        wrap=False,
    )
    d.note("holding", instrument=symbol, quantity=q - sold)


# -------------------------------------------------------------------- preferences


@template("preferences", weight=5)
def pr_feel(m: Maker, d: Dialogue):
    like = m.rng.random() < 0.5
    sector, said = m.one(LIKE if like else AVOID)
    if like:
        text = m.pick(
            f"{{I}} really [like|likes] {said}.",
            f"{{I'm}} a big believer in {said}.",
            f"{{I}} [feel|feels] good about {said}.",
            f"{{I'm}} enthusiastic about {said}.",
            f"{{I'm}} excited about {said}.",
            f"{{I}} [enjoy|enjoys] owning {said}.",
            f"{said.capitalize()} appeal to {{me}}.",
            f"{{I}} [want|wants] more {said} in the mix.",
            f"{{I'm}} keen to add {said}.",
            f"{said.capitalize()} — {{I}} [love|loves] that stuff.",
        )
    else:
        text = m.pick(
            f"{{I}} [want|wants] nothing to do with {said}.",
            f"{{I}} [feel|feels] uneasy about {said}.",
            f"{said.capitalize()} {'are' if said.endswith('s') else 'is'} a no-go "
            f"for {{me}}.",
            f"{{I'm}} not a fan of {said}.",
            f"{{I}} really [don't|doesn't] like {said}.",
            f"{{I}} [refuse|refuses] to own {said}.",
            f"{{I'd}} rather not have {said}.",
            f"{{I}} [despise|despises] {said}.",
            f"{{I'm}} wary of {said}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("preferences", weight=3)
def pr_ethics(m: Maker, d: Dialogue):
    a, said_a = m.one(AVOID)
    b, said_b = m.one(AVOID, exclude=[a])
    speak(
        m,
        d,
        m.pick(
            f"For ethical reasons, no {said_a} and no {said_b}.",
            f"{{I}} won't invest in {said_a} or {said_b} — it's a moral thing.",
            f"{{my}} values rule out {said_a} and {said_b}.",
            f"{{I}} [have|has] ethical objections to {said_a} and {said_b}.",
            f"Nothing in {said_a} or {said_b}, on principle.",
        ),
    )
    d.note("preference", polarity="avoids", sectors=[a])
    d.note("preference", polarity="avoids", sectors=[b])


@template("preferences", weight=2)
def pr_stock(m: Maker, d: Dialogue):
    symbol, name = m.item(funds=False)
    like = m.rng.random() < 0.5
    if like:
        text = m.pick(
            f"{{I}} really [like|likes] {name} as a company.",
            f"{{I'm}} a big fan of {name}.",
        )
    else:
        text = m.pick(
            f"{{I}} [don't|doesn't] want {name} in {{my}} portfolio.",
            f"{{I}} [can't|can't] stand {name}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", instruments=[symbol])


@template("contact", weight=4)
def pr_contact(m: Maker, d: Dialogue):
    topic, said = m.one(CONTACT)
    like = m.rng.random() < 0.6
    if like:
        text = m.pick(
            f"{{I}} [prefer|prefers] {said}.",
            f"{said.capitalize()} {'are' if said.endswith('s') else 'is'} best for "
            f"{{me}}.",
            f"Please use {said} to reach {{me}}.",
            f"{{I'd}} rather be contacted by {said}.",
            f"{{I}} [like|likes] {said} for updates.",
        )
    else:
        text = m.pick(
            f"{{I}} [hate|hates] {said}.",
            f"No {said}, please.",
            f"{{I}} [don't|doesn't] like {said}.",
            f"{{I'd}} rather not do {said}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", topic=topic)


@template("contact", weight=2)
def pr_when(m: Maker, d: Dialogue):
    topic, said = m.one(TIMES)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} [prefer|prefers] meetings {said}.",
            f"Meetings {said} work best for {{me}}.",
            f"Call {{me}} {said} if you can.",
            f"{{I'm}} easiest to reach {said}.",
        ),
    )
    d.note("preference", polarity="likes", topic=topic)


@template("preferences", "transcript", weight=2)
def pr_answer(m: Maker, d: Dialogue):
    d.advisor_(
        m.pick(
            "Anything you'd rather not invest in?",
            "Are there sectors you want to avoid?",
            "Anything you won't own?",
        )
    )
    sector, said = m.one(AVOID)
    d.client(m.pick(f"{said.capitalize()}.", f"Definitely {said}.", f"{said}, mostly."))
    d.note("preference", polarity="avoids", sectors=[sector])


@template("contact", "transcript", weight=2)
def pr_contact_answer(m: Maker, d: Dialogue):
    d.advisor_(
        m.pick(
            "How do you like to be contacted?",
            "What's the best way to reach you?",
        )
    )
    topic, said = m.one(CONTACT)
    d.client(m.pick(f"{said.capitalize()}, please.", f"{said.capitalize()} is best."))
    d.note("preference", polarity="likes", topic=topic)


@template("preferences", weight=4)
def pr_nothing(m: Maker, d: Dialogue):
    _, said = m.one({**LIKE, **AVOID})
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"What do you think of {said}?",
            f"Are {said} doing well this year?",
            f"Do {said} make sense for someone like {{me}}?",
            f"{{my}} {rel} loves {said}.",
            f"{{my}} {rel} won't touch {said}.",
            f"Is it true {said} are risky?",
            f"{said.capitalize()} had a rough quarter.",
        ),
    )


@template("preferences", weight=2)
def pr_hedged(m: Maker, d: Dialogue):
    sector, said = m.one(AVOID)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} might want to avoid {said}, not sure yet.",
            f"Maybe no {said}, though {{I}} [haven't|hasn't] decided.",
        ),
    )
    d.note("preference", status="proposed", polarity="avoids", sectors=[sector])


@template("preferences", weight=5)
def pr_feel_more(m: Maker, d: Dialogue):
    """Feelings in yet other words: idioms, exclamations, the thing said first."""
    like = m.rng.random() < 0.5
    sector, said = m.one(LIKE if like else AVOID)
    big = said[0].upper() + said[1:]
    if like:
        text = m.pick(
            f"{{I've}} always liked {said}.",
            f"{{I'm}} a sucker for {said}.",
            f"{big} excite{'s' if not said.endswith('s') else ''} {{me}}.",
            f"{{I}} [gravitate|gravitates] towards {said}.",
            f"{{I'd}} like to see more {said}.",
            f"{big} {'is' if not said.endswith('s') else 'are'} close to {{my}} heart.",
            f"{{I'm}} all for {said}.",
            f"{{I}} [want|wants] to support {said}.",
            f"More {said}, please.",
            f"{big}? Love {'it' if not said.endswith('s') else 'them'}.",
        )
    else:
        text = m.pick(
            f"{{I'd}} never put money into {said}.",
            f"{{I}} [don't|doesn't] trust {said}.",
            f"{{I}} won't go near {said}.",
            f"{big} {'is' if not said.endswith('s') else 'are'} off the table.",
            f"{{I've}} sworn off {said}.",
            f"{{I'm}} morally opposed to {said}.",
            f"{{I}} [have|has] a problem with {said}.",
            f"Leave {said} out, please.",
            f"Not {said}, please.",
            f"{big}? Absolutely not.",
            f"Under no circumstances {said}.",
            f"{big} {'is' if not said.endswith('s') else 'are'} not {{my}} cup of tea.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("holdings", weight=3)
def h_said_otherwise(m: Maker, d: Dialogue):
    """Holdings in other words: to the tune of, to my name, N of them."""
    symbol, name = m.item()
    q = m.qty()
    speak(
        m,
        d,
        m.pick(
            f"{{I've}} got {m.say(q)} {name} to {{my}} name.",
            f"{{I'm}} in {name} to the tune of {m.say(q)}.",
            f"{{I'm}} up to {m.say(q)} {name} now.",
            f"{name}, {m.say(q)} of them.",
            f"{{I}} [have|has] {name}: {m.say(q)}.",
            f"{{my}} {name} position: {m.say(q)}.",
            f"{{I}} [own|owns] {m.say(q)} in {name}.",
            f"{{I}} [hold|holds] {m.say(q)} pieces of {name}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q)


@template("holdings", weight=3)
def h_not_a_position(m: Maker, d: Dialogue):
    """Companies named with numbers that are no position of the client's."""
    _, name = m.item(funds=False)
    n = m.qty()
    rel = m.rng.choice(RELATIVES)
    speak(
        m,
        d,
        m.pick(
            f"{{I}} nearly bought {m.say(n)} {name}.",
            f"The fund {{I}} [like|likes] holds {m.say(n)} {name}.",
            f"Some hedge fund bought {m.say(n)} {name}.",
            f"The guy next door has {m.say(n)} {name}.",
            f"{{I'm}} thinking about buying {m.say(n)} {name}.",
            f"{{I'm}} tempted to buy {m.say(n)} {name}.",
            f"{{my}} {rel} and {{my}} {rel}'s partner own {m.say(n)} {name}.",
            f"{{I}} bought {m.say(n % 9 + 2)} {name} gift cards.",
            f"{{I've}} worked at {name} for {m.rng.choice([6, 11, 14])} years.",
            f"{name} has {m.say(n)} stores near {{me}}.",
        ),
    )


@template("contact", weight=2)
def pr_contact_more(m: Maker, d: Dialogue):
    topic, said = m.one(CONTACT)
    like = m.rng.random() < 0.5
    if like:
        text = m.pick(
            f"{said.capitalize()} {'are' if said.endswith('s') else 'is'} the way "
            f"to get hold of {{me}}.",
            f"{{I}} always [respond|responds] fastest to {said}.",
            f"{{I}} [love|loves] {said}.",
        )
    else:
        text = m.pick(
            f"{{I}} never [answer|answers] {said}.",
            f"{{I}} can't stand {said}.",
            f"Don't bother with {said} for {{me}}.",
        )
    speak(m, d, text)
    d.note("preference", polarity="likes" if like else "avoids", topic=topic)


# -------------------------------------------------------------- views and others


@template("views", weight=3)
def v_feel(m: Maker, d: Dialogue):
    symbol, name = m.item(funds=False)
    bull = m.rng.random() < 0.5
    if bull:
        text = m.pick(
            f"{{I}} [think|thinks] {name} is going to do well.",
            f"{{I'm}} optimistic about {name}.",
            f"{name} is undervalued, in {{my}} opinion.",
            f"{{I}} [expect|expects] {name} to climb.",
        )
    else:
        text = m.pick(
            f"{{I}} [think|thinks] {name} is going to fall.",
            f"{{I'm}} pessimistic about {name}.",
            f"{name} is overvalued, in {{my}} opinion.",
            f"{{I}} [expect|expects] {name} to drop.",
        )
    speak(m, d, text)
    d.note("view", instrument=symbol, stance="bullish" if bull else "bearish")


@template("views", weight=3)
def v_idiom(m: Maker, d: Dialogue):
    """Views said as idioms rather than as stances or valuations."""
    symbol, name = m.item(funds=False)
    bull = m.rng.random() < 0.5
    if bull:
        text = m.pick(
            f"{{I'm}} betting on {name}.",
            f"{{I}} [have|has] high hopes for {name}.",
            f"{name} could double from here, {{I}} reckon.",
            f"{name} is a long-term winner.",
            f"{name} has a lot going for it.",
            f"{name} is poised to grow.",
        )
    else:
        text = m.pick(
            f"{name}'s best days are behind it.",
            f"{{I've}} lost faith in {name}.",
            f"{name} is overdue for a correction.",
            f"{name} has peaked.",
            f"{name} is a value trap.",
            f"{name} is headed for trouble.",
        )
    speak(m, d, text)
    # An advisor's bare judgement: theirs or the client's? It waits for review.
    bare = d.channel == "chat" and "{" not in text
    d.note(
        "view",
        status="proposed" if bare else "active",
        instrument=symbol,
        stance="bullish" if bull else "bearish",
    )


@template("profile", weight=3)
def p_idiom(m: Maker, d: Dialogue):
    """Risk, horizon and age said in everyday words."""
    form = m.rng.random()
    if form < 0.5:
        level, text = m.rng.choice(
            [
                ("conservative", "Losing money keeps {me} up at night."),
                ("conservative", "Slow and steady for {me}."),
                ("conservative", "Protecting what {I} [have|has] matters most."),
                ("aggressive", "{I'm} in it for growth, swings and all."),
                ("aggressive", "{I} can live with big swings."),
                ("moderate", "{I} [want|wants] a mix of safety and growth."),
            ]
        )
        speak(m, d, text)
        d.note("profile", risk_tolerance=level)
        return
    if form < 0.8:
        years = m.rng.choice([8, 12, 15, 20, 30])
        speak(
            m,
            d,
            m.pick(
                f"{{I}} won't need this money for {m.say(years)} years.",
                f"This is money for {m.say(years)} years from now.",
                f"{{I'm}} in for the long haul: {m.say(years)} years.",
            ),
        )
        d.note("profile", horizon_years=years)
        return
    age = m.rng.randint(30, 79)
    speak(
        m,
        d,
        m.pick(
            f"{{I'm}} {m.say(age)}, if you need it for the forms.",
            f"{{I'm}} {m.say(age)} years young.",
        ),
    )
    d.note("profile", kyc__age=age)


@template("goals", weight=2)
def g_idiom(m: Maker, d: Dialogue):
    age = m.rng.choice([55, 58, 60, 62, 65, 67])
    speak(
        m,
        d,
        m.pick(
            f"{{I'd}} like to hang up {{my}} boots at {m.say(age)}.",
            f"The plan is to retire at {m.say(age)}.",
            f"{{I}} [want|wants] to be out of the workforce by {m.say(age)}.",
            f"Retirement at {m.say(age)} is the goal.",
        ),
    )
    d.note("goal", goal="retirement", target_age=age)


@template("views", "analyst", weight=2)
def v_analyst(m: Maker, d: Dialogue):
    symbol, name = m.item(funds=False)
    target = m.rng.choice([90, 130, 210, 280, 450])
    d.analyst(
        m.pick(
            f"My call on {name}: buy, target ${target}.",
            f"Bullish on {name}, price target {target}.",
        )
    )
    d.note("view", instrument=symbol, stance="bullish", target_price=target)


@template("profile", weight=2)
def p_several(m: Maker, d: Dialogue):
    age = m.rng.randint(30, 75)
    level, said = m.rng.choice(
        [
            ("conservative", "{I} [can't|can't] stomach big losses"),
            ("conservative", "{I} [want|wants] to keep it safe"),
            ("aggressive", "{I'm} happy to take big risks"),
            ("moderate", "{I'm} fine with some risk"),
        ]
    )
    speak(m, d, f"{{I'm}} {m.say(age)}, and {said}.")
    d.note("profile", kyc__age=age)
    d.note("profile", risk_tolerance=level)


@template("multi", weight=3)
def mu_hold_and_like(m: Maker, d: Dialogue):
    symbol, name = m.item()
    q = m.qty()
    like = m.rng.random() < 0.5
    sector, said = m.one(LIKE if like else AVOID)
    feel = f"{{I}} really [like|likes] {said}" if like else f"no {said} for {{me}}"
    speak(
        m,
        d,
        m.pick(
            f"{{I've}} got {m.say(q)} {name}, and {feel}.",
            f"{{I}} [hold|holds] {m.say(q)} {name}; also {feel}.",
        ),
    )
    d.note("holding", instrument=symbol, quantity=q)
    d.note("preference", polarity="likes" if like else "avoids", sectors=[sector])


@template("multi", weight=2)
def mu_retire_and_contact(m: Maker, d: Dialogue):
    age = m.rng.choice([57, 62, 65, 67, 70])
    topic, said = m.one(CONTACT)
    speak(
        m,
        d,
        f"{{I}} [want|wants] to retire at {m.say(age)}, and {{I}} [prefer|prefers] "
        f"{said}.",
    )
    d.note("goal", goal="retirement", target_age=age)
    d.note("preference", polarity="likes", topic=topic)


@template("negatives", "transcript", weight=2)
def n_smalltalk(m: Maker, d: Dialogue):
    d.advisor_(m.pick("How's the family?", "Good weekend?", "How are things?"))
    d.client(m.pick("All good, thanks.", "Busy, but fine.", "Can't complain."))


def build(count: int = COUNT, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    return dialogues_build(
        templates=TEMPLATES,
        maker=Maker(rng),
        rng=rng,
        count=count,
        prefix="d3",
        clients=CLIENTS,
        analysts=ANALYSTS,
        advisors=ADVISORS,
    )


def main(argv=None) -> int:
    return set_main(
        argv,
        description=__doc__.splitlines()[0],
        path=DEVSET3,
        name="devset3",
        seed=SEED,
        about=(
            "Third extraction development set: feelings, exclusions, contact "
            "preferences, holdings without 'shares', other people's trades; tuned on."
        ),
        build=build,
    )


if __name__ == "__main__":
    raise SystemExit(main())
