"""Rollback to a message takes the memory back with the conversation (PRODUCT §4)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from memory.conversations.branches import conversation_branches, message_list
from memory.conversations.rollback import conversation_rollback
from memory.errors import InvalidMemory, InvalidTransition
from memory.extraction.pipeline import message_extract
from memory.ledger.chain import Cause
from memory.ledger.replay import subject_state_as_of_message, subject_state_live
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, MemoryStatus, Message
from memory.services import (
    memory_approve,
    memory_policy_set,
    memory_restore,
    memory_retract,
    memory_supersede,
    memory_update,
)
from tests.factories import ClientFactory
from tests.memory.assistant.helpers import ask, marcus_memories, remember, start_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def marcus(advisor_user):
    return ClientFactory(advisor=advisor_user, name="Marcus Chen")


@pytest.fixture
def chat(marcus):
    return start_chat(marcus.subject)


@pytest.fixture
def memories(marcus):
    return marcus_memories(marcus.subject)


@pytest.fixture
def talk(chat, advisor_user, django_capture_on_commit_callbacks):
    """Take a turn as the advisor, and let extraction follow as a worker would."""

    def take(text):
        with django_capture_on_commit_callbacks(execute=True):
            return ask(chat, advisor_user, text)

    return take


def semantic_active(subject) -> dict[int, str]:
    return dict(
        Memory.objects.filter(subject=subject, status=MemoryStatus.ACTIVE)
        .exclude(kind="episode")
        .values_list("pk", "text")
    )


def active_states(subject) -> dict[int, tuple]:
    """The subject's active memories as what they say (not which version)."""
    return {
        pk: (state["text"], state["payload"])
        for pk, state in subject_state_live(subject=subject).items()
    }


def test_rollback_with_no_conflict_reverts_everything_the_later_turns_caused(
    chat, memories, talk, advisor_user
):
    subject = chat.subject
    first = talk("What does Marcus hold?")
    at_first = semantic_active(subject)
    states_at_first = active_states(subject)
    sold = talk("Marcus sold 200 shares of Nvidia.")
    talk("Marcus avoids tobacco stocks.")
    talk("She wants to retire at 60.")
    nvda = memories["nvda"]
    nvda.refresh_from_db()
    assert nvda.status == MemoryStatus.SUPERSEDED
    successor = nvda.superseded_by
    assert semantic_active(subject) != at_first
    subject.refresh_from_db()
    length = subject.ledger_length

    report = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )

    assert report.conflicts == [] and not report.noop and not report.preview
    assert report.head == first.reply.pk
    actions = {(r.memory, r.action) for r in report.reverted}
    assert (nvda.pk, "restore") in actions and (successor.pk, "retract") in actions
    assert {r.kind for r in report.reverted} >= {"holding", "preference", "goal"}
    # Six later messages, each an episode: retracted with them.
    assert sum(r.kind == "episode" for r in report.reverted) == 6
    assert len(report.rolled_back_messages) == 6
    assert semantic_active(subject) == at_first
    assert active_states(subject) == states_at_first
    assert Message.objects.get(pk=sold.message.pk).status == "rolled_back"
    chat.refresh_from_db()
    assert chat.head_id == first.reply.pk
    compensating = MemoryEvent.objects.filter(subject=subject, sequence__gt=length)
    assert compensating.count() == len(report.reverted)
    assert {
        (e.cause_type, e.cause_message_id, e.cause_user_id) for e in compensating
    } == {("rollback", None, advisor_user.pk)}
    assert {r.event for r in report.reverted} == set(
        compensating.values_list("pk", flat=True)
    )
    assert chain_verify(subject).ok
    # Time travel agrees: as of the first reply, the memory was what it is now.
    as_of = subject_state_as_of_message(message=first.reply)
    assert {pk: (s["text"], s["payload"]) for pk, s in as_of.items()} == (
        states_at_first
    )


