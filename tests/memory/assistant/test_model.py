"""The model composer end to end: the real openai client speaks to a fake
OpenAI-compatible server on 127.0.0.1; its memory tools go through the services."""

import json

import pytest
from django.test import override_settings

from advisor.models import User
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_retry
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, MemoryStatus, Message
from tests.factories import ClientFactory, UserFactory
from tests.fakes.openai_server import ChatReply

from .helpers import ask, marcus_memories, quote, start_chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(fake_openai):
    overrides = fake_openai.settings_overrides(
        ASSISTANT_COMPOSER="model", OPENAI_TIMEOUT=1
    )
    with override_settings(**overrides):
        yield fake_openai


@pytest.fixture
def memories(marcus):
    return marcus_memories(marcus.subject)


def tool_results(request) -> list[dict]:
    return [
        json.loads(message["content"])
        for message in request.json["messages"]
        if message["role"] == "tool"
    ]


def test_tool_calls_record_and_retract_with_the_reply_as_their_cause(
    model, chat, advisor_user, memories
):
    aapl = memories["aapl"]
    model.queue_chat(
        tool_calls=[
            {
                "name": "record_memory",
                "arguments": {
                    "kind": "holding",
                    "text": "Holds 50 AMD",
                    "payload": {"instrument": "AMD", "quantity": 50},
                    "key": "holding:AMD",
                },
            },
            {
                "name": "retract_memory",
                "arguments": {"memory_id": aapl.pk, "reason": "sold"},
            },
        ]
    )
    model.queue_chat(f"Noted: the Apple holding is closed [#{aapl.pk}].")
    turn = ask(chat, advisor_user, "He sold his Apple and bought 50 AMD.")
    reply = turn.reply
    assert not turn.failed
    assert reply.text == f"Noted: the Apple holding is closed [#{aapl.pk}]."
    assert reply.author_label == "model:fake-chat"
    amd = Memory.objects.get(subject=chat.subject, key="holding:AMD")
    assert amd.author_label == "model:fake-chat"
    assert list(amd.source_messages.all()) == [turn.message]
    aapl.refresh_from_db()
    assert aapl.status == MemoryStatus.RETRACTED
    caused = MemoryEvent.objects.filter(cause_message=reply).order_by("sequence")
    assert [(e.memory_id, e.action) for e in caused][:1] == [(amd.pk, "create")]
    assert (aapl.pk, "retract") in [(e.memory_id, e.action) for e in caused]
    assert {e.cause_ref for e in caused if e.memory_id in (amd.pk, aapl.pk)} == {
        "assistant tool"
    }
    assert [(op["tool"], op["status"], op["memory"]) for op in reply.operations] == [
        ("record", "applied", amd.pk),
        ("retract", "applied", aapl.pk),
    ]
    assert turn.operations == reply.operations
    (citation,) = reply.citations
    retract = caused.get(memory=aapl, action="retract")
    assert (citation["memory"], citation["event"]) == (aapl.pk, retract.pk)
    first, second = model.chat_requests
    assert {tool["function"]["name"] for tool in first.json["tools"]} == {
        "search_memories",
        "record_memory",
        "update_memory",
        "retract_memory",
        "get_quote",
    }
    system = first.json["messages"][0]["content"]
    assert f"[#{aapl.pk}] holding: Holds 200 AAPL in the IRA" in system
    assert "Marcus Chen" in system
    assert [r["status"] for r in tool_results(second)] == ["applied", "applied"]
    # Rolled back, the reply's tool changes go with it.
    report = conversation_rollback(
        conversation=chat, to_message=turn.message, user_id=advisor_user.pk
    )
    assert {(r.memory, r.action) for r in report.reverted} >= {
        (amd.pk, "retract"),
        (aapl.pk, "restore"),
    }
    aapl.refresh_from_db()
    amd.refresh_from_db()
    assert (aapl.status, amd.status) == ("active", "retracted")
    assert chain_verify(chat.subject).ok


def test_a_tool_call_for_another_clients_memory_is_refused(
    model, chat, advisor_user, memories
):
    other = ClientFactory(advisor=advisor_user, name="Eleanor Whitfield")
    theirs = marcus_memories(other.subject)["aapl"]
    events_before = MemoryEvent.objects.filter(subject=other.subject).count()
    model.queue_chat(
        tool_calls=[
            {"name": "retract_memory", "arguments": {"memory_id": theirs.pk}},
            {
                "name": "search_memories",
                "arguments": {"query": "apple", "client_id": other.subject.pk},
            },
            {
                "name": "update_memory",
                "arguments": {"memory_id": theirs.pk, "text": "Holds nothing"},
            },
        ]
    )
    model.queue_chat("I can only change Marcus's memory.")
    turn = ask(chat, advisor_user, "Also close Eleanor's Apple position.")
    assert not turn.failed
    theirs.refresh_from_db()
    assert (
        theirs.status == MemoryStatus.ACTIVE
        and theirs.text == "Holds 200 AAPL in the IRA"
    )
    assert MemoryEvent.objects.filter(subject=other.subject).count() == events_before
    assert [op["status"] for op in turn.reply.operations] == ["refused"] * 3
    told = tool_results(model.chat_requests[1])
    assert [r["status"] for r in told] == ["refused"] * 3
    assert f"memory {theirs.pk} is not one of this subject's" in told[0]["detail"]
    assert "Eleanor" not in json.dumps(told)


