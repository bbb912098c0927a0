"""The LLM extractor end to end: the real openai client speaks HTTP to a fake
OpenAI-compatible server on 127.0.0.1; reconciliation is the shared one."""

import json

import pytest
from django.test import override_settings

from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import get_extractor, message_extract
from memory.llm import ModelError
from memory.models import Memory, MemoryEvent

pytestmark = pytest.mark.django_db


def reply(*memories):
    return json.dumps({"memories": list(memories)})


def item(kind, key, text, payload, action="assert", confidence=0.9):
    return {
        "kind": kind,
        "key": key,
        "text": text,
        "payload_json": json.dumps(payload),
        "action": action,
        "confidence": confidence,
        "importance": 0.6,
    }


@pytest.fixture
def said(client_of):
    conversation = conversation_start(subject=client_of.subject)

    def say(text):
        return message_append(
            conversation=conversation, role="user", speaker="client", text=text
        )

    return say


def test_llm_extraction_records_the_model_as_author(fake_openai, said, settings):
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        extractor = get_extractor()
        message = said("I picked up 200 Apple shares at $150 in my IRA.")
        fake_openai.queue_chat(
            reply(
                item(
                    "holding",
                    "holding:AAPL:ira",
                    "Holds 200 AAPL bought at $150 in the IRA",
                    {
                        "instrument": "AAPL",
                        "quantity": 200,
                        "cost_basis": 150,
                        "account": "ira",
                    },
                )
            )
        )
        report = message_extract(message=message, extractor=extractor)
    holding = Memory.objects.get(kind="holding")
    assert report.applied == [("add", holding.pk)]
    assert holding.author_label == "model:fake-chat"
    assert holding.payload == {
        "instrument": "AAPL",
        "quantity": 200,
        "cost_basis": 150,
        "account": "ira",
    }
    assert list(holding.source_messages.all()) == [message]
    (request,) = fake_openai.chat_requests
    body = request.json
    assert body["model"] == "fake-chat"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert "200 Apple shares" in body["messages"][-1]["content"]


def test_llm_update_supersedes_and_retraction_retracts(fake_openai, said):
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        extractor = get_extractor()
        first = said("I own 200 Tesla shares.")
        fake_openai.queue_chat(
            reply(
                item(
                    "holding",
                    "holding:TSLA",
                    "Holds 200 TSLA",
                    {"instrument": "TSLA", "quantity": 200},
                )
            )
        )
        message_extract(message=first, extractor=extractor)
        second = said("Correction: it's 300 Tesla shares.")
        fake_openai.queue_chat(
            reply(
                item(
                    "holding",
                    "holding:TSLA",
                    "Holds 300 TSLA",
                    {"instrument": "TSLA", "quantity": 300},
                )
            )
        )
        message_extract(message=second, extractor=extractor)
        third = said("I sold all my Tesla.")
        fake_openai.queue_chat(
            reply(
                item(
                    "holding",
                    "holding:TSLA",
                    "Sold all TSLA",
                    {"instrument": "TSLA"},
                    action="retract",
                )
            )
        )
        message_extract(message=third, extractor=extractor)
        # The second request told the model what it already knew.
        assert (
            "holding:TSLA: Holds 200 TSLA"
            in (fake_openai.chat_requests[1].json["messages"][-1]["content"])
        )
    statuses = list(
        Memory.objects.filter(kind="holding")
        .order_by("pk")
        .values_list("payload__quantity", "status")
    )
    assert statuses == [(200, "superseded"), (300, "retracted")]


def test_model_failure_leaves_nothing_half_written_and_can_retry(fake_openai, said):
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        extractor = get_extractor()
        message = said("We now avoid oil companies.")
        events_before = MemoryEvent.objects.count()
        fake_openai.fail_next(500)
        with pytest.raises(ModelError):
            message_extract(message=message, extractor=extractor)
        message.refresh_from_db()
        assert message.extracted_at is None
        assert MemoryEvent.objects.count() == events_before
        fake_openai.queue_chat(
            reply(
                item(
                    "preference",
                    "preference:avoids:sector:energy",
                    "Avoids oil companies",
                    {
                        "topic": "fossil fuels",
                        "polarity": "avoids",
                        "sectors": ["energy"],
                    },
                )
            )
        )
        report = message_extract(message=message, extractor=extractor)
        assert len(report.applied) == 1
        again = message_extract(message=message, extractor=extractor)
        assert again.already_extracted and not again.applied
        assert len(fake_openai.chat_requests) == 2


def test_malformed_model_items_are_skipped_not_stored(fake_openai, said):
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        extractor = get_extractor()
        message = said("I hold some Nvidia.")
        fake_openai.queue_chat(
            reply(
                item("holding", "holding:NVDA", "Holds NVDA", {"quantity": -3}),
                {"kind": "holding", "key": "x"},
            )
        )
        report = message_extract(message=message, extractor=extractor)
    assert not Memory.objects.filter(kind="holding").exists()
    assert report.skipped and "payload.instrument" in report.skipped[0]


def test_the_prompt_names_the_subject_the_speaker_and_the_turns_before(
    fake_openai, client_of
):
    from django.test import override_settings

    conversation = conversation_start(subject=client_of.subject)
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        message_append(
            conversation=conversation,
            role="user",
            speaker="advisor",
            speaker_role="advisor",
            text="What's your time horizon?",
            extract=False,
        )
        answer = message_append(
            conversation=conversation,
            role="user",
            speaker="client",
            text="About fifteen years.",
            extract=False,
        )
        message_extract(message=answer, extractor=get_extractor())
    prompt = fake_openai.chat_requests[-1].json["messages"][-1]["content"]
    assert client_of.name in prompt
    assert "Speaker role: client" in prompt
    assert "- advisor: What's your time horizon?" in prompt
    assert prompt.endswith("Message:\nAbout fifteen years.")


def test_an_answer_that_is_not_a_list_is_a_model_failure(fake_openai, said):
    with override_settings(**fake_openai.settings_overrides(MEMORY_EXTRACTOR="llm")):
        extractor = get_extractor()
        message = said("I hold some Nvidia.")
        fake_openai.queue_chat({"memories": {"kind": "holding"}})
        with pytest.raises(ModelError):
            message_extract(message=message, extractor=extractor)
    assert not Memory.objects.filter(kind="holding").exists()