def test_a_memory_changed_since_by_another_cause_is_a_conflict_with_both_versions(
    chat, memories, talk, advisor_user
):
    first = talk("What does Marcus hold?")
    talk("Marcus avoids tobacco stocks.")
    talk("Marcus sold 200 shares of Nvidia.")
    tobacco = Memory.objects.get(subject=chat.subject, key__contains="tobacco")
    memory_update(
        memory=tobacco, cause=Cause.user(advisor_user.pk), text="Avoids all tobacco"
    )
    nvda = memories["nvda"]
    nvda.refresh_from_db()
    successor = nvda.superseded_by
    memory_update(
        memory=successor, cause=Cause.api(advisor_user.pk, "req-1"), importance=0.9
    )

    report = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )

    conflicts = {c.memory: c for c in report.conflicts}
    assert set(conflicts) == {tobacco.pk, successor.pk, nvda.pk}
    edited = conflicts[tobacco.pk]
    assert edited.reason == "changed since by another cause"
    assert edited.rolled_back["state"]["text"] == "Avoids tobacco"
    assert edited.current["state"]["text"] == "Avoids all tobacco"
    assert edited.current["cause"] == {
        "type": "user",
        "user_id": advisor_user.pk,
        "message_id": None,
        "ref": "",
    }
    assert conflicts[successor.pk].current["cause"]["ref"] == "req-1"
    assert "supersede" in conflicts[nvda.pk].reason
    # Left alone: what the advisor and the API made of them stands.
    tobacco.refresh_from_db()
    successor.refresh_from_db()
    nvda.refresh_from_db()
    assert (tobacco.text, tobacco.status) == ("Avoids all tobacco", "active")
    assert (successor.status, nvda.status) == ("active", "superseded")
    # Everything else those turns caused was reverted.
    assert {r.kind for r in report.reverted} == {"episode"}
    assert chain_verify(chat.subject).ok


def test_rolling_back_twice_changes_nothing_and_the_next_turn_starts_a_branch(
    chat, memories, talk, advisor_user
):
    first = talk("What does Marcus hold?")
    talk("Marcus avoids tobacco stocks.")
    old_head = talk("She wants to retire at 60.").reply
    conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )
    chat.subject.refresh_from_db()
    length = chat.subject.ledger_length
    again = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )
    assert again.noop and again.reverted == [] and again.conflicts == []
    chat.subject.refresh_from_db()
    assert chat.subject.ledger_length == length

    branch = talk("What is his risk tolerance?")
    assert branch.message.parent_id == first.reply.pk
    chat.refresh_from_db()
    branches = conversation_branches(conversation=chat)
    assert [(b.leaf, b.active, b.status) for b in branches] == [
        (branch.reply.pk, True, "active"),
        (old_head.pk, False, "rolled_back"),
    ]
    assert branches[1].forked_from == first.reply.pk
    active = [m.pk for m in message_list(conversation=chat)]
    assert active == [
        first.message.pk,
        first.reply.pk,
        branch.message.pk,
        branch.reply.pk,
    ]
    abandoned = message_list(conversation=chat, branch=old_head.pk)
    assert [m.status for m in abandoned[2:]] == ["rolled_back"] * 4
    # The abandoned branch is still readable as it stood.
    on_it = subject_state_as_of_message(message=old_head)
    assert "Avoids tobacco" in {s["text"] for s in on_it.values()}
    now = subject_state_as_of_message(message=branch.reply)
    assert "Avoids tobacco" not in {s["text"] for s in now.values()}


def test_a_preview_says_what_would_happen_and_writes_nothing(
    chat, memories, talk, advisor_user
):
    first = talk("What does Marcus hold?")
    talk("Marcus avoids tobacco stocks.")
    talk("Marcus sold 200 shares of Nvidia.")
    tobacco = Memory.objects.get(subject=chat.subject, key__contains="tobacco")
    memory_update(memory=tobacco, cause=Cause.user(advisor_user.pk), importance=0.2)
    chat.refresh_from_db()
    chat.subject.refresh_from_db()
    head, length = chat.head_id, chat.subject.ledger_length

    preview = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk, preview=True
    )

    chat.refresh_from_db()
    chat.subject.refresh_from_db()
    assert (chat.head_id, chat.subject.ledger_length) == (head, length)
    assert not Message.objects.filter(status="rolled_back").exists()
    assert preview.preview and preview.head == head
    assert all(r.event is None for r in preview.reverted)
    done = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )
    assert [(r.memory, r.action) for r in preview.reverted] == [
        (r.memory, r.action) for r in done.reverted
    ]
    assert [c.memory for c in preview.conflicts] == [c.memory for c in done.conflicts]
    assert [c.memory for c in done.conflicts] == [tobacco.pk]


