"""Generate ``bench/recall_devset.json``: long, casual advisor-client conversations.

Thirty-two clients (six written out, the rest drawn from word pools) talk with
their advisor over 8-15 sessions spread across one to two years; each session has
20-60 turns, mostly chit-chat, with facts scattered through it: holdings bought and
sold, goals, family events, preferences, views, a move, a spouse who joins a call
and speaks for themselves, and later corrections of earlier facts. Each question
names the turns that hold its evidence; most questions avoid the words of the
turn that answers them.

This is the development set: search is tuned on it. ``make_recall_heldout.py`` is
the held-out set, written apart and never tuned on.

The output is deterministic for a given seed: ``python -m bench.make_recall_devset``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.recall_eval import set_main

SEED = 20250314
OUTPUT = Path(__file__).with_name("recall_devset.json")


@dataclass
class Persona:
    subject: str
    name: str
    she: str  # subject pronoun
    her: str  # possessive pronoun
    spouse: str
    spouse_role: str
    daughter: str
    son: str
    city: str
    employer: str
    job: str
    in_law: str
    in_law_role: str
    aunt: str
    pet_kind: str
    hobby: str
    team: str


PERSONAS = [
    Persona("c1", "Margaret", "she", "her", "Tom", "husband", "Emma", "Noah",
            "Columbus", "Acme Logistics", "operations manager", "Mark",
            "brother-in-law", "Aunt Rose", "dog", "gardening", "Browns"),
    Persona("c2", "David", "he", "his", "Priya", "wife", "Maya", "Leo",
            "Austin", "Brightline Software", "senior engineer", "Raj",
            "brother-in-law", "Aunt Lena", "cat", "cycling", "Longhorns"),
    Persona("c3", "Linda", "she", "her", "Greg", "husband", "Sophie", "Jake",
            "Tampa", "Sunrise Health", "nurse manager", "Carla",
            "sister-in-law", "Aunt Bea", "dog", "pickleball", "Lightning"),
    Persona("c4", "Robert", "he", "his", "Anne", "wife", "Claire", "Ethan",
            "Denver", "Front Range Energy", "petroleum engineer", "Steve",
            "brother-in-law", "Aunt Marge", "dog", "fly fishing", "Broncos"),
    Persona("c5", "Susan", "she", "her", "Paul", "husband", "Grace", "Owen",
            "Portland", "Cascade Bank", "branch director", "Dana",
            "sister-in-law", "Aunt June", "cat", "hiking", "Timbers"),
    Persona("c6", "James", "he", "his", "Lucia", "wife", "Ava", "Mateo",
            "Charlotte", "Piedmont Furniture", "sales director", "Victor",
            "brother-in-law", "Aunt Irene", "dog", "golf", "Panthers"),
]  # fmt: skip

# (company as people say it, ticker, rough price)
from bench.recall_devset_words import (  # noqa: E402
    ACCOUNTS,
    ADVISOR_FILLER,
    AUNTS,
    CARS,
    CHARITIES,
    CITIES,
    CLIENT_FILLER,
    CLIENT_PEOPLE,
    COMPANIES,
    DAUGHTERS,
    EMPLOYERS,
    ERRANDS,
    EXCLUSIONS,
    EXITED,
    FOODS,
    GRANDBABY_NAMES,
    HOBBIES,
    IN_LAWS,
    MONTHS,
    MORE_CARS,
    MORE_EXCLUSIONS,
    MORE_GRANDBABY_NAMES,
    MORE_NEW_EMPLOYERS,
    MORE_PET_NAMES,
    MORE_SURGERIES,
    MORE_VACATION_TOWNS,
    NEW_EMPLOYERS,
    PET_KINDS,
    PET_NAMES,
    RENTAL_UNITS,
    SHOWS,
    SONS,
    SURGERIES,
    SWITCH_INTO,
    TEAMS,
    VACATION_TOWNS,
    WEATHER,
)

PERSONA_SEED = 4417


def generated_personas() -> list[Persona]:
    """Return the clients drawn from the word pools, the same ones every time."""
    rng = random.Random(PERSONA_SEED)
    personas = []
    for number, (name, she, her, spouse, role) in enumerate(CLIENT_PEOPLE, 7):
        employer, job = rng.choice(EMPLOYERS)
        in_law, in_law_role = rng.choice(IN_LAWS)
        personas.append(
            Persona(
                f"c{number}", name, she, her, spouse, role, rng.choice(DAUGHTERS),
                rng.choice(SONS), rng.choice(CITIES), employer, job, in_law,
                in_law_role, rng.choice(AUNTS), rng.choice(PET_KINDS),
                rng.choice(HOBBIES), rng.choice(TEAMS),
            )
        )  # fmt: skip
    return personas


PERSONAS += generated_personas()


def pick(words: list, more: list, p: Persona):
    """Return the persona's own word: the written six first, then the pool's."""
    index = PERSONAS.index(p)
    if index < len(words):
        return words[index]
    return more[(index - len(words)) % len(more)]


@dataclass
class Event:
    key: str
    session: int
    speaker: str
    text: str
    # What the advisor said just before, when the fact is an answer to it: in
    # casual talk the topic is often in the question and only the value in the
    # answer ("How's the job hunt?" / "Signed with Meridian on Friday!").
    lead: str = ""


@dataclass
class Story:
    events: list[Event] = field(default_factory=list)
    questions: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def say(
        self, key: str, session: int, speaker: str, text: str, lead: str = ""
    ) -> str:
        self.events.append(Event(key, session, speaker, text, lead))
        return key

    def ask(self, kind: str, question: str, answer: str, *keys: str) -> None:
        self.questions.append((kind, question, answer, list(keys)))


# --------------------------------------------------------------------------------
# Fact stories: each adds evidence turns and the questions they answer
# --------------------------------------------------------------------------------


def write_stories(p: Persona, rng: random.Random, n: int, story: Story) -> None:
    """Plan every fact of one client across ``n`` sessions, with its questions."""
    early = list(range(0, max(2, n // 3)))
    middle = list(range(n // 3, max(n // 3 + 1, 2 * n // 3)))
    late = list(range(2 * n // 3, n))
    companies = rng.sample(COMPANIES, 8)
    name, she, her = p.name, p.she, p.her

    # Retirement age, corrected later.
    first_age = rng.choice([58, 60, 62])
    later_age = first_age + rng.choice([2, 3, 5])
    s1, s2 = rng.choice(early), rng.choice(late)
    a = story.say(
        "retire1",
        s1,
        "client",
        f"Honestly, the dream is to stop working at {first_age}. "
        f"{p.spouse} thinks I'm crazy but that's the number in my head.",
    )
    b = story.say(
        "retire2",
        s2,
        "client",
        f"So, change of plans on the retirement front: we're pushing it "
        f"out to {later_age}. With everything going on it just makes "
        "more sense.",
    )
    story.ask(
        "knowledge_update",
        f"At what age does {name} now plan to retire?",
        str(later_age),
        b,
    )
    story.ask(
        "temporal",
        f"What retirement age did {name} mention before {she} changed {her} plans?",
        str(first_age),
        a,
    )

    # A purchase, later trimmed.
    company, _, price = companies[0]
    qty = rng.choice([100, 150, 200, 250, 300])
    sold = qty // rng.choice([2, 3, 4])
    account = rng.choice(ACCOUNTS)
    s1 = rng.choice(early)
    s2 = rng.choice([s for s in middle + late if s > s1] or [n - 1])
    buy = story.say(
        "buy1",
        s1,
        "client",
        f"Oh, and I went ahead and picked up {qty} shares of {company} "
        f"last Tuesday, somewhere around ${price}, in the {account}.",
    )
    trim = story.say(
        "trim1",
        s2,
        "client",
        f"I got nervous and sold {sold} of the {company} shares. "
        "Still holding the rest though.",
    )
    story.ask(
        "single_fact",
        f"How many {company} shares did {name} originally buy?",
        str(qty),
        buy,
    )
    story.ask(
        "knowledge_update",
        f"How many shares of {company} does {name} hold now?",
        str(qty - sold),
        buy,
        trim,
    )
    story.ask(
        "temporal",
        f"When did {name} first buy {company}?",
        f"the week before {{date:{s1}}}",
        buy,
    )

    # An advisor-placed order.
    _, ticker2, price2 = companies[1]
    qty2 = rng.choice([20, 40, 50, 75])
    s1 = rng.choice(middle)
    order = story.say(
        "order",
        s1,
        "advisor",
        f"As we discussed, I placed the order for {qty2} shares of "
        f"{ticker2} this morning; it filled at ${price2 + 3}.",
    )
    story.ask(
        "single_fact",
        f"At what price did the {ticker2} order fill for {name}?",
        f"${price2 + 3}",
        order,
    )

    # A holding switched into a fund.
    old = rng.choice(EXITED)[0]
    new, new_ticker = rng.choice(SWITCH_INTO)
    s1, s2 = rng.choice(early), rng.choice(late)
    held = story.say(
        "old_holding",
        s1,
        "client",
        f"I've had the {old} stock forever, my father left it to me, "
        "it just sits there paying dividends.",
    )
    switch = story.say(
        "switch",
        s2,
        "client",
        f"Well, I finally did it. Sold every last share of {old} "
        f"and moved the money into {new}.",
    )
    story.ask(
        "temporal",
        f"What stock did {name} own before moving into {new_ticker}?",
        old,
        held,
        switch,
    )

    # Grandchild born.
    baby = pick(GRANDBABY_NAMES, MORE_GRANDBABY_NAMES, p)
    s1 = rng.choice(middle)
    story.say(
        "pregnant",
        max(0, s1 - 2),
        "client",
        f"Big news, {p.daughter} is expecting! Due in the spring, we're over the moon.",
    )
    born = story.say(
        "born",
        s1,
        "client",
        f"{p.daughter} had the baby on Saturday! Little {baby}, "
        "seven pounds even. I cried the whole drive to the hospital.",
    )
    story.ask(
        "paraphrase", f"What is the name of {name}'s newest grandchild?", baby, born
    )

    # An exclusion.
    excluded, reason = pick(EXCLUSIONS, MORE_EXCLUSIONS, p)
    s1 = rng.choice(early)
    story.say(
        "exclusion",
        s1,
        "client",
        f"One thing I feel strongly about: no {excluded} in my portfolio, "
        f"ever. {reason.capitalize()}.",
    )
    story.ask(
        "paraphrase",
        f"Which industries should never appear in {name}'s investments?",
        excluded,
        "exclusion",
    )
    story.ask(
        "single_fact",
        f"Why does {name} refuse to hold {excluded}?",
        reason,
        "exclusion",
    )

    # A view with a target, later revisited.
    company3, _, price3 = companies[2]
    target = int(price3 * rng.choice([0.6, 0.7, 0.75]))
    s1 = rng.choice(early + middle)
    view = story.say(
        "view",
        s1,
        "client",
        f"Between you and me, I think {company3} is way overpriced. "
        f"I'd bet it's back down near ${target} within six months.",
    )
    s2 = rng.choice([s for s in late if s > s1] or [n - 1])
    view2 = story.say(
        "view2",
        s2,
        "client",
        f"I have to eat my words on {company3}, it kept climbing. "
        "I'm actually kind of warming up to it now.",
    )
    story.ask(
        "single_fact",
        f"What price target did {name} give for {company3}?",
        f"${target}",
        view,
    )
    story.ask(
        "knowledge_update",
        f"What is {name}'s latest opinion of {company3}?",
        "warming up to it after being bearish",
        view2,
    )
    story.ask(
        "paraphrase", f"Which company did {name} think was overvalued?", company3, view
    )

    # Multi-hop: the in-law's employer, then a stock idea because of the in-law.
    company4 = companies[3][0]
    in_law_pronoun = "he" if p.in_law_role == "brother-in-law" else "she"
    s1, s2 = rng.choice(early), rng.choice(late)
    inlaw = story.say(
        "inlaw",
        s1,
        "client",
        f"My {p.in_law_role} {p.in_law} just started at {company4}, "
        f"{in_law_pronoun}'s thrilled, the benefits are amazing.",
    )
    tip = story.say(
        "tip",
        s2,
        "client",
        f"{p.in_law} keeps saying their new products are flying off "
        "the shelves. Should I buy some of the company's stock?",
    )
    story.ask(
        "multi_hop",
        f"Which company's stock was {name} considering because "
        f"of {her} {p.in_law_role}'s tip?",
        company4,
        inlaw,
        tip,
    )

    # Multi-hop: an inheritance, then where it went.
    amount = rng.choice([80, 120, 150, 200, 250])
    s1 = rng.choice(middle)
    s2 = rng.choice([s for s in late if s > s1] or [n - 1])
    estate = story.say(
        "estate",
        s1,
        "client",
        f"{p.aunt}'s estate finally settled, I'm getting about "
        f"${amount}k. It feels strange, honestly.",
    )
    bonds = story.say(
        "where",
        s2,
        "client",
        "About that windfall: let's put it all in Treasuries for "
        "now, I don't want to think about it for a while.",
    )
    story.ask(
        "multi_hop",
        f"What did {name} decide to do with the money from {p.aunt}?",
        "put it in Treasuries",
        estate,
        bonds,
    )
    story.ask("single_fact", f"How much did {name} inherit?", f"${amount}k", estate)

    # Job change.
    new_employer = pick(NEW_EMPLOYERS, MORE_NEW_EMPLOYERS, p)
    s1 = rng.choice(early)
    s2 = rng.choice([s for s in middle if s > s1] or middle)
    job1 = story.say(
        "job1",
        s1,
        "client",
        f"Work at {p.employer} is nonstop, being {p.job} means I'm "
        "the one everybody calls when something breaks.",
    )
    job2 = story.say(
        "job2",
        s2,
        "client",
        f"I gave notice last week. I'm joining {new_employer} next month.",
        lead="Anything new on the work front?",
    )
    story.ask(
        "knowledge_update", f"Who is {name}'s current employer?", new_employer, job2
    )
    story.ask(
        "temporal",
        f"What was {name}'s role before {she} left {p.employer}?",
        p.job,
        job1,
    )

    # Vacation home.
    town = pick(VACATION_TOWNS, MORE_VACATION_TOWNS, p)
    s1 = rng.choice(middle)
    story.say(
        "cabin",
        s1,
        "client",
        f"We closed on the little place in {town}! Nothing fancy, but it's "
        "on the water and the grandkids will love it.",
    )
    story.ask(
        "paraphrase", f"In which town is {name}'s getaway property?", town, "cabin"
    )

    # College savings for the son's kid (or the son).
    monthly = rng.choice([200, 250, 300, 400, 500])
    s1 = rng.choice(early + middle)
    plan = story.say(
        "college",
        s1,
        "client",
        f"Can we open a 529 for {p.son}'s boy? I'd like to put in ${monthly} a month.",
    )
    story.ask(
        "paraphrase",
        f"How much does {name} want to contribute monthly "
        "toward the grandson's education?",
        f"${monthly}",
        plan,
    )

    # Risk tolerance, revised after a drawdown.
    s1, s2 = rng.choice(early), rng.choice(late)
    risk1 = story.say(
        "risk1",
        s1,
        "client",
        "I'm pretty aggressive, I can stomach the swings, I'd rather grow the money.",
    )
    risk2 = story.say(
        "risk2",
        s2,
        "client",
        "After this last drop I don't sleep well. I think I'm more "
        "of a conservative person than I admitted.",
    )
    story.ask(
        "knowledge_update",
        f"How would {name} describe {her} risk tolerance today?",
        "conservative",
        risk2,
    )
    story.ask(
        "temporal",
        f"How did {name} describe {her} appetite for risk before the market drop?",
        "aggressive",
        risk1,
    )

    # Surgery date.
    surgery = pick(SURGERIES, MORE_SURGERIES, p)
    s1 = rng.choice(middle + late)
    month = rng.choice(MONTHS)
    day = rng.randint(2, 27)
    story.say(
        "surgery",
        s1,
        "client",
        f"They finally gave me a date: {month} {day}. Recovery is supposed to "
        "be six weeks.",
        lead=f"And the {surgery}, any news from the doctor?",
    )
    story.ask(
        "temporal",
        f"When is {name}'s {surgery} scheduled?",
        f"{month} {day}",
        "surgery",
    )

    # A pet.
    pet_name = pick(PET_NAMES, MORE_PET_NAMES, p)
    s1 = rng.choice(early)
    story.say(
        "pet",
        s1,
        "client",
        f"We adopted a rescue {p.pet_kind}, {pet_name}! Total chaos, "
        "completely worth it.",
    )

    # Multi-hop: the car bought with the bonus.
    bonus = rng.choice([15, 20, 25, 30])
    car = pick(CARS, MORE_CARS, p)
    s1 = rng.choice(middle)
    s2 = min(n - 1, s1 + 1)
    got_bonus = story.say(
        "bonus",
        s1,
        "client",
        f"Year-end bonus came in, ${bonus}k after taxes. I "
        "already know what I'm doing with it.",
    )
    bought_car = story.say(
        "car",
        s2,
        "client",
        f"It went straight into {car}. {p.spouse} loves it.",
        lead="So what did you end up doing with that bonus?",
    )
    story.ask(
        "multi_hop",
        f"How large was the bonus that paid for {name}'s new vehicle?",
        f"${bonus}k",
        got_bonus,
        bought_car,
    )

    # Dividend preference.
    s1 = rng.choice(early + middle)
    story.say(
        "dividends",
        s1,
        "client",
        "I really like getting those quarterly checks in the mail, it "
        "makes me feel like the money is actually working.",
    )
    story.ask(
        "paraphrase",
        f"Does {name} prefer income-paying investments?",
        "yes, likes quarterly dividend checks",
        "dividends",
    )

    # A second buy of the same stock, for a total.
    company5 = companies[4][0]
    q1, q2 = rng.choice([30, 40, 60]), rng.choice([20, 25, 50])
    s1 = rng.choice(early)
    s2 = rng.choice([s for s in middle + late if s > s1] or [n - 1])
    first = story.say(
        "add1",
        s1,
        "client",
        f"I bought {q1} shares of {company5} for the joint account.",
    )
    second = story.say(
        "add2", s2, "client", f"Added another {q2} {company5} shares when it dipped."
    )
    story.ask(
        "multi_hop",
        f"How many {company5} shares has {name} bought in total?",
        str(q1 + q2),
        first,
        second,
    )

    # A move: the old city, then the new one; questions about before and after.
    new_city = rng.choice([c for c in CITIES if c != p.city])
    s1 = rng.choice(early)
    s2 = rng.choice([s for s in middle if s > s1] or middle)
    old_home = story.say(
        "home",
        s1,
        "client",
        f"We've been in {p.city} twenty-odd years now, the neighborhood "
        "has really changed.",
    )
    moved = story.say(
        "move",
        s2,
        "client",
        f"The movers came Thursday. We're officially {new_city} people now, "
        "boxes everywhere.",
        lead="How's the big move going?",
    )
    story.ask(
        "temporal",
        f"Where was {name} living before the relocation?",
        p.city,
        old_home,
    )
    story.ask(
        "knowledge_update", f"Which city does {name} call home now?", new_city, moved
    )

    # The spouse joins a call and speaks for themselves.
    tax = rng.choice([6, 9, 12, 14, 18])
    s1 = rng.choice(middle + late)
    spouse_says = story.say(
        "spouse",
        s1,
        p.spouse,
        f"Hi, it's {p.spouse}, I'm jumping on for a minute. I do our taxes "
        f"and it looks like we'll owe around ${tax},000 this April.",
    )
    story.ask(
        "single_fact",
        f"What did {name}'s {p.spouse_role} expect the household to pay the IRS?",
        f"about ${tax},000",
        spouse_says,
    )
    story.ask(
        "paraphrase",
        f"Who handles the tax returns in {name}'s family?",
        p.spouse,
        spouse_says,
    )

    # Giving, twice: a multi-session total.
    charity = rng.choice(CHARITIES)
    gift1, gift2 = rng.choice([500, 1000, 2500]), rng.choice([1500, 3000, 5000])
    s1 = rng.choice(early + middle)
    s2 = rng.choice([s for s in late if s > s1] or [n - 1])
    give1 = story.say(
        "gift1",
        s1,
        "client",
        f"We wrote a check to {charity}, ${gift1:,}. It felt good.",
    )
    give2 = story.say(
        "gift2",
        s2,
        "client",
        f"Put me down for another ${gift2:,} to {charity} before December.",
    )
    story.ask(
        "multi_hop",
        f"Altogether, how much has {name} donated to {charity}?",
        f"${gift1 + gift2:,}",
        give1,
        give2,
    )
    story.ask(
        "single_fact",
        f"Which cause did {name} support with a donation?",
        charity,
        give1,
    )

    # Rental income, said once, asked about in other words.
    unit = rng.choice(RENTAL_UNITS)
    rent = rng.choice([950, 1200, 1400, 1650, 2100])
    s1 = rng.choice(early + middle)
    renting = story.say(
        "rental",
        s1,
        "client",
        f"Finally, yes! ${rent:,} a month, starting next week.",
        lead=f"Did you ever find someone to rent {unit}?",
    )
    story.ask(
        "paraphrase",
        f"How much does {name} collect each month from the renter?",
        f"${rent:,}",
        renting,
    )
    story.ask(
        "paraphrase",
        f"What kind of animal did {name} adopt, and what is it called?",
        f"a {p.pet_kind}",
        "pet",
    )

    # Distractors: companies and family talk that answer nothing.
    for company_x, _, _ in companies[5:8]:
        s1 = rng.randrange(n)
        story.say(
            f"noise-{company_x}",
            s1,
            "client",
            f"My neighbor won't stop talking about {company_x}, "
            "I don't own any and I'm not planning to.",
        )
    story.say(
        "noise-family",
        rng.randrange(n),
        "client",
        f"{p.son} called, he's doing fine, same old, nothing new.",
    )


def filler_line(p: Persona, speaker: str, rng: random.Random, month: str) -> str:
    """Return one line of small talk for ``speaker``."""
    pool = CLIENT_FILLER if speaker == "client" else ADVISOR_FILLER
    return rng.choice(pool).format(
        weather=rng.choice(WEATHER),
        show=rng.choice(SHOWS),
        food=rng.choice(FOODS),
        errand=rng.choice(ERRANDS),
        team=p.team,
        pet=p.pet_kind,
        hobby=p.hobby,
        spouse=p.spouse,
        month=month,
    )


def session_dates(rng: random.Random, count: int) -> list[dt.date]:
    """Return ``count`` increasing session dates over one to two years."""
    start = dt.date(2024, 1, 8) + dt.timedelta(days=rng.randrange(0, 120))
    span = rng.randrange(365, 700)
    offsets = sorted(rng.sample(range(0, span), count - 1))
    return [start] + [start + dt.timedelta(days=offset + 1) for offset in offsets]


def build_conversation(p: Persona, rng: random.Random) -> tuple[dict, list[dict]]:
    """Return one client's conversation and its questions."""
    count = rng.randint(8, 15)
    dates = session_dates(rng, count)
    story = Story()
    write_stories(p, rng, count, story)

    turn_ids: dict[str, str] = {}
    sessions = []
    for index, date in enumerate(dates):
        session_id = f"{p.subject}-s{index + 1:02d}"
        facts = [event for event in story.events if event.session == index]
        length = rng.randint(20, 60)
        length = max(length, len(facts) * 3 + 4)
        slots = sorted(rng.sample(range(2, length - 1), len(facts)))
        month = MONTHS[date.month - 1]
        lines = []  # (speaker, text, key of the fact said, or None)
        pending = dict(zip(slots, facts, strict=True))
        for position in range(length):
            event = pending.get(position)
            if event is not None:
                if event.lead:
                    lines.append(("advisor", event.lead, None))
                lines.append((event.speaker, event.text, event.key))
            else:
                speaker = "advisor" if position % 2 == 0 else "client"
                lines.append((speaker, filler_line(p, speaker, rng, month), None))
        turns = []
        for position, (speaker, text, key) in enumerate(lines):
            turn_id = f"{session_id}-t{position + 1:02d}"
            if key is not None:
                turn_ids[key] = turn_id
            turns.append({"turn_id": turn_id, "speaker": speaker, "text": text})
        sessions.append(
            {"session_id": session_id, "date": date.isoformat(), "turns": turns}
        )

    questions = []
    for number, (kind, question, answer, keys) in enumerate(story.questions, 1):
        for index, date in enumerate(dates):
            answer = answer.replace(f"{{date:{index}}}", date.isoformat())
        questions.append(
            {
                "qid": f"{p.subject}-q{number:02d}",
                "subject": p.subject,
                "question": question,
                "type": kind,
                "answer": answer,
                "evidence": [turn_ids[key] for key in keys],
            }
        )
    return {"subject": p.subject, "sessions": sessions}, questions


def build_devset(seed: int = SEED) -> dict:
    """Return the whole development set for ``seed``."""
    rng = random.Random(seed)
    conversations, questions = [], []
    for persona in PERSONAS:
        conversation, asked = build_conversation(persona, rng)
        conversations.append(conversation)
        questions.extend(asked)
    return {
        "description": (
            "Evidence recall dev set: casual multi-session advisor-client "
            f"conversations, generated by bench/make_recall_devset.py (seed {seed})."
        ),
        "conversations": conversations,
        "questions": questions,
    }


def main() -> None:
    """Write the dev set and print its size."""
    set_main(
        build_devset, description=__doc__.splitlines()[0], seed=SEED, output=OUTPUT
    )


if __name__ == "__main__":
    main()
