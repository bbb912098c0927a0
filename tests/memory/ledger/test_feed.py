"""The changes feed: commit-safe cursors, thin rows, one tenant at a time.

Each writer in these tests runs in a thread of its own, on its own connection,
so transactions really are concurrent and commit when the test says.
"""

import threading

import pytest
from django.db import connection, transaction

from memory.ledger.chain import Cause
from memory.ledger.feed import START, FeedPosition, memory_events_after
from memory.models import MemoryEvent
from memory.services import memory_record, subject_create

pytestmark = pytest.mark.django_db(transaction=True)

CAUSE = Cause.task("feed-test")


def record(subject, text):
    return memory_record(
        subject=subject, kind="fact", text=text, payload={}, cause=CAUSE
    )


def read_all(tenant_id, after=START, limit=100, **kwargs):
    """Read the feed to its end from ``after``; return the events and the cursor."""
    events = []
    while True:
        page = memory_events_after(
            tenant_id=tenant_id, after=after, limit=limit, **kwargs
        )
        events += page.events
        after = page.next
        if not page.has_more:
            return events, after


class Writer(threading.Thread):
    """A transaction that records a memory, then waits to be told to commit."""

    def __init__(self, subject, text):
        super().__init__()
        self.subject, self.text = subject, text
        self.written = threading.Event()
        self.commit = threading.Event()
        self.event_id = None
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                memory = record(self.subject, self.text)
                self.event_id = MemoryEvent.objects.get(memory=memory).pk
                self.written.set()
                assert self.commit.wait(timeout=30)
        except Exception as error:  # reported to the test
            self.error = error
            self.written.set()
        finally:
            connection.close()


def test_a_cursor_never_skips_a_transaction_that_commits_late():
    first_subject = subject_create(tenant_id=7, kind="client")
    second_subject = subject_create(tenant_id=7, kind="client")
    _, cursor = read_all(7)

    early = Writer(first_subject, "drew its id first, commits last")
    late = Writer(second_subject, "drew its id second, commits first")
    early.start()
    assert early.written.wait(timeout=30)
    late.start()
    assert late.written.wait(timeout=30)
    assert early.event_id < late.event_id  # ids drawn in this order...
    late.commit.set()
    late.join(timeout=30)  # ...committed in the other

    # What a plain `id > cursor` reader would now serve, and then skip past:
    assert MemoryEvent.objects.filter(pk=late.event_id).exists()
    seen, cursor = read_all(7, after=cursor)
    # The feed waits for the earlier transaction instead of skipping it.
    assert seen == []

    early.commit.set()
    early.join(timeout=30)
    assert early.error is None and late.error is None
    seen, cursor = read_all(7, after=cursor)
    assert [e.id for e in seen] == [early.event_id, late.event_id]
    again, _ = read_all(7, after=cursor)
    assert again == []


def test_a_rolled_back_writer_neither_stalls_nor_appears():
    subject = subject_create(tenant_id=8, kind="client")
    _, cursor = read_all(8)

    def doomed():
        try:
            with transaction.atomic():
                record(subject, "never committed")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=doomed)
    thread.start()
    thread.join(timeout=30)
    kept = record(subject, "committed")
    seen, _ = read_all(8, after=cursor)
    assert [e.memory_id for e in seen] == [kept.pk]


def test_pages_follow_one_another_exactly_and_stay_thin():
    subject = subject_create(tenant_id=9, kind="client")
    other_firm = subject_create(tenant_id=10, kind="client")
    memories = [record(subject, f"Fact {i}") for i in range(7)]
    record(other_firm, "another firm's fact")
    seen, _ = read_all(9, limit=3)
    assert [e.memory_id for e in seen] == [m.pk for m in memories]
    assert {e.subject_id for e in seen} == {subject.pk}
    assert {e.action for e in seen} == {"create"}
    assert all(e.memory_kind == "fact" for e in seen)
    # Thin: ids, action, times and cause; never what was said.
    assert "text" not in seen[0]._fields and "after" not in seen[0]._fields
    only_mine, _ = read_all(9, subject_ids=[other_firm.pk])
    assert only_mine == []


def test_cursors_round_trip_and_refuse_what_they_are_not():
    position = FeedPosition(123456789, 42)
    assert FeedPosition.decode(position.encode()) == position
    for bad in ["", "x", "djE6YWJjOmRlZg", "a" * 100, "djI6MTox"]:
        with pytest.raises(ValueError):
            FeedPosition.decode(bad)
