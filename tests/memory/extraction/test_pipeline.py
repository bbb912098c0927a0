"""Extraction reconciles with what is known: add, supersede, retract or nothing."""

import pytest

from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import message_extract
from memory.ledger.chain import Cause
from memory.models import MarketReference, Memory, MemoryEvent, MemoryStatus
from memory.services import (
    memory_approve,
    memory_policy_set,
    memory_record,
    subject_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


@pytest.fixture
def say(subject):
    conversation = conversation_start(subject=subject)

    def said(text, speaker="client"):
        message = message_append(
            conversation=conversation,
            role="user",
            speaker=speaker,
            text=text,
            extract=False,
        )
        return message, message_extract(message=message)

    return said


def active(subject, kind=None):
    memories = Memory.objects.filter(subject=subject, status=MemoryStatus.ACTIVE)
    memories = memories.exclude(kind="episode")
    return list(memories.filter(kind=kind) if kind else memories)


def test_a_new_fact_is_added_with_its_source_message(subject, say):
    message, report = say("I bought 200 shares of Apple at $150 in my IRA.")
    (holding,) = active(subject, "holding")
    assert report.applied == [("add", holding.pk)]
    assert holding.payload == {
        "instrument": "AAPL",
        "quantity": 200,
        "cost_basis": 150,
        "currency": "USD",
        "account": "ira",
    }
    assert list(holding.source_messages.all()) == [message]
    assert holding.author_label == "rules-extractor/1"
    assert holding.valid_from == message.occurred_at


def test_saying_the_same_thing_again_changes_nothing(subject, say):
    say("I'm fairly conservative with money.")
    events = MemoryEvent.objects.filter(memory__kind="profile").count()
    _, report = say("As I said, I'm conservative.")
    assert report.applied == [] and len(report.unchanged) == 1
    assert MemoryEvent.objects.filter(memory__kind="profile").count() == events


def test_a_correction_supersedes_and_keeps_what_it_does_not_mention(subject, say):
    say("I bought 200 shares of Apple at $150 in my IRA.")
    _, report = say("Actually, it was 300 shares of Apple, not 200.")
    (holding,) = active(subject, "holding")
    assert report.applied == [("supersede", holding.pk)]
    assert holding.payload["quantity"] == 300
    assert holding.payload["account"] == "ira" and holding.payload["cost_basis"] == 150
    assert holding.key == "holding:AAPL:ira"
    old = Memory.objects.get(status="superseded", kind="holding")
    assert old.payload["quantity"] == 200 and old.superseded_by == holding


def test_buying_more_averages_the_cost_and_restates_the_holding(subject, say):
    say("I own 1,200 shares of Nvidia at $45 in my brokerage account.")
    say("I bought 100 more Nvidia shares at $120.")
    (holding,) = active(subject, "holding")
    assert holding.payload["quantity"] == 1300
    assert holding.payload["cost_basis"] == pytest.approx(50.7692, abs=1e-3)
    assert holding.text == (
        "Holds 1,300 NVDA at an average cost of $50.77 in the brokerage account"
    )


def test_selling_everything_retracts_the_holding(subject, say):
    say("We own about 500 MSFT in the taxable account.")
    _, report = say("I sold all my Microsoft last week.")
    assert active(subject, "holding") == []
    retracted = Memory.objects.get(kind="holding")
    assert retracted.status == "retracted" and retracted.valid_to is not None
    assert report.applied == [("retract", retracted.pk)]


@pytest.mark.parametrize(
    "negation",
    ["I no longer own TSLA.", "I sold all my Tesla.", "I got out of Tesla entirely."],
)
def test_negations_retract(subject, say, negation):
    say("I own 100 shares of Tesla.")
    say(negation)
    assert active(subject, "holding") == []


def test_someone_elses_holding_is_not_the_clients(subject, say):
    say("My brother owns a lot of Tesla.")
    assert active(subject, "holding") == []


def test_extraction_is_idempotent_per_message(subject, say):
    message, _ = say("No tobacco or weapons stocks please.")
    memories, events = Memory.objects.count(), MemoryEvent.objects.count()
    again = message_extract(message=message)
    assert again.already_extracted
    assert (Memory.objects.count(), MemoryEvent.objects.count()) == (memories, events)


def test_a_firm_that_reviews_gets_proposals_until_approved(subject, say):
    memory_policy_set(tenant_id=1, auto_apply_extractions=False)
    say("I bought 200 shares of Apple at $150 in my IRA.")
    assert active(subject) == []
    (proposal,) = Memory.objects.filter(status="proposed")
    memory_approve(memory=proposal, cause=Cause.user(5))
    assert active(subject, "holding") == [proposal]


def test_low_confidence_always_waits_even_when_the_firm_applies_at_once(subject, say):
    _, report = say("Maybe I am a bit bearish on Netflix.")
    (proposal,) = Memory.objects.filter(status="proposed")
    assert proposal.kind == "view" and proposal.confidence < 0.6
    assert report.proposed == [proposal.pk] and report.applied == []
    assert active(subject, "view") == []


def test_a_proposed_retraction_retracts_when_approved(subject, say):
    say("I own 100 shares of Tesla.")
    memory_policy_set(tenant_id=1, auto_apply_extractions=False)
    say("I sold all my Tesla.")
    assert len(active(subject, "holding")) == 1  # still held until approved
    (proposal,) = Memory.objects.filter(status="proposed")
    assert proposal.proposal_action == "retract"
    assert proposal.kind == "holding" and proposal.key.startswith("holding:TSLA")
    assert not MarketReference.objects.filter(memory=proposal).exists()
    memory_approve(memory=proposal, cause=Cause.user(5))
    assert active(subject, "holding") == []
    proposal.refresh_from_db()
    assert proposal.status == "applied"
    (retracted,) = Memory.objects.filter(status="retracted")
    # The holding ends when the client said it ended, not when it was approved.
    assert retracted.valid_to == proposal.valid_from


def test_assistant_turns_are_never_mined_for_client_facts(subject):
    conversation = conversation_start(subject=subject)
    message = message_append(
        conversation=conversation,
        role="assistant",
        speaker="assistant",
        extract=False,
        text="You hold 200 AAPL in the IRA.",
    )
    message_extract(message=message)
    assert active(subject) == []


def test_extraction_runs_in_the_background_after_the_turn_commits(
    subject, django_capture_on_commit_callbacks
):
    conversation = conversation_start(subject=subject)
    with django_capture_on_commit_callbacks(execute=True):
        message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text="We want to retire at 62.",
        )
    (goal,) = active(subject, "goal")
    assert goal.payload.get("target_age") == 62