def test_the_reviews_a_rolled_back_proposal_got_are_reverted_with_it(
    chat, memories, talk, advisor_user, marcus
):
    memory_policy_set(tenant_id=marcus.subject.tenant_id, auto_apply_extractions=False)
    first = talk("What does Marcus hold?")
    talk("Marcus sold 200 shares of Nvidia.")
    proposal = Memory.objects.get(subject=chat.subject, status=MemoryStatus.PROPOSED)
    memory_approve(memory=proposal, cause=Cause.user(advisor_user.pk, ref="web"))
    nvda = memories["nvda"]
    nvda.refresh_from_db()
    assert nvda.status == MemoryStatus.SUPERSEDED  # the approval closed it

    report = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )

    assert report.conflicts == []
    assert {(r.memory, r.action) for r in report.reverted} >= {
        (proposal.pk, "retract"),
        (nvda.pk, "restore"),
    }
    nvda.refresh_from_db()
    proposal.refresh_from_db()
    assert (nvda.status, proposal.status) == ("active", "retracted")


def test_an_extraction_that_runs_after_its_message_was_rolled_back_does_nothing(
    chat, memories, advisor_user
):
    # No worker ran: the statement's extraction is still queued.
    first = ask(chat, advisor_user, "What does Marcus hold?")
    late = ask(chat, advisor_user, "Marcus avoids tobacco stocks.")
    conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )
    chat.subject.refresh_from_db()
    length = chat.subject.ledger_length
    report = message_extract(message=late.message)
    assert report.applied == [] and report.proposed == []
    assert report.skipped == ["the message was rolled back"]
    chat.subject.refresh_from_db()
    assert chat.subject.ledger_length == length
    assert not Memory.objects.filter(key__contains="tobacco").exists()
    assert message_extract(message=late.message).already_extracted


def test_rollback_refuses_a_message_it_cannot_roll_back_to(
    chat, memories, talk, advisor_user, marcus
):
    first = talk("What does Marcus hold?")
    old = talk("Marcus avoids tobacco stocks.")
    other_chat = start_chat(marcus.subject, title="Other")
    elsewhere = ask(other_chat, advisor_user, "Hello")
    with pytest.raises(InvalidMemory) as error:
        conversation_rollback(
            conversation=chat, to_message=elsewhere.message, user_id=advisor_user.pk
        )
    assert "to_message" in error.value.fields
    conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )
    with pytest.raises(InvalidTransition, match="abandoned branch"):
        conversation_rollback(
            conversation=chat, to_message=old.reply, user_id=advisor_user.pk
        )


def test_a_rollback_to_an_earlier_message_treats_an_earlier_rollback_as_its_own(
    chat, memories, talk, advisor_user
):
    """Rolled back once, then again further up: its own past is no conflict."""
    root = talk("What does Marcus hold?")
    middle = talk("Marcus now has 1,000 shares of Nvidia.")
    nvda = memories["nvda"]
    nvda.refresh_from_db()
    restated = nvda.superseded_by  # made by the middle turn
    talk("Marcus sold 200 shares of Nvidia.")  # supersedes the restatement
    conversation_rollback(
        conversation=chat, to_message=middle.reply, user_id=advisor_user.pk
    )
    restated.refresh_from_db()
    assert restated.status == "active"  # restored by the first rollback
    report = conversation_rollback(
        conversation=chat, to_message=root.reply, user_id=advisor_user.pk
    )
    assert report.conflicts == []
    assert {(r.memory, r.action) for r in report.reverted} >= {
        (restated.pk, "retract"),
        (nvda.pk, "restore"),
    }
    nvda.refresh_from_db()
    assert nvda.status == "active" and nvda.payload["quantity"] == 1300
    assert chain_verify(chat.subject).ok


def _outcome(subject, since: int) -> tuple[dict, list]:
    """The subject's memories, and its events after ``since``, as a rollback
    leaves them: what each says and holds, and what each event recorded."""
    memories = {
        memory.pk: (
            memory.status,
            memory.text,
            memory.payload,
            memory.key,
            memory.importance,
            memory.version,
            memory.superseded_by_id,
            memory.proposal_action,
            memory.valid_from,
            memory.valid_to is None,
        )
        for memory in Memory.objects.filter(subject=subject)
    }

    def state(value):
        # A retraction ends a memory's validity when it runs: the moment differs.
        return value and {**value, "valid_to": value["valid_to"] is None}

    events = [
        (e.sequence, e.memory_id, e.action, state(e.before), state(e.after), e.reason)
        for e in MemoryEvent.objects.filter(
            subject=subject, sequence__gt=since
        ).order_by("sequence")
    ]
    return memories, events


