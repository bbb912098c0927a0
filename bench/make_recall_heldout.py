"""Generate ``bench/recall_heldout.json``: the held-out recall set, never tuned on.

Written apart from ``make_recall_devset.py`` and before any tuning of search: other
people (named in full, as a CRM names them), other advisors, other life events
(a boat, a wedding budget, a loan to a sibling, a business sold, a parent's care,
stock options, a sabbatical), other small talk, other question wording and another
seed. Some questions need an inference from what was said ("is she likely to need
cash soon?"). Search is never tuned on this set and its misses are not read while
tuning; the gap between it and the development set is the honest figure.

Deterministic for a seed: ``python -m bench.make_recall_heldout``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from bench.recall_eval import set_main

SEED = 77_001_913
OUTPUT = Path(__file__).with_name("recall_heldout.json")

# (full name, first name, they, their, partner, child, sibling, parent, town)
PEOPLE = [
    (
        "Priscilla Vance",
        "Priscilla",
        "she",
        "her",
        "Roland",
        "Tamsin",
        "Quentin",
        "her mother",
        "Duluth",
    ),
    (
        "Obadiah Sterne",
        "Obadiah",
        "he",
        "his",
        "Magnolia",
        "Fletcher",
        "Celeste",
        "his father",
        "Bozeman",
    ),
    (
        "Lucinda Okoro",
        "Lucinda",
        "she",
        "her",
        "Emeka",
        "Adaeze",
        "Chidi",
        "her father",
        "Newark",
    ),
    (
        "Bartholomew Nash",
        "Bart",
        "he",
        "his",
        "Georgina",
        "Rufus",
        "Imelda",
        "his mother",
        "Wichita",
    ),
    (
        "Genevieve Lau",
        "Genny",
        "she",
        "her",
        "Desmond",
        "Kit",
        "Winston",
        "her mother",
        "Oakland",
    ),
    (
        "Ignatius Pruitt",
        "Iggy",
        "he",
        "his",
        "Philippa",
        "Harriet",
        "Ambrose",
        "his father",
        "Chattanooga",
    ),
    (
        "Marisela Quintero",
        "Marisela",
        "she",
        "her",
        "Ulises",
        "Paloma",
        "Rodrigo",
        "her father",
        "El Paso",
    ),
    (
        "Cornelius Abernathy",
        "Neil",
        "he",
        "his",
        "Octavia",
        "Beatrix",
        "Lionel",
        "his mother",
        "Providence",
    ),
    (
        "Svetlana Horvat",
        "Lana",
        "she",
        "her",
        "Goran",
        "Mila",
        "Dragan",
        "her mother",
        "Cleveland",
    ),
    (
        "Thaddeus Mbeki",
        "Thad",
        "he",
        "his",
        "Nomsa",
        "Sipho",
        "Zanele",
        "his father",
        "Baton Rouge",
    ),
    (
        "Rosalind Fairweather",
        "Roz",
        "she",
        "her",
        "Clement",
        "Opal",
        "Barnaby",
        "her father",
        "Burlington",
    ),
]
ADVISORS = ["Jordan Ames", "Casey Whitlock", "Morgan Ferreira", "Riley Castellano"]

EMPLOYERS = [
    "Tallgrass Seed Co",
    "Vireo Semiconductors",
    "Halcyon Dental Group",
    "Brightwater Shipping",
    "Quarry Hill Winery",
    "Lumen Optics",
]
BUSINESSES = [
    "the bakery",
    "the dental practice",
    "the landscaping company",
    "the print shop",
    "the physical therapy clinic",
    "the bike store",
]
BOATS = ["a 22-foot pontoon", "a used sailboat", "a bass boat", "a little catamaran"]
FIRMS_STOCK = [
    ("Costco", 900),
    ("Eli Lilly", 780),
    ("Salesforce", 290),
    ("Adobe", 510),
    ("Qualcomm", 170),
    ("Lockheed Martin", 460),
    ("UnitedHealth", 520),
    ("Nike", 95),
    ("Oracle", 125),
    ("Walmart", 68),
]
CARE_PLACES = [
    "Willow Creek assisted living",
    "a memory-care home called Bayview",
    "Sunnyside senior apartments",
]
SMALL_TALK_CLIENT = [
    "Ugh, the furnace guy didn't show up again.",
    "We binged a whole season of that Scandinavian crime thing.",
    "I'm calling from the car, so if I drop, that's why.",
    "Is it just me or are eggs outrageous now?",
    "The grandkids painted the fence. And the dog. Mostly the dog.",
    "Honestly I skimmed your email, sorry.",
    "Can't complain. Well, I can, but I won't.",
    "My knee is predicting rain again.",
    "We went to a wedding in the mountains, gorgeous but freezing.",
    "I've been learning Italian on my phone, very badly.",
    "The neighbors got chickens, so that's our life now.",
    "Sorry, the doorbell, hang on. Okay, back.",
    "Wait, say that again? The connection is awful.",
    "Mm, okay, I follow.",
    "That tracks.",
    "I signed up for a pottery class, the bowls are all lopsided.",
    "Our power was out for two days after that storm.",
    "You sound tired, are you okay?",
    "We finally cleaned out the attic, found my old yearbooks.",
    "Fine, fine, nothing exciting to report.",
]
SMALL_TALK_ADVISOR = [
    "Morning! Is now still a good time?",
    "No worries, take a sip of coffee, I'll wait.",
    "I'm pulling up the household view now.",
    "Let me jot that down.",
    "Fair point, we can circle back.",
    "Anything else before we wrap?",
    "I'll send a summary after the call, as usual.",
    "Great, I'll have the team prep the forms.",
    "Okay, still with me?",
    "Ha, that sounds like quite the week.",
    "Let's not overreact to one headline.",
    "Good, that's all consistent with the plan.",
    "I'll follow up with the CPA on that.",
    "Sure, let's schedule the next one for the spring.",
    "Thanks, that's helpful context.",
]


@dataclass
class Plan:
    said: list[tuple[str, int, str, str]] = field(default_factory=list)
    asked: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def line(
        self, key: str, session: int, speaker: str, text: str, lead: str = ""
    ) -> str:
        """Plan a fact; ``lead`` is the advisor's question it answers, said just
        before it (the topic in the question, the value in the answer)."""
        self.said.append((key, session, speaker, text, lead))
        return key

    def question(self, kind: str, text: str, answer: str, *keys: str) -> None:
        self.asked.append((kind, text, answer, list(keys)))


def plan_client(person: tuple, rng: random.Random, n: int, plan: Plan) -> None:
    """Scatter one client's facts across ``n`` sessions and ask about them."""
    full, first, they, their, partner, child, sibling, parent, town = person
    head = list(range(0, max(2, n // 3)))
    mid = list(range(n // 3, max(n // 3 + 1, 2 * n // 3)))
    tail = list(range(2 * n // 3, n))

    def after(s: int, pool: list[int]) -> int:
        return rng.choice([x for x in pool if x > s] or [n - 1])

    # A boat bought, then sold.
    boat = rng.choice(BOATS)
    cost = rng.choice([18, 24, 31, 42])
    s1 = rng.choice(head)
    s2 = after(s1, mid + tail)
    bought = plan.line(
        "boat",
        s1,
        "client",
        f"Confession: we bought {boat}. ${cost},000. {partner} has named it "
        "already, don't ask.",
    )
    sold = plan.line(
        "boat-sold",
        s2,
        "client",
        "Gone! Sold it to a guy from the marina. Turns out we used it twice.",
        lead="Are you still out on the water every weekend?",
    )
    plan.question(
        "single_fact",
        f"What did {first} pay for the watercraft?",
        f"${cost},000",
        bought,
    )
    plan.question(
        "knowledge_update", f"Does {first} still have a boat?", "no, sold it", sold
    )

    # The child's wedding budget, raised later: also an inference.
    budget1 = rng.choice([25, 30, 40])
    budget2 = budget1 + rng.choice([10, 15, 20])
    s1 = rng.choice(head + mid)
    s2 = after(s1, mid + tail)
    w1 = plan.line(
        "wedding",
        s1,
        "client",
        f"{child} got engaged! We told them we'd chip in ${budget1}k for the "
        "wedding, no more.",
    )
    w2 = plan.line(
        "wedding-more",
        s2,
        "client",
        f"So about that ${budget1}k cap... it's ${budget2}k now. The venue "
        "alone, my goodness.",
    )
    plan.question(
        "knowledge_update",
        f"How much are {first} and {partner} contributing to the nuptials now?",
        f"${budget2}k",
        w2,
    )
    plan.question(
        "inference",
        f"Is {first} likely to need a chunk of cash soon, and why?",
        "yes, for the wedding",
        w1,
        w2,
    )

    # A loan to a sibling, partly repaid.
    lent = rng.choice([10, 15, 20])
    back = rng.choice([4, 5, 6])
    s1 = rng.choice(head + mid)
    s2 = after(s1, tail)
    loan = plan.line(
        "loan",
        s1,
        "client",
        f"I lent my {('brother' if sibling in MALE else 'sister')} {sibling} "
        f"${lent},000 to cover a rough patch. I'm not holding my breath.",
    )
    repay = plan.line(
        "repaid",
        s2,
        "client",
        f"Miracle of miracles, ${back},000 of it came back.",
        lead=f"Has {sibling} sent anything your way yet?",
    )
    plan.question(
        "multi_hop",
        f"How much does {sibling} still owe {first}?",
        f"${lent - back},000",
        loan,
        repay,
    )
    plan.question(
        "single_fact", f"Which relative borrowed money from {first}?", sibling, loan
    )

    # A business sold, proceeds into munis.
    business = rng.choice(BUSINESSES)
    price = rng.choice([650, 800, 1100, 1400])
    s1 = rng.choice(mid)
    s2 = after(s1, tail)
    sale = plan.line(
        "business",
        s1,
        "client",
        f"It's official, we signed the papers on {business}. ${price}k, after "
        "nineteen years.",
    )
    munis = plan.line(
        "munis",
        s2,
        "client",
        "Let's go with the tax-free municipal bonds like you suggested.",
        lead="Have you had a chance to think about where the proceeds should go?",
    )
    plan.question(
        "single_fact", f"What price did {first} get for {business}?", f"${price}k", sale
    )
    plan.question(
        "multi_hop",
        f"Where is the money from {first}'s company sale being invested?",
        "municipal bonds",
        sale,
        munis,
    )

    # A parent's care.
    place = rng.choice(CARE_PLACES)
    monthly = rng.choice([4800, 6200, 7500, 9100])
    s1 = rng.choice(mid + tail)
    care = plan.line(
        "care",
        s1,
        "client",
        f"We moved {parent} into {place}. It's ${monthly:,} a month, which "
        "I'm covering for now.",
    )
    plan.question(
        "paraphrase",
        f"What does {first} spend every month on elder care?",
        f"${monthly:,}",
        care,
    )
    plan.question("single_fact", f"Where does {first}'s parent live now?", place, care)

    # Employer and stock options, one vesting date.
    employer = rng.choice(EMPLOYERS)
    options = rng.choice([2000, 3500, 5000])
    month = rng.choice(MONTHS)
    s1 = rng.choice(head)
    s2 = after(s1, mid)
    job = plan.line(
        "employer",
        s1,
        "client",
        f"Nineteen years at {employer} this fall, can you believe it.",
    )
    grant = plan.line(
        "options",
        s2,
        "client",
        f"HR says {options:,} options vest in {month}. I have no idea what "
        "to do with them.",
    )
    plan.question("temporal", f"When do {first}'s equity awards vest?", month, grant)
    plan.question(
        "multi_hop",
        f"How many options does {first} have at {their} company, and "
        "which company is it?",
        f"{options:,} at {employer}",
        job,
        grant,
    )

    # A sabbatical planned, then cancelled.
    s1 = rng.choice(head + mid)
    s2 = after(s1, tail)
    leave = plan.line(
        "sabbatical",
        s1,
        "client",
        "I'm thinking of taking six months off next year. Walk the Camino, "
        "maybe. Just a thought.",
    )
    cancel = plan.line(
        "sabbatical-off",
        s2,
        "client",
        "Dead in the water. Work would never survive without me.",
        lead="What about the long break you were dreaming of?",
    )
    plan.question(
        "temporal",
        f"What extended break was {first} considering before {they} dropped the idea?",
        "six months off, the Camino",
        leave,
    )
    plan.question(
        "knowledge_update",
        f"Is {first} still planning a leave from work?",
        "no, cancelled",
        cancel,
    )

    # Shares through the employee plan, half sold later.
    stock, stock_price = rng.choice(FIRMS_STOCK)
    qty = rng.choice([120, 160, 240, 400])
    s1 = rng.choice(head)
    s2 = after(s1, mid + tail)
    buy = plan.line(
        "shares",
        s1,
        "client",
        f"I've got {qty} {stock} in the brokerage, bought them around ${stock_price}.",
    )
    half = plan.line(
        "shares-half",
        s2,
        "client",
        f"I unloaded half the {stock} yesterday, it had a great run.",
    )
    plan.question(
        "knowledge_update",
        f"How big is {first}'s {stock} position today?",
        f"{qty // 2} shares",
        buy,
        half,
    )
    plan.question(
        "single_fact",
        f"What was {first}'s cost basis in {stock}?",
        f"${stock_price}",
        buy,
    )

    # Risk appetite loosened once the kids are gone.
    s1, s2 = rng.choice(head), rng.choice(tail)
    cautious = plan.line(
        "cautious",
        s1,
        "client",
        "Keep it boring, please. I'd rather miss a rally than lose sleep.",
    )
    bolder = plan.line(
        "bolder",
        s2,
        "client",
        "With the kids off the payroll I'm okay swinging a bit harder, "
        "more stocks, fewer bonds.",
    )
    plan.question(
        "knowledge_update",
        f"Has {first}'s attitude toward volatility changed?",
        "yes, now willing to take more risk",
        bolder,
    )
    plan.question(
        "temporal",
        f"How did {first} feel about market swings early on?",
        "wanted it boring, cautious",
        cautious,
    )

    # A cash floor.
    floor = rng.choice([30, 50, 75])
    s1 = rng.choice(head + mid)
    cash = plan.line(
        "cash",
        s1,
        "client",
        f"Whatever happens, I want ${floor}k sitting in savings. That's my "
        "sleep-at-night number.",
    )
    plan.question(
        "paraphrase",
        f"What reserve does {first} insist on keeping liquid?",
        f"${floor}k",
        cash,
    )

    # An annuity pitch, turned down.
    s1 = rng.choice(mid)
    pitch = plan.line(
        "annuity",
        s1,
        "client",
        "Some insurance salesman pitched me an annuity at church. I said I'd "
        "ask you first and honestly I'm leaning no.",
    )
    plan.question(
        "inference",
        f"How does {first} feel about the insurance product {they} was offered?",
        "skeptical, leaning no",
        pitch,
    )

    # Where they live, then a move.
    new_town = rng.choice([p[8] for p in PEOPLE if p[8] != town])
    s1 = rng.choice(head)
    s2 = after(s1, mid + tail)
    home = plan.line(
        "home",
        s1,
        "client",
        f"You know {town} in February, the snow just doesn't quit.",
    )
    move = plan.line(
        "moved",
        s2,
        "client",
        f"First week in {new_town} and I already miss the old place a little.",
        lead="So, how are you settling in?",
    )
    plan.question(
        "temporal", f"Which city did {first} live in before moving?", town, home
    )
    plan.question(
        "knowledge_update", f"Where has {first} relocated to?", new_town, move
    )

    # The grandchild's school.
    tuition = rng.choice([14, 19, 26])
    s1 = rng.choice(mid + tail)
    school = plan.line(
        "school",
        s1,
        "client",
        f"We offered to pay for {child}'s little one at the Montessori, "
        f"about ${tuition}k a year.",
    )
    plan.question(
        "paraphrase",
        f"What yearly schooling cost has {first} taken on for a grandchild?",
        f"${tuition}k",
        school,
    )

    # Distractors.
    for stock_x, _ in rng.sample(FIRMS_STOCK, 3):
        plan.line(
            f"noise-{stock_x}",
            rng.randrange(n),
            "client",
            f"My golf buddy swears by {stock_x}. Not for me, I just nod along.",
        )
    plan.line(
        "noise-boat",
        rng.randrange(n),
        "client",
        "My cousin has a boat, it's a money pit, he says so himself.",
    )


MALE = {
    "Quentin",
    "Chidi",
    "Winston",
    "Ambrose",
    "Rodrigo",
    "Lionel",
    "Dragan",
    "Barnaby",
}
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def build_conversation(number: int, person: tuple, rng: random.Random):
    """Return one client's sessions and questions."""
    full, first = person[0], person[1]
    subject = f"h{number}"
    advisor = rng.choice(ADVISORS)
    count = rng.randint(9, 14)
    start = dt.date(2023, 9, 4) + dt.timedelta(days=rng.randrange(0, 200))
    offsets = sorted(rng.sample(range(1, rng.randrange(400, 760)), count - 1))
    dates = [start] + [start + dt.timedelta(days=o) for o in offsets]
    plan = Plan()
    plan_client(person, rng, count, plan)

    turn_of: dict[str, str] = {}
    sessions = []
    for index, date in enumerate(dates):
        session_id = f"{subject}-s{index + 1:02d}"
        facts = [item for item in plan.said if item[1] == index]
        length = max(rng.randint(25, 55), len(facts) * 3 + 4)
        slots = dict(
            zip(
                sorted(rng.sample(range(2, length - 1), len(facts))), facts, strict=True
            )
        )
        lines = []  # (speaker, text, key of the fact said, or None)
        for position in range(length):
            fact = slots.get(position)
            if fact is not None:
                key, _, _, text, lead = fact
                if lead:
                    lines.append((advisor, lead, None))
                lines.append((full, text, key))
            elif position % 2 == 0:
                lines.append((advisor, rng.choice(SMALL_TALK_ADVISOR), None))
            else:
                lines.append((full, rng.choice(SMALL_TALK_CLIENT), None))
        turns = []
        for position, (speaker, text, key) in enumerate(lines):
            turn_id = f"{session_id}-t{position + 1:02d}"
            if key is not None:
                turn_of[key] = turn_id
            role = "advisor" if speaker == advisor else "client"
            turns.append(
                {"turn_id": turn_id, "speaker": speaker, "role": role, "text": text}
            )
        sessions.append(
            {"session_id": session_id, "date": date.isoformat(), "turns": turns}
        )
    questions = [
        {
            "qid": f"{subject}-q{number:02d}",
            "subject": subject,
            "question": text,
            "type": kind,
            "answer": answer,
            "evidence": [turn_of[key] for key in keys],
        }
        for number, (kind, text, answer, keys) in enumerate(plan.asked, 1)
    ]
    del first
    return {"subject": subject, "sessions": sessions}, questions


def build_heldout(seed: int = SEED) -> dict:
    """Return the whole held-out set for ``seed``."""
    rng = random.Random(seed)
    conversations, questions = [], []
    for number, person in enumerate(PEOPLE, 1):
        conversation, asked = build_conversation(number, person, rng)
        conversations.append(conversation)
        questions.extend(asked)
    return {
        "description": (
            "Held-out evidence recall set (never tuned on), generated by "
            f"bench/make_recall_heldout.py (seed {seed})."
        ),
        "conversations": conversations,
        "questions": questions,
    }


def main() -> None:
    """Write the held-out set and print its size."""
    set_main(
        build_heldout, description=__doc__.splitlines()[0], seed=SEED, output=OUTPUT
    )


if __name__ == "__main__":
    main()