def test_selling_half_halves_the_position(subject, say):
    say("We own about 500 MSFT in the taxable account.")
    say("I sold half of my Microsoft.")
    (holding,) = active(subject, "holding")
    assert holding.payload["quantity"] == 250


def test_withdrawing_a_stance_leaves_an_opposite_view_alone(subject, say):
    say("I'm bearish on TSLA, target $180 within 6 months.")
    say("I'm not bullish on Tesla anymore.")
    (view,) = active(subject, "view")
    assert view.payload["stance"] == "bearish"
    say("I'm no longer bearish on Tesla.")
    assert active(subject, "view") == []


def test_the_profile_summary_is_consolidated_from_what_was_extracted(
    subject, django_capture_on_commit_callbacks
):
    conversation = conversation_start(subject=subject)
    with django_capture_on_commit_callbacks(execute=True):
        message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text="I'm fairly conservative with money.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text="No tobacco stocks please.",
        )
    subject.refresh_from_db()
    assert "Profile: Conservative risk tolerance" in subject.summary
    assert "Preference: Avoids tobacco" in subject.summary


def test_extracted_memories_are_embedded_and_found_by_meaning(subject, say):
    from memory.recall.search import memory_search

    say("We want to retire at 62.")
    (goal,) = active(subject, "goal")
    assert goal.embedding is not None and goal.embedding_model
    hits = memory_search(subject=subject, query="stop working age", kinds=["goal"])
    assert [h.memory for h in hits] == [goal]
    assert hits[0].breakdown["dense_rank"] == 1


def test_a_reworded_memory_gets_a_new_vector(subject):
    from memory.services import memory_update

    memory = memory_record(
        subject=subject,
        kind="fact",
        text="Likes sailing",
        payload={},
        cause=Cause.system(),
    )
    first = list(memory.embedding)
    memory_update(memory=memory, cause=Cause.system(), text="Owns a racing yacht")
    memory.refresh_from_db()
    assert list(memory.embedding) != first
