"""Many turns of one subject extracted in one set-based pass: the same memories
as turn by turn, a valid chain, a bounded number of queries, run once."""

from datetime import UTC, datetime, timedelta

import pytest

from memory.conversations.imports import import_index, transcript_import
from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import message_extract, messages_extract
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, Message
from memory.services import memory_policy_set, subject_create

pytestmark = pytest.mark.django_db

SAID = [
    ("client", "I own 400 Tesla and 200 Apple in my IRA."),
    ("client", "I sold 100 of the Tesla yesterday."),
    ("advisor", "What is your time horizon?"),
    ("client", "About fifteen years."),
    ("client", "No tobacco, please, and I love dividend payers."),
    ("client", "I bought 300 Nvidia, sorry, 350."),
    ("client", "Actually I'm okay with tobacco now."),
    ("client", "I sold all my Apple."),
    ("client", "I'm slightly bearish on Netflix."),
    ("client", "We want to retire at sixty-two."),
]
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def turns(said=SAID):
    return [
        {
            "speaker": role,
            "role": role,
            "text": text,
            "occurred_at": START + timedelta(minutes=i),
        }
        for i, (role, text) in enumerate(said)
    ]


def state(subject):
    return sorted(
        (m.kind, m.key, m.status, tuple(sorted((m.payload or {}).items())))
        for m in Memory.objects.filter(subject=subject).exclude(kind="episode")
    )


def extracted_one_by_one(said=SAID):
    subject = subject_create(tenant_id=1, kind="client")
    conversation = conversation_start(subject=subject)
    for i, (role, text) in enumerate(said):
        message = message_append(
            conversation=conversation,
            role="user",
            speaker=role,
            speaker_role=role,
            text=text,
            occurred_at=START + timedelta(minutes=i),
            extract=False,
        )
        message_extract(message=message, consolidate=False)
    return subject


def test_one_pass_leaves_what_turn_by_turn_extraction_leaves():
    by_turn = extracted_one_by_one()
    batched = subject_create(tenant_id=1, kind="client")
    job = transcript_import(subject=batched, turns=turns(), index=False)

    import_index(job=job)

    assert state(batched) == state(by_turn)
    assert len(state(batched)) >= 8
    active = {
        m.key: m.payload
        for m in Memory.objects.filter(subject=batched, status="active").exclude(
            kind="episode"
        )
    }
    # "in my IRA" is read as the account of both.
    assert active["holding:TSLA:ira"]["quantity"] == 300
    assert active["holding:NVDA"]["quantity"] == 350
    assert "holding:AAPL:ira" not in active  # sold it all
    assert active["profile:horizon_years"] == {"horizon_years": 15}
    assert "preference:avoid:sector:tobacco" not in active  # lifted
    assert active["view:NFLX"]["conviction"] == "low"
    assert active["goal:retirement"]["target_age"] == 62
    for subject in (batched, by_turn):
        assert chain_verify(subject).ok


def test_each_event_names_the_message_that_caused_it():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(subject=subject, turns=turns(), index=False)

    import_index(job=job)

    said_by = {m.pk: m.text for m in Message.objects.filter(subject=subject)}
    events = MemoryEvent.objects.filter(subject=subject, cause_ref="extraction")
    sold = [e for e in events if e.action == "retract" and e.memory.kind == "holding"]
    assert sold and all(
        "sold all my Apple" in said_by[e.cause_message_id] for e in sold
    )
    supersede = events.filter(action="supersede").first()
    assert "100 of the Tesla" in said_by[supersede.cause_message_id]
    sequences = list(
        MemoryEvent.objects.filter(subject=subject)
        .order_by("sequence")
        .values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))


def test_a_pass_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    many = SAID * 10  # a hundred turns, forty of them trades
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(subject=subject, turns=turns(many), index=False)
    messages = list(Message.objects.filter(conversation_id=job.conversation_id))

    # Not one query per turn: one lock, one read of the subject's memories, the
    # writes and the ledger in a few statements.
    with django_assert_max_num_queries(40):
        report = messages_extract(subject_id=subject.pk, messages=messages)

    assert report.extracted == len(many)
    assert chain_verify(subject).ok


def test_running_a_pass_again_changes_nothing():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(subject=subject, turns=turns(), index=False)
    import_index(job=job)
    memories, events = Memory.objects.count(), MemoryEvent.objects.count()
    messages = list(Message.objects.filter(conversation_id=job.conversation_id))

    report = messages_extract(subject_id=subject.pk, messages=messages)

    assert report.reports == [] and report.extracted == 0
    assert (Memory.objects.count(), MemoryEvent.objects.count()) == (memories, events)


def test_messages_extracted_meanwhile_are_left_alone():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(subject=subject, turns=turns(), index=False)
    messages = list(Message.objects.filter(conversation_id=job.conversation_id))
    message_extract(message=messages[0])  # another worker got there first
    events = MemoryEvent.objects.count()

    report = messages_extract(subject_id=subject.pk, messages=messages)

    first = next(r for r in report.reports if r.message_id == messages[0].pk)
    assert first.already_extracted and not first.applied
    # The first turn's holdings were not written twice.
    assert Memory.objects.filter(subject=subject, key="holding:TSLA:ira").count() == 2
    assert MemoryEvent.objects.count() > events


def test_the_same_hedge_twice_waits_once_for_review():
    subject = subject_create(tenant_id=1, kind="client")
    said = [("client", "Maybe I have 200 Apple? Not sure.")] * 2
    job = transcript_import(subject=subject, turns=turns(said), index=False)

    import_index(job=job)

    (proposal,) = Memory.objects.filter(subject=subject, status="proposed")
    assert proposal.payload["quantity"] == 200


def test_a_firm_that_reviews_gets_a_proposal_to_retract_a_position_sold():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(
        subject=subject, turns=turns([("client", "I have 300 Apple.")]), index=False
    )
    import_index(job=job)
    memory_policy_set(tenant_id=1, auto_apply_extractions=False)
    more = turns([("client", "x"), ("client", "I sold 300 of my 300 Apple.")])[1:]
    job = transcript_import(subject=subject, turns=more, index=False)

    import_index(job=job)

    (proposal,) = Memory.objects.filter(subject=subject, status="proposed")
    assert proposal.proposal_action == "retract" and proposal.kind == "holding"
    (held,) = Memory.objects.filter(subject=subject, status="active").exclude(
        kind="episode"
    )
    assert held.kind == "holding"  # still held until the retraction is approved