def test_a_model_timeout_keeps_the_message_undoes_the_tools_and_can_be_retried(
    model, chat, advisor_user, memories
):
    model.queue_chat(
        tool_calls=[
            {
                "name": "record_memory",
                "arguments": {
                    "kind": "fact",
                    "text": "Moving to Lisbon",
                    "payload": {"detail": "Lisbon"},
                },
            }
        ]
    )
    model.delay_next(3.0, times=2)  # the answer after the tool comes too late
    turn = ask(chat, advisor_user, "He is moving to Lisbon next year.")
    assert turn.failed
    reply = turn.reply
    assert "timed out" in reply.failure_reason
    assert reply.text.startswith("No reply:") and reply.text.endswith("You can retry.")
    assert Message.objects.filter(pk=turn.message.pk).exists()
    chat.refresh_from_db()
    assert chat.head_id == reply.pk
    # The tool ran, then the turn failed: what it wrote is undone.
    assert not Memory.objects.filter(text="Moving to Lisbon").exists()
    assert not MemoryEvent.objects.filter(cause_ref="assistant tool").exists()
    assert not Memory.objects.filter(kind="episode", payload__message_id=reply.pk)
    assert chain_verify(chat.subject).ok

    model.reset()
    model.queue_chat("Noted, Lisbon.")
    retried = turn_retry(reply=reply, user_id=advisor_user.pk)
    assert not retried.failed and retried.reply.text == "Noted, Lisbon."
    assert retried.reply.parent_id == turn.message.pk
    reply.refresh_from_db()
    chat.refresh_from_db()
    assert reply.status == "retried" and chat.head_id == retried.reply.pk


def test_a_model_error_is_the_failed_replys_reason(model, chat, advisor_user):
    model.fail_next(500)
    turn = ask(chat, advisor_user, "What does he hold?")
    assert turn.failed and "HTTP 500" in turn.reply.failure_reason


def test_tool_rounds_are_bounded_and_the_last_one_must_answer(
    model, chat, advisor_user, memories
):
    def keep_searching(body):
        if body.get("tool_choice") == "none":
            return ChatReply(content="He holds NVDA and AAPL.")
        return ChatReply(
            tool_calls=[{"name": "search_memories", "arguments": {"query": "x"}}]
        )

    model.chat_handler = keep_searching
    turn = ask(chat, advisor_user, "What does he hold?")
    assert turn.reply.text == "He holds NVDA and AAPL."
    requests = model.chat_requests
    assert len(requests) == 5
    assert [r.json.get("tool_choice") for r in requests] == ["auto"] * 4 + ["none"]
    # Unmarked, the reply cites what its tools reached.
    assert turn.reply.citations


def test_a_model_that_never_stops_calling_tools_fails_cleanly(
    model, chat, advisor_user
):
    model.chat_handler = lambda body: ChatReply(
        tool_calls=[
            {
                "name": "record_memory",
                "arguments": {"kind": "fact", "text": "Loop", "payload": {}},
            }
        ]
    )
    turn = ask(chat, advisor_user, "Remember this.")
    assert (
        turn.failed and "still called tools after 4 rounds" in turn.reply.failure_reason
    )
    assert not Memory.objects.filter(text="Loop").exists()


def test_the_model_sees_readings_and_the_branch_so_far(
    model, chat, advisor_user, memories
):
    quote("NVDA", "120.00", simulated=True)
    model.queue_chat("First answer.")
    ask(chat, advisor_user, "What does he hold?")
    model.queue_chat("Second answer.")
    ask(chat, advisor_user, "And his goals?")
    request = model.chat_requests[-1].json
    roles = [(m["role"], m.get("content")) for m in request["messages"][1:]]
    assert roles == [
        ("user", "What does he hold?"),
        ("assistant", "First answer."),
        ("user", "And his goals?"),
    ]
    system = request["messages"][0]["content"]
    assert "now $120.00 (simulated" in system


def test_the_analysts_own_chat_records_the_analysts_own_view(model):
    analyst = UserFactory(role=User.Role.ANALYST)
    subject = analyst.analyst_profile.subject
    chat = start_chat(subject)
    model.queue_chat(
        tool_calls=[
            {
                "name": "record_memory",
                "arguments": {
                    "kind": "view",
                    "text": "Bullish on AMD, target $250",
                    "payload": {
                        "instrument": "AMD",
                        "stance": "bullish",
                        "target_price": 250,
                    },
                },
            }
        ]
    )
    model.queue_chat("Recorded your AMD view.")
    turn = ask(chat, analyst, "I'm bullish on AMD, I see it at $250.")
    assert turn.message.speaker_role == "analyst"
    view = Memory.objects.get(subject=subject, kind="view")
    assert view.payload["stance"] == "bullish"
    assert "your own views" in model.chat_requests[0].json["messages"][0]["content"]
