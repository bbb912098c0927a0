"""Conversations, episodes and transcript import."""

from datetime import UTC, datetime, timedelta

import pytest

from memory.conversations.imports import transcript_import
from memory.conversations.messages import conversation_start, message_append
from memory.errors import InvalidMemory
from memory.ledger.verify import chain_verify
from memory.models import ImportJob, Memory, MemoryEvent, Message
from memory.recall.search import memory_search
from memory.services import subject_create

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


def turns(count, *, prefix="t", start=START):
    return [
        {
            "speaker": "client" if i % 2 == 0 else "advisor",
            "text": f"Turn {i}: we talked about the lake house and bond ladder {i}",
            "occurred_at": (start + timedelta(minutes=i)).isoformat(),
            "external_id": f"{prefix}-{i}",
        }
        for i in range(count)
    ]


def test_a_turn_is_stored_as_message_and_episode_and_is_searchable_at_once(subject):
    conversation = conversation_start(subject=subject, title="Review")
    message = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text="My granddaughter Maya starts at Oberlin next fall.",
    )
    conversation.refresh_from_db()
    assert conversation.head_id == message.pk
    episode = Memory.objects.get(kind="episode")
    assert episode.text == message.text
    assert list(episode.source_messages.all()) == [message]
    assert episode.embedding is not None  # the offline embedder runs inline
    event = MemoryEvent.objects.get(memory=episode)
    assert event.cause_type == "message" and event.cause_message_id == message.pk
    (hit,) = memory_search(
        subject=subject, query="Which college is Maya going to?", limit=1
    )
    assert hit.memory == episode
    assert hit.provenance[0]["message_id"] == message.pk


def test_messages_form_a_tree_under_the_head(subject):
    conversation = conversation_start(subject=subject)
    first = message_append(
        conversation=conversation, role="user", speaker="client", text="Hello"
    )
    second = message_append(
        conversation=conversation, role="assistant", speaker="assistant", text="Hi!"
    )
    branch = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text="Actually, a different question",
        parent=first,
    )
    assert second.parent == first and branch.parent == first
    conversation.refresh_from_db()
    assert conversation.head == branch


def test_import_stores_turns_in_order_and_reimport_changes_nothing(subject):
    job = transcript_import(
        subject=subject,
        turns=turns(25),
        title="2025 review",
        conversation_external_id="crm-call-9",
        batch_size=10,
    )
    assert job.turns_total == 25 and job.turns_stored == 25
    # The conversation started when its first turn was said.
    assert job.conversation.started_at == START
    messages = list(Message.objects.order_by("occurred_at"))
    assert [m.external_id for m in messages] == [f"t-{i}" for i in range(25)]
    assert all(
        b.parent_id == a.pk for a, b in zip(messages, messages[1:], strict=False)
    )
    counts = (
        Message.objects.count(),
        Memory.objects.count(),
        MemoryEvent.objects.count(),
    )
    again = transcript_import(
        subject=subject, turns=turns(25), conversation_external_id="crm-call-9"
    )
    assert again.turns_stored == 0 and again.turns_skipped == 25
    assert counts == (
        Message.objects.count(),
        Memory.objects.count(),
        MemoryEvent.objects.count(),
    )
    subject.refresh_from_db()
    assert chain_verify(subject).ok


def test_import_reports_progress_per_batch_and_when_fully_indexed(
    subject, django_capture_on_commit_callbacks
):
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        job = transcript_import(
            subject=subject,
            turns=turns(35),
            batch_size=10,
            progress=lambda j: seen.append(j.turns_stored),
        )
    assert seen == [10, 20, 30, 35]
    job.refresh_from_db()
    # Tasks run inline in tests: indexing (embedding, extraction) is done.
    assert job.status == ImportJob.Status.DONE and job.fully_indexed
    assert job.turns_embedded == 35 and job.turns_extracted == 35
    assert Message.objects.filter(extracted_at__isnull=True).count() == 0


def test_import_with_a_bad_turn_stores_nothing_and_names_the_field(subject):
    bad = turns(5)
    bad[3]["occurred_at"] = "yesterday-ish"
    bad[1]["text"] = "   "
    with pytest.raises(InvalidMemory) as caught:
        transcript_import(subject=subject, turns=bad)
    assert set(caught.value.fields) == {"turns[3].occurred_at", "turns[1].text"}
    assert not Message.objects.exists() and not Memory.objects.exists()
    naive = turns(1)
    naive[0]["occurred_at"] = "2025-03-14T10:00:00"
    with pytest.raises(InvalidMemory, match="time zone"):
        transcript_import(subject=subject, turns=naive)


def test_duplicate_external_ids_within_one_transcript_are_refused(subject):
    dup = turns(3)
    dup[2]["external_id"] = "t-0"
    with pytest.raises(InvalidMemory, match="appears twice"):
        transcript_import(subject=subject, turns=dup)
    assert not Message.objects.exists()


