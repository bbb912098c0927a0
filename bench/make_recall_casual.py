"""Write ``bench/recall_casual.json``: a third recall set, casual chats between friends.

Written before any tuning of the session, time and memory signals, with its own
vocabulary (friends talking about their lives, not an advisor's client about money)
and its own seed, in the manner of public long-conversation benchmarks: many
sessions a few weeks apart, each a date; questions whose evidence is one turn or
several, in one session or across sessions; questions that ask *when* something
happened (the answer is the session's date, the turn says "yesterday" or "last
weekend"), questions that name a time ("in June 2023") where the same topic came up
in other months too, and questions that need an inference from what was said.
Never tuned on: it is a check, reported apart. ``python -m bench.make_recall_casual``.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 50_412_203
OUT = Path(__file__).with_name("recall_casual.json")
MONTHS = (
    "January February March April May June July August September October "
    "November December"
).split()

PEOPLE = [
    ("Noor", "Felix"),
    ("Ines", "Marco"),
    ("Tobias", "Leah"),
    ("Priya", "Owen"),
    ("Sven", "Amara"),
    ("Lucia", "Dev"),
    ("Hana", "Callum"),
    ("Rafael", "Greta"),
]

SMALL_TALK = [
    "Ha, that sounds like a lot.",
    "Honestly same here, this week has been a blur.",
    "Oh nice, tell me more sometime.",
    "I can't believe how fast the year is going.",
    "The weather has been all over the place lately.",
    "We should grab coffee when things calm down.",
    "Did you see that video I sent? Still laughing.",
    "My neighbour's been drilling since seven every morning.",
    "I need a nap just hearing about it.",
    "Work has been okay, nothing exciting really.",
    "That's so you, honestly.",
    "I keep meaning to text you back faster, sorry!",
    "Traffic on the bridge was a nightmare again today.",
    "Anyway, how's everyone at home?",
    "Yeah, I know what you mean.",
    "Wow, good for you!",
    "Haha okay that made my day.",
    "I'm mostly just trying to sleep more these days.",
    "We watched a documentary about octopuses last night, weirdly moving.",
    "The café near the station finally reopened.",
    "I lost my umbrella again, third one this year.",
    "My phone screen cracked, so I'm squinting at everything.",
    "Fair enough, no rush at all.",
    "Sounds like a plan to me.",
]

# The friend's own news: the same topics as the subject's, so that words alone
# do not find the subject's turn.
FRIEND_NEWS = [
    "I went hiking with my cousin last weekend, my legs are still sore.",
    "We tried a new ramen place, the broth was incredible.",
    "I started a pottery class but my bowls all look like ashtrays.",
    "My sister might move to Lisbon next year.",
    "I read a thriller on the train, couldn't put it down.",
    "Our dog ate a whole sock yesterday, vet says he's fine.",
    "I'm thinking about learning the guitar again.",
    "My boss wants me to go to a conference in Denver.",
    "We painted the hallway green, not sure about it yet.",
    "I ran my first 10k last month, slow but I finished.",
    "My grandmother turned ninety, huge party.",
    "I baked sourdough for the first time, it was a brick.",
]

HOBBIES = [
    (
        "pottery",
        "I finally signed up for a wheel-throwing course at the studio on Elm Street.",
    ),
    ("climbing", "I joined the bouldering gym downtown, my forearms are dead."),
    (
        "violin",
        "I bought a secondhand violin and found a teacher who does Tuesday evenings.",
    ),
    ("watercolour", "I've started doing watercolour landscapes on Sunday mornings."),
    ("Marisol", "Marisol dragged me to a salsa class and now I'm hooked."),
    ("chess", "I've been playing chess at the library club every Thursday."),
    (
        "beekeeping",
        "I took a beekeeping workshop and we might get a hive for the garden.",
    ),
    ("rowing", "I signed up with the rowing club by the river, early starts though."),
]
HOBBY_QUESTIONS = {
    "pottery": "What kind of course did {a} sign up for?",
    "climbing": "Which gym did {a} start going to?",
    "violin": "What instrument did {a} pick up?",
    "watercolour": "What does {a} paint on weekends?",
    "Marisol": "Who got {a} into dancing?",
    "chess": "Where does {a} play board games each week?",
    "beekeeping": "What might {a} keep in the garden?",
    "rowing": "Which club by the water did {a} join?",
}

TRIPS = [
    ("Kyoto", "the temples at dawn were unreal"),
    ("Edinburgh", "we climbed Arthur's Seat in the rain"),
    ("Oaxaca", "the mole at the market changed my life"),
    ("Reykjavik", "we saw the northern lights on the last night"),
    ("Porto", "the tiled churches were gorgeous"),
    ("Montreal", "the bagels lived up to the hype"),
    ("Cape Town", "Table Mountain was covered in cloud the whole time"),
    ("Hanoi", "the motorbikes everywhere were wild"),
    ("Vienna", "we went to a concert in an old palace"),
    ("Marrakesh", "the souks were a maze, I got lost twice"),
]
TRIP_LINES = [
    "We just got back from {city} yesterday, {detail}.",
    "Back from {city}! Flew in last night and {detail}.",
    "Spent the long weekend in {city}, {detail}.",
]

DISHES = [
    "a lamb tagine",
    "homemade gnocchi",
    "a Basque cheesecake",
    "pho from scratch",
    "Sichuan dumplings",
    "a mushroom risotto",
    "Swedish cinnamon buns",
    "a Thai green curry",
    "a sourdough focaccia",
    "a beef rendang",
]
DISH_LINES = [
    "This week's kitchen experiment was {dish}, it actually worked.",
    "I attempted {dish} on Sunday, the kids inhaled it.",
    "New recipe this weekend: {dish}. Took forever but worth it.",
]

BOOKS = [
    "The Overstory",
    "Piranesi",
    "A Gentleman in Moscow",
    "Project Hail Mary",
    "The Remains of the Day",
    "Circe",
    "Klara and the Sun",
    "The Name of the Wind",
    "Station Eleven",
    "Educated",
]
BOOK_LINES = [
    "I finished {book} on the plane, still thinking about the ending.",
    "My book club picked {book}, I'm halfway through.",
    "Just started {book}, everyone kept telling me to.",
]

FAMILY_EVENTS = [
    (
        "My brother's wedding is this Saturday, I still haven't bought a suit.",
        "When is {a}'s brother getting married?",
    ),
    (
        "My niece was born on Tuesday! Seven pounds, tiny fingers.",
        "When was {a}'s niece born?",
    ),
    (
        "Dad had his knee operation yesterday, he's already moaning about the food.",
        "When did {a}'s father have surgery?",
    ),
    (
        "We moved into the new flat last weekend, boxes everywhere.",
        "When did {a} move into the new flat?",
    ),
    (
        "I passed my driving test this morning, third time lucky!",
        "When did {a} pass the driving test?",
    ),
    (
        "We adopted a rescue greyhound called Biscuit on Friday.",
        "When did {a} adopt a dog?",
    ),
]

JOBS = [
    ("a bakery", "a logistics startup"),
    ("the city council", "a design agency"),
    ("a bookshop", "a hospital lab"),
    ("an insurance firm", "a climate nonprofit"),
    ("a hotel", "a software company"),
    ("a school", "a museum"),
]

# Inference: what was said points to an answer the question does not name.
INFERENCES = [
    (
        [
            "Being out on the trails is the only thing that clears my head.",
            "I bought proper boots for the ridge walk, finally.",
        ],
        "Would {a} enjoy a weekend camping in the mountains?",
        "yes, {a} loves hiking outdoors",
    ),
    (
        [
            "Crowds make me so anxious, I left the gig after two songs.",
            "Honestly my ideal Friday is a quiet night in with tea.",
        ],
        "Would {a} want tickets to a packed stadium concert?",
        "probably not, {a} dislikes crowds",
    ),
    (
        [
            "I've been volunteering at the animal shelter on Saturdays.",
            "I'd take every one of those kittens home if I could.",
        ],
        "Is {a} likely to consider a career working with pets?",
        "likely, {a} is devoted to animals",
    ),
    (
        [
            "I'm saving every penny for the Japan trip next spring.",
            "I've been doing Japanese lessons on my phone every night.",
        ],
        "What country does {a} seem to be preparing to visit?",
        "Japan",
    ),
    (
        [
            "The allotment gave us so many courgettes this year.",
            "I spend most evenings weeding and watering the beds.",
        ],
        "Would {a} appreciate seeds as a birthday present?",
        "yes, {a} is a keen gardener",
    ),
]


def _sessions_dates(rng: random.Random) -> list[date]:
    day = date(2023, 1, 9) + timedelta(days=rng.randrange(0, 20))
    dates = []
    for _ in range(12):
        dates.append(day)
        day += timedelta(days=rng.randrange(21, 45))
    return dates


def _conversation(index: int, a: str, b: str, rng: random.Random):
    subject = f"f{index}"
    dates = _sessions_dates(rng)
    sessions: list[list[tuple[str, str]]] = [[] for _ in dates]
    placed: dict[tuple[int, int], str] = {}  # (session, position) -> tag
    questions = []

    def say(session: int, text: str) -> tuple[int, int]:
        turns = sessions[session]
        turns.append(("a", text))
        return session, len(turns) - 1

    def filler(session: int, count: int) -> None:
        for _ in range(count):
            speaker = rng.choice("ab")
            pool = SMALL_TALK if rng.random() < 0.75 else FRIEND_NEWS
            sessions[session].append((speaker, rng.choice(pool)))

    # Each session: filler, the subject's news, filler; news placed below.
    news: list[list[tuple[str, str, dict]]] = [[] for _ in dates]
    hobby, hobby_line = rng.choice(HOBBIES)
    news[rng.randrange(0, 4)].append(
        (
            "hobby",
            hobby_line,
            {
                "question": HOBBY_QUESTIONS[hobby].format(a=a),
                "type": "single_hop",
                "answer": hobby,
            },
        )
    )
    trips = rng.sample(TRIPS, 3)
    trip_sessions = sorted(rng.sample(range(1, 12), 3))
    for (city, detail), session in zip(trips, trip_sessions, strict=True):
        line = rng.choice(TRIP_LINES).format(city=city, detail=detail)
        month = MONTHS[dates[session].month - 1]
        news[session].append(
            (
                "trip",
                line,
                {
                    "question": rng.choice(
                        [
                            "Where did {a} travel in {month} {year}?",
                            "Which city did {a} visit in {month} {year}?",
                        ]
                    ).format(a=a, month=month, year=dates[session].year),
                    "type": "time_named",
                    "answer": city,
                },
            )
        )
        news[session].append(
            (
                "trip-when",
                None,
                {
                    "question": f"When did {a} come back from {city}?",
                    "type": "when",
                    "answer": str(dates[session] - timedelta(days=1)),
                },
            )
        )
    dishes = rng.sample(DISHES, 3)
    dish_sessions = sorted(
        rng.sample([s for s in range(12) if s not in trip_sessions], 3)
    )
    for dish, session in zip(dishes, dish_sessions, strict=True):
        month = MONTHS[dates[session].month - 1]
        news[session].append(
            (
                "dish",
                rng.choice(DISH_LINES).format(dish=dish),
                {
                    "question": f"What did {a} cook in {month} {dates[session].year}?",
                    "type": "time_named",
                    "answer": dish,
                },
            )
        )
    books = rng.sample(BOOKS, 3)
    book_sessions = sorted(rng.sample(range(12), 3))
    book_tags = []
    for book, session in zip(books, book_sessions, strict=True):
        tag = f"book{session}"
        book_tags.append(tag)
        news[session].append((tag, rng.choice(BOOK_LINES).format(book=book), {}))
    family_line, family_question = rng.choice(FAMILY_EVENTS)
    family_session = rng.randrange(0, 12)
    news[family_session].append(
        (
            "family",
            family_line,
            {
                "question": family_question.format(a=a),
                "type": "when",
                "answer": f"around {dates[family_session]}",
            },
        )
    )
    old_job, new_job = rng.choice(JOBS)
    job_session = rng.randrange(2, 10)
    news[job_session].append(
        ("job-old", f"I handed in my notice at {old_job} today, scary but right.", {})
    )
    news[job_session + 1].append(
        ("job-new", f"First week at {new_job} done, people seem lovely.", {})
    )
    lines, inference_question, inference_answer = rng.choice(INFERENCES)
    inference_sessions = sorted(rng.sample(range(12), 2))
    for line, session in zip(lines, inference_sessions, strict=True):
        news[session].append((f"infer{session}", line, {}))

    tags: dict[str, tuple[int, int]] = {}
    for session, items in enumerate(news):
        filler(session, rng.randrange(6, 12))
        for tag, line, question in items:
            if line is None:  # the "when" of the trip points at the trip's turn
                question["evidence_tag"] = "trip" + str(session)
                questions.append(question)
                continue
            position = say(session, line)
            # the friend answers, then small talk
            sessions[session].append(("b", rng.choice(SMALL_TALK)))
            filler(session, rng.randrange(2, 6))
            key = tag + str(session) if tag in ("trip", "dish") else tag
            tags[key] = position
            placed[position] = key
            if question:
                question["evidence_tag"] = key
                questions.append(question)
        filler(session, rng.randrange(5, 10))

    questions.append(
        {
            "question": f"Which books has {a} mentioned reading?",
            "type": "multi_session",
            "answer": ", ".join(books),
            "evidence_tags": book_tags,
        }
    )
    questions.append(
        {
            "question": f"Where did {a} work before the new job?",
            "type": "multi_session",
            "answer": old_job,
            "evidence_tags": ["job-old", "job-new"],
        }
    )
    questions.append(
        {
            "question": f"Which cities has {a} travelled to?",
            "type": "multi_session",
            "answer": ", ".join(city for city, _ in trips),
            "evidence_tags": ["trip" + str(s) for s in trip_sessions],
        }
    )
    questions.append(
        {
            "question": inference_question.format(a=a),
            "type": "inference",
            "answer": inference_answer.format(a=a),
            "evidence_tags": [f"infer{s}" for s in inference_sessions],
        }
    )

    names = {"a": a, "b": b}
    roles = {"a": "client", "b": "advisor"}
    out_sessions = []
    turn_ids: dict[tuple[int, int], str] = {}
    for session, turns in enumerate(sessions):
        session_id = f"{subject}-s{session + 1:02d}"
        out_turns = []
        for position, (speaker, text) in enumerate(turns):
            turn_id = f"{session_id}-t{position + 1:02d}"
            turn_ids[(session, position)] = turn_id
            out_turns.append(
                {
                    "turn_id": turn_id,
                    "speaker": names[speaker],
                    "role": roles[speaker],
                    "text": text,
                }
            )
        out_sessions.append(
            {"session_id": session_id, "date": str(dates[session]), "turns": out_turns}
        )
    out_questions = []
    for number, question in enumerate(questions, start=1):
        wanted = question.pop("evidence_tags", None) or [question.pop("evidence_tag")]
        question.pop("evidence_tag", None)
        out_questions.append(
            {
                "qid": f"{subject}-q{number:02d}",
                "subject": subject,
                "question": question["question"],
                "type": question["type"],
                "answer": question["answer"],
                "evidence": [turn_ids[tags[tag]] for tag in wanted],
            }
        )
    return {"subject": subject, "sessions": out_sessions}, out_questions


def build() -> dict:
    """Return the casual recall set."""
    rng = random.Random(SEED)
    conversations, questions = [], []
    for index, (a, b) in enumerate(PEOPLE, start=1):
        conversation, asked = _conversation(index, a, b, rng)
        conversations.append(conversation)
        questions.extend(asked)
    return {
        "description": "Casual recall set (friends' chats; never tuned on), "
        f"generated by bench/make_recall_casual.py (seed {SEED}).",
        "conversations": conversations,
        "questions": questions,
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
