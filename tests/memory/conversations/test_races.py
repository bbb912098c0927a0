"""Concurrent turns on one subject, and a rollback racing a late extraction.

Each thread has its own database connection; the transactions really commit.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from memory import background
from memory.conversations.rollback import conversation_rollback
from memory.extraction.pipeline import message_extract
from memory.ledger.verify import chain_verify
from memory.models import Memory, MemoryEvent, Message, MessageRole
from tests.factories import ClientFactory, UserFactory
from tests.memory.assistant.helpers import ask, marcus_memories, start_chat
from tests.memory.test_concurrency import run_threads

pytestmark = pytest.mark.django_db(transaction=True)

TURNS = 20


@pytest.fixture
def queued(monkeypatch):
    """Hold queued tasks instead of running them: the worker is late."""
    held = []
    monkeypatch.setattr(background, "send", lambda name, *a, **k: held.append(name))
    return held


@pytest.fixture
def setting():
    advisor = UserFactory()
    client = ClientFactory(advisor=advisor, name="Marcus Chen")
    marcus_memories(client.subject)
    return advisor, client, start_chat(client.subject)


def test_twenty_concurrent_turns_on_one_subject_leave_one_valid_chain(setting, queued):
    advisor, client, chat = setting
    start = threading.Barrier(TURNS)

    def turn(i):
        start.wait(timeout=30)
        ask(chat, advisor, f"Question {i}: what does Marcus hold?")

    assert run_threads(turn, TURNS) == []
    subject = client.subject
    report = chain_verify(subject)
    assert report.ok, report.problem
    messages = list(Message.objects.filter(conversation=chat))
    assert len(messages) == 2 * TURNS
    # One line of turns, never a fork: every message has at most one child.
    parents = [m.parent_id for m in messages]
    assert len(set(parents)) == len(parents)
    by_id = {m.pk: m for m in messages}
    for message in messages:
        if message.role == MessageRole.ASSISTANT:
            assert by_id[message.parent_id].role == MessageRole.USER
            assert message.citations and not message.failure_reason
    chat.refresh_from_db()
    assert chat.head_id not in set(parents)
    episodes = Memory.objects.filter(subject=subject, kind="episode").count()
    assert episodes == 2 * TURNS
    assert queued.count("memory.message_extract") == TURNS


def statement_turn(setting):
    """A question, then a statement whose extraction has not run yet."""
    advisor, client, chat = setting
    first = ask(chat, advisor, "What does Marcus hold?")
    late = ask(chat, advisor, "Marcus avoids tobacco stocks.")
    return first, late


def test_an_extraction_holding_the_lock_is_then_rolled_back(setting, queued):
    advisor, client, chat = setting
    first, late = statement_turn(setting)
    extracted, release = threading.Event(), threading.Event()
    reports = []

    def extraction(_):
        with transaction.atomic():
            message_extract(message=late.message)
            extracted.set()
            release.wait(timeout=30)

    def rollback(_):
        reports.append(
            conversation_rollback(
                conversation=chat, to_message=first.reply, user_id=advisor.pk
            )
        )

    worker = threading.Thread(target=lambda: run_threads(extraction, 1))
    worker.start()
    assert extracted.wait(timeout=30)
    roller = threading.Thread(target=lambda: run_threads(rollback, 1))
    roller.start()
    time.sleep(0.5)
    assert not reports, "the rollback waited for the extraction's lock"
    release.set()
    worker.join(timeout=30)
    roller.join(timeout=30)
    (report,) = reports
    tobacco = Memory.objects.get(subject=client.subject, key__contains="tobacco")
    assert (tobacco.pk, "retract") in {(r.memory, r.action) for r in report.reverted}
    assert tobacco.status == "retracted"
    assert chain_verify(client.subject).ok


def test_an_extraction_arriving_after_the_rollback_does_nothing(setting, queued):
    advisor, client, chat = setting
    first, late = statement_turn(setting)
    conversation_rollback(conversation=chat, to_message=first.reply, user_id=advisor.pk)
    events = MemoryEvent.objects.filter(subject=client.subject).count()
    report = message_extract(message=late.message)
    assert report.skipped == ["the message was rolled back"]
    assert MemoryEvent.objects.filter(subject=client.subject).count() == events
    assert not Memory.objects.filter(key__contains="tobacco").exists()


def test_a_rollback_and_an_extraction_started_together_agree(setting, queued):
    advisor, client, chat = setting
    first, late = statement_turn(setting)
    start = threading.Barrier(2)

    def race(i):
        start.wait(timeout=30)
        if i == 0:
            message_extract(message=late.message)
        else:
            conversation_rollback(
                conversation=chat, to_message=first.reply, user_id=advisor.pk
            )

    assert run_threads(race, 2) == []
    # Whichever went first, nothing the rolled-back message said is in force.
    assert not Memory.objects.filter(
        subject=client.subject, key__contains="tobacco", status="active"
    ).exists()
    assert chain_verify(client.subject).ok
    connection.close()