def test_external_ids_are_kept_verbatim_and_surface_in_provenance(subject):
    data = turns(2)
    data[0]["external_id"] = "Zendesk#4471/msg:0009 "
    transcript_import(subject=subject, turns=data)
    message = Message.objects.get(external_id="Zendesk#4471/msg:0009 ")
    hits = memory_search(subject=subject, query="lake house bond ladder 0")
    assert any(
        p["external_id"] == "Zendesk#4471/msg:0009 "
        for hit in hits
        for p in hit.provenance
    )
    assert message.subject == subject


def test_import_writes_each_row_once_already_linked_and_embedded(subject):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements(count, prefix):
        with CaptureQueriesContext(connection) as captured:
            transcript_import(
                subject=subject,
                turns=turns(count, prefix=prefix),
                batch_size=1000,
                index=False,
            )
        return len(captured.captured_queries)

    # A batch costs the same few statements whatever its size: no row is
    # written twice (parents and vectors go in with the INSERT).
    assert statements(20, "a") == statements(200, "b")
    messages = list(
        Message.objects.filter(external_id__startswith="b-").order_by("occurred_at")
    )
    assert all(
        b.parent_id == a.pk for a, b in zip(messages, messages[1:], strict=False)
    )
    assert not Memory.objects.filter(kind="episode", embedding__isnull=True).exists()


def test_a_turn_with_a_nul_character_is_refused_by_field(subject):
    bad = turns(2)
    bad[1]["text"] = "bytes from a broken export \x00 here"
    with pytest.raises(InvalidMemory) as caught:
        transcript_import(subject=subject, turns=bad)
    assert "turns[1].text" in caught.value.fields
    assert not Message.objects.exists()


def crm_turn(index, speaker, role, text):
    turn = {
        "speaker": speaker,
        "text": text,
        "occurred_at": (START + timedelta(minutes=index)).isoformat(),
        "external_id": f"crm-{index}",
    }
    if role is not None:
        turn["role"] = role
    return turn


def test_the_role_not_the_name_decides_whose_memory_a_turn_is(
    subject, django_capture_on_commit_callbacks
):
    """A CRM names people; the advisor's own trades are not the client's."""
    with django_capture_on_commit_callbacks(execute=True):
        job = transcript_import(
            subject=subject,
            turns=[
                crm_turn(0, "Dana Reyes", "advisor", "I bought 300 shares of Tesla."),
                crm_turn(1, "Marcus Chen", "client", "I own 200 shares of Apple."),
            ],
        )
    assert ImportJob.objects.get(pk=job.pk).fully_indexed
    roles = dict(Message.objects.values_list("speaker", "speaker_role"))
    assert roles == {"Dana Reyes": "advisor", "Marcus Chen": "client"}
    holdings = Memory.objects.filter(kind="holding", status="active")
    assert [m.payload["instrument"] for m in holdings] == ["AAPL"]


def test_a_named_speaker_without_a_role_is_refused_by_field(subject):
    with pytest.raises(InvalidMemory) as error:
        transcript_import(
            subject=subject,
            turns=[
                crm_turn(0, "client", None, "Hello"),
                crm_turn(1, "Dana Reyes", None, "Hi Marcus"),
                crm_turn(2, "Dana Reyes", "planner", "Hi again"),
            ],
        )
    fields = error.value.fields
    assert set(fields) == {"turns[1].role", "turns[2].role"}
    assert "is required" in fields["turns[1].role"][0]
    assert "must be one of" in fields["turns[2].role"][0]
    assert not Message.objects.exists()


def test_the_older_user_role_stands_for_the_subject(subject):
    analyst = subject_create(tenant_id=1, kind="analyst")
    for who in (subject, analyst):
        transcript_import(subject=who, turns=[crm_turn(0, "Priya", "user", "Hi")])
    assert dict(Message.objects.values_list("subject__kind", "speaker_role")) == {
        "client": "client",
        "analyst": "analyst",
    }


def test_a_chat_turn_records_who_typed_it_and_refuses_a_mismatch(subject):
    conversation = conversation_start(subject=subject)
    typed = message_append(
        conversation=conversation,
        role="user",
        speaker="Dana Reyes",
        speaker_role="advisor",
        text="Marcus sold his Apple this morning.",
        extract=False,
    )
    assert typed.speaker_role == "advisor"
    episode = Memory.objects.get(kind="episode")
    assert episode.payload["speaker_role"] == "advisor"
    with pytest.raises(InvalidMemory, match="speaker_role"):
        message_append(
            conversation=conversation,
            role="assistant",
            speaker="twin",
            speaker_role="client",
            text="Noted.",
        )
