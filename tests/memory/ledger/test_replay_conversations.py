"""As of a message, the memory counts other conversations' changes by their time."""

import pytest

from memory.conversations.imports import import_index, transcript_import
from memory.conversations.messages import conversation_start, message_append
from memory.ledger.chain import Cause
from memory.ledger.replay import subject_state_as_of_message
from memory.services import memory_record, subject_create

pytestmark = pytest.mark.django_db


def test_a_chat_as_of_its_message_sees_what_an_earlier_import_taught():
    subject = subject_create(tenant_id=1, kind="client")
    job = transcript_import(
        subject=subject,
        turns=[
            {
                "speaker": "client",
                "text": "I own 1,200 shares of Nvidia at $45 in my brokerage account.",
                "occurred_at": "2025-03-01T10:00:00Z",
            }
        ],
        index=False,
    )
    import_index(job=job)
    chat = conversation_start(subject=subject, title="Chat")
    asked = message_append(
        conversation=chat, role="user", speaker="advisor", text="What does he hold?"
    )
    later = conversation_start(subject=subject, title="Later call")
    said = message_append(conversation=later, role="user", speaker="c", text="Hi")
    memory_record(
        subject=subject,
        kind="fact",
        text="Said hello later",
        payload={},
        cause=Cause.message(said.pk),
    )
    texts = {s["text"] for s in subject_state_as_of_message(message=asked).values()}
    # What the import's extraction drew, caused by another conversation's message.
    assert any("NVDA" in text for text in texts)
    # A change another conversation made afterwards is not yet there.
    assert "Said hello later" not in texts
    texts = {s["text"] for s in subject_state_as_of_message(message=said).values()}
    assert "Said hello later" in texts