def test_a_rollback_over_many_memories_does_what_reverting_each_one_would(
    chat, memories, talk, advisor_user
):
    """Set-based, it ends where the one-memory services end, event for event."""
    subject = chat.subject
    first = talk("What does Marcus hold?")
    holdings = [
        remember(
            subject,
            "holding",
            f"Holds 100 {symbol}",
            {"instrument": symbol, "quantity": 100},
            key=f"holding:{symbol}:many",
        )
        for symbol in ("AAPL", "MSFT", "TSLA", "AMZN", "GOOGL", "META")
    ]
    for holding in holdings:
        # As the bench does: what extraction would make of it, made here.
        turn = ask(chat, advisor_user, f"Noted: {holding.payload['instrument']}.")
        memory_supersede(
            memory=holding,
            cause=Cause.message(turn.message.pk, ref="extraction"),
            text=f"Holds 150 {holding.payload['instrument']}",
            payload={"instrument": holding.payload["instrument"], "quantity": 150},
            source_messages=[turn.message],
        )
    talk("Marcus avoids tobacco stocks.")
    subject.refresh_from_db()
    since = subject.ledger_length
    preview = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk, preview=True
    )
    assert preview.conflicts == []
    assert sum(r.action == "restore" for r in preview.reverted) >= len(holdings)
    cause = Cause(
        "rollback",
        user_id=advisor_user.pk,
        ref=f"conversation {chat.pk} to message {first.reply.pk}",
    )
    reason = f"rolled back with its conversation to message {first.reply.pk}"

    # One memory at a time, through the services, in the order the rollback
    # writes them: the retractions, then the restores, each by id; then undone.
    with transaction.atomic():
        for reverted in sorted(preview.reverted, key=lambda r: r.action != "retract"):
            memory = Memory.objects.get(pk=reverted.memory)
            if reverted.action == "retract":
                memory_retract(memory=memory, cause=cause, reason=reason)
            else:
                memory_restore(
                    memory=memory,
                    event=MemoryEvent.objects.get(pk=reverted.restores_event),
                    cause=cause,
                    reason=reason,
                )
        one_by_one = _outcome(subject, since)
        transaction.set_rollback(True)

    report = conversation_rollback(
        conversation=chat, to_message=first.reply, user_id=advisor_user.pk
    )

    assert [(r.memory, r.action) for r in report.reverted] == [
        (r.memory, r.action) for r in preview.reverted
    ]
    assert _outcome(subject, since) == one_by_one
    assert len(one_by_one[1]) == len(report.reverted)
    assert chain_verify(subject).ok


def test_a_rollback_reads_and_writes_in_as_many_statements_for_many_memories_as_few(
    marcus, memories, advisor_user
):
    """Set-based: the statements a rollback sends do not grow with its memories."""
    subject = marcus.subject

    def rollback_statements(symbols) -> int:
        chat = start_chat(subject, title=f"{len(symbols)} turns")
        first = ask(chat, advisor_user, "What does Marcus hold?")
        for symbol in symbols:
            holding = remember(
                subject,
                "holding",
                f"Holds 100 {symbol}",
                {"instrument": symbol, "quantity": 100},
                key=f"holding:{symbol}:{len(symbols)}",
            )
            turn = ask(chat, advisor_user, f"Noted: {symbol}.")
            memory_supersede(
                memory=holding,
                cause=Cause.message(turn.message.pk, ref="extraction"),
                text=f"Holds 150 {symbol}",
                payload={"instrument": symbol, "quantity": 150},
                source_messages=[turn.message],
            )
        with CaptureQueriesContext(connection) as queries:
            report = conversation_rollback(
                conversation=chat, to_message=first.reply, user_id=advisor_user.pk
            )
        # Each turn: its two episodes retracted, a successor retracted, a
        # holding restored.
        assert len(report.reverted) == 4 * len(symbols) and not report.conflicts
        return len(queries)

    few = rollback_statements(["AAPL", "MSFT"])
    many = rollback_statements(["TSLA", "AMZN", "GOOGL", "META", "NFLX", "ORCL"])
    assert few == many
    assert chain_verify(subject).ok
