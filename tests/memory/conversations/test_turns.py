"""A turn stores the message, replies with citations, and fails without harm."""

import pytest

from advisor.models import User
from memory.assistant.composer import Composition, ReplyFailed
from memory.conversations.turns import INTERNAL_FAILURE, turn_retry
from memory.errors import InvalidMemory, InvalidTransition
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, Message, SubjectAccess
from tests.factories import ClientFactory, UserFactory
from tests.memory.assistant.helpers import ask, marcus_memories, start_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def marcus(advisor_user):
    return ClientFactory(advisor=advisor_user, name="Marcus Chen")


@pytest.fixture
def chat(marcus):
    return start_chat(marcus.subject)


class FailingComposer:
    """A composer that writes through its tools, then fails as told."""

    name = "failing"

    def __init__(self, error: Exception):
        self.error = error

    def compose(self, grounding, *, tools):
        tools.run(
            "record_memory",
            {"kind": "fact", "text": "Half-written", "payload": {"detail": "x"}},
        )
        raise self.error


class EchoComposer:
    name = "echo"

    def compose(self, grounding, *, tools):
        return Composition(text=f"echo: {grounding.message.text}", cited=[], author="e")


def test_a_turn_stores_the_message_under_the_head_and_the_reply_under_it(
    chat, advisor_user, marcus
):
    marcus_memories(marcus.subject)
    first = ask(chat, advisor_user, "What does Marcus hold?")
    second = ask(chat, advisor_user, "What is his risk tolerance?")
    assert first.message.parent_id is None
    assert first.reply.parent_id == first.message.pk
    assert second.message.parent_id == first.reply.pk
    chat.refresh_from_db()
    assert chat.head_id == second.reply.pk
    message = second.message
    assert (message.role, message.speaker_role, message.author_user_id) == (
        "user",
        "advisor",
        advisor_user.pk,
    )
    assert message.speaker == advisor_user.get_full_name()
    reply = second.reply
    assert (reply.role, reply.speaker_role, reply.author_label) == (
        "assistant",
        "assistant",
        "offline-composer/1",
    )
    assert reply.citations and not reply.failure_reason
    # Both turns are episodes, searchable at once.
    episodes = Memory.objects.filter(subject=marcus.subject, kind="episode")
    assert {e.payload["message_id"] for e in episodes} >= {message.pk, reply.pk}
    accesses = SubjectAccess.objects.filter(subject=marcus.subject, surface="chat")
    assert accesses.count() == 2 and accesses.first().user_id == advisor_user.pk
    assert chain_verify(marcus.subject).ok


def test_the_analysts_chat_records_the_analysts_own_views(
    django_capture_on_commit_callbacks,
):
    analyst = UserFactory(role=User.Role.ANALYST)
    subject = analyst.analyst_profile.subject
    chat = start_chat(subject)
    turn = ask(chat, analyst, "What are my views?")
    assert turn.message.speaker_role == "analyst"
    assert turn.reply.text.startswith("I have no open views recorded for you")
    with django_capture_on_commit_callbacks(execute=True):
        said = ask(chat, analyst, "I'm bullish on AMD, I see it at $250 in a year.")
    assert said.reply.text.startswith("Noted. I will update your memory")
    view = Memory.objects.get(subject=subject, kind="view", status="active")
    assert (view.payload["instrument"], view.payload["stance"]) == ("AMD", "bullish")
    assert view.payload["target_price"] == 250


def test_an_empty_message_is_refused_and_nothing_is_stored(chat, advisor_user):
    with pytest.raises(InvalidMemory) as error:
        ask(chat, advisor_user, "   ")
    assert "text" in error.value.fields
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ReplyFailed("the model server is down"), "the model server is down"),
        (RuntimeError("a bug"), INTERNAL_FAILURE),
    ],
)
def test_a_failed_reply_keeps_the_message_and_leaves_no_half_written_memory(
    chat, advisor_user, error, reason
):
    before = chat.subject.ledger_length
    turn = ask(chat, advisor_user, "Remember this.", composer=FailingComposer(error))
    assert turn.failed and turn.reply.failure_reason == reason
    assert turn.message.text == "Remember this."
    assert not Memory.objects.filter(text="Half-written").exists()
    chat.subject.refresh_from_db()
    # The user's message and its episode: one event; nothing of the reply.
    assert chat.subject.ledger_length == before + 1
    assert not Memory.objects.filter(payload__message_id=turn.reply.pk).exists()
    assert chain_verify(chat.subject).ok


def test_only_the_last_failed_reply_can_be_retried(chat, advisor_user):
    failed = ask(
        chat, advisor_user, "Hello?", composer=FailingComposer(ReplyFailed("down"))
    ).reply
    fine = ask(chat, advisor_user, "Hi", composer=EchoComposer()).reply
    with pytest.raises(InvalidTransition, match="last reply"):
        turn_retry(reply=failed, user_id=advisor_user.pk)
    with pytest.raises(InvalidTransition, match="Only a failed reply"):
        turn_retry(reply=fine, user_id=advisor_user.pk)


def test_a_retry_answers_the_same_message_as_a_new_reply(chat, advisor_user):
    failed = ask(
        chat, advisor_user, "Hello?", composer=FailingComposer(ReplyFailed("down"))
    )
    retried = turn_retry(
        reply=failed.reply, user_id=advisor_user.pk, composer=EchoComposer()
    )
    assert retried.reply.text == "echo: Hello?"
    assert retried.message.pk == failed.message.pk
    assert retried.reply.parent_id == failed.message.pk
    failed.reply.refresh_from_db()
    assert failed.reply.status == "retried"
    with pytest.raises(InvalidTransition):
        turn_retry(reply=failed.reply, user_id=advisor_user.pk)
    assert not MemoryEvent.objects.filter(cause_message=failed.reply).exists()
