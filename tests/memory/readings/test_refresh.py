"""The refresh: events, no-ops, chunks and threads, tenants, time travel."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from memory.ledger.canonical import canonical, content_digest_of_texts, reason_text
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import (
    MarketAlert,
    Memory,
    MemoryEvent,
)
from memory.readings.alerts import alerts_open
from memory.services import memory_policy_set, subject_create
from tests.market.factories import InstrumentFactory
from tests.memory.readings.helpers import (
    OPEN,
    STATED,
    holding,
    reading,
    refresh,
    store_quote,
    view,
)

pytestmark = pytest.mark.django_db


def test_a_refresh_appends_one_event_per_changed_memory_and_the_chain_verifies(
    aapl, tsla, subject
):
    other = subject_create(tenant_id=1, kind="client")
    store_quote("AAPL", "100", STATED)
    store_quote("TSLA", "200", STATED)
    first = holding(subject, quantity=1)
    second = view(subject, stance="bearish", target_price=150)
    third = holding(other, quantity=5)
    store_quote("AAPL", "101", OPEN)
    store_quote("TSLA", "199", OPEN)
    before = MemoryEvent.objects.count()

    report = refresh()

    assert report.events == 3 and report.changed == 3 and report.subjects == 2
    events = MemoryEvent.objects.filter(action="refresh").order_by("pk")
    assert MemoryEvent.objects.count() == before + 3
    assert sorted(e.memory_id for e in events) == sorted(
        [first.pk, second.pk, third.pk]
    )
    for event in events:
        memory = Memory.objects.get(pk=event.memory_id)
        assert event.cause_type == "refresh"
        # A refresh records what it changes, the reading, and nothing else.
        assert event.before == {"reading": {}}
        assert event.after == {"reading": memory.reading}
        assert event.reason.startswith(memory.reading["instrument"])
        assert event.tenant_id == 1
    assert chain_verify(subject).ok
    assert chain_verify(other).ok

    # A later refresh with a new price records the old reading as "before".
    store_quote("AAPL", "102", OPEN + timedelta(minutes=1))
    refresh(now=OPEN + timedelta(minutes=1))
    last = MemoryEvent.objects.filter(memory=first).latest("sequence")
    assert last.before["reading"]["price"] == "101.00"
    assert last.after["reading"]["price"] == "102.00"
    assert chain_verify(subject).ok


def test_refreshing_twice_with_the_same_quotes_appends_nothing(aapl, subject):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    store_quote("AAPL", "101", OPEN)

    first = refresh()
    count = MemoryEvent.objects.count()
    second = refresh(now=OPEN + timedelta(minutes=3))

    assert first.events == 1
    assert second.events == 0 and second.changed == 0 and second.read == 1
    assert MemoryEvent.objects.count() == count


def test_a_refresh_pauses_the_cycle_collector_and_leaves_it_as_it_found_it(
    aapl, subject
):
    import gc

    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    store_quote("AAPL", "101", OPEN)
    during = []

    refresh(progress=lambda report: during.append(gc.isenabled()))

    assert during == [False] and gc.isenabled()
    gc.disable()
    try:
        store_quote("AAPL", "102", OPEN + timedelta(minutes=5))
        assert refresh(now=OPEN + timedelta(minutes=5)).events == 1
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_refresh_inside_a_transaction_gives_back_its_planner_settings(aapl, subject):
    """A chunk plans its joins as probes; its caller's transaction plans as before."""
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    store_quote("AAPL", "101", OPEN)

    def settings(cursor):
        cursor.execute(
            "SELECT current_setting('enable_hashjoin'), "
            "current_setting('max_parallel_workers_per_gather')"
        )
        return cursor.fetchone()

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        before = settings(cursor)
        assert refresh().events == 1
        assert settings(cursor) == before == ("on", "3")


def test_a_refresh_leaves_the_memory_row_itself_untouched(aapl, subject):
    """What was said is not rewritten, not even physically: the memory's row (its
    text, vector and index entries) stays the same tuple; the reading lives on
    the reference."""
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=3)
    store_quote("AAPL", "110", OPEN)

    def row_version():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT xmin::text FROM memory_memory WHERE id = %s", [memory.pk]
            )
            return cursor.fetchone()[0]

    before = row_version()
    assert refresh().changed == 1
    assert row_version() == before
    assert reading(memory)["market_value"] == "330.00"


def test_the_reading_is_stored_as_the_ledger_reads_it(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=3, cost_basis=90)
    store_quote("AAPL", "101.5", OPEN)
    refresh()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reading::text FROM memory_marketreference WHERE memory_id = %s",
            [memory.pk],
        )
        stored = cursor.fetchone()[0]
    event = MemoryEvent.objects.get(memory=memory, action="refresh")
    assert stored == canonical(event.after["reading"]).decode()
    assert stored.startswith('{"as_of":"') and ", " not in stored
    # And every event keeps, byte for byte, the text its digest covers.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, before::text, after::text FROM memory_memoryevent "
            "WHERE memory_id = %s",
            [memory.pk],
        )
        rows = cursor.fetchall()
    assert len(rows) == 2  # created, refreshed
    for event_id, before, after in rows:
        event = MemoryEvent.objects.get(pk=event_id)
        assert event.content_digest == content_digest_of_texts(
            before, after, reason_text(event.reason)
        )


def test_time_travel_shows_the_reading_a_memory_had_then(aapl, subject):
    from memory.ledger.replay import subject_state_as_of, subject_state_live

    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=2)
    # The ledger's times are real ones: the memory was recorded a moment ago.
    first_at = datetime.now(UTC)
    store_quote("AAPL", "101", first_at - timedelta(minutes=1))
    refresh(now=first_at)
    later = first_at + timedelta(minutes=5)
    store_quote("AAPL", "104", later - timedelta(minutes=1))
    refresh(now=later)

    then = subject_state_as_of(subject=subject, at=first_at)[memory.pk]
    assert then["reading"]["price"] == "101.00"
    assert then["text"] == memory.text
    assert "reading" not in subject_state_as_of(
        subject=subject, at=first_at - timedelta(microseconds=1)
    ).get(memory.pk, {})
    now_state = subject_state_as_of(subject=subject, at=later)
    assert now_state[memory.pk]["reading"]["price"] == "104.00"
    assert now_state == subject_state_live(subject=subject)


def test_a_superseded_memory_keeps_its_last_reading(aapl, subject):
    from memory.services import memory_supersede

    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=1)
    store_quote("AAPL", "101", OPEN)
    refresh()
    successor = memory_supersede(
        memory=memory,
        text="Holds 2 AAPL",
        payload={"instrument": "AAPL", "quantity": 2},
        cause=Cause.system("test"),
    )
    store_quote("AAPL", "130", OPEN + timedelta(hours=1))
    report = refresh(now=OPEN + timedelta(hours=1))
    # Only the successor, which holds its own reference, is read again.
    assert report.read == 1
    assert reading(memory)["price"] == "101.00"
    assert reading(successor)["price"] == "130.00"
    assert reading(successor)["market_value"] == "260.00"


# --- On read --------------------------------------------------------------------


def test_a_refresh_never_mixes_tenants(aapl):
    ours = subject_create(tenant_id=1, kind="client")
    theirs = subject_create(tenant_id=2, kind="client")
    memory_policy_set(tenant_id=2, move_threshold=Decimal("0.2"))
    store_quote("AAPL", "100", STATED)
    our_holding = holding(ours, quantity=1)
    their_holding = holding(theirs, quantity=1)
    store_quote("AAPL", "110", OPEN)

    report = refresh(tenant_id=1)
    assert report.read == 1
    assert reading(our_holding)["price"] == "110.00"
    assert reading(their_holding) == {}

    refresh()
    assert reading(their_holding)["price"] == "110.00"
    # Each firm's own policy: 10 % crosses tenant 1's 5 %, not tenant 2's 20 %.
    assert list(MarketAlert.objects.values_list("tenant_id", flat=True)) == [1]
    assert [a.memory_id for a in alerts_open(tenant_id=1)] == [our_holding.pk]
    assert list(alerts_open(tenant_id=2)) == []
    for event in MemoryEvent.objects.filter(action="refresh"):
        assert event.tenant_id == event.subject.tenant_id == event.memory.tenant_id


# --- Retrieval --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_refresh_in_chunks_on_threads_commits_each_chunk_and_every_chain(
    monkeypatch,
):
    from memory.readings import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "REFRESH_CHUNK", 2)
    InstrumentFactory(symbol="AAPL", name="Apple Inc.")
    subjects = [subject_create(tenant_id=1, kind="client") for _ in range(5)]
    store_quote("AAPL", "100", STATED)
    for subject in subjects:
        holding(subject, quantity=1)
        holding(subject, quantity=2, text="a second lot")
    store_quote("AAPL", "103", OPEN)

    report = refresh()

    assert report.read == 10 and report.events == 10 and report.subjects == 5
    assert all(chain_verify(subject).ok for subject in subjects)
    assert refresh(now=OPEN + timedelta(minutes=1)).events == 0


def test_every_chunk_reads_an_instrument_against_the_same_quote(monkeypatch, aapl):
    """A quote stored while a refresh runs waits for the next refresh."""
    from memory.readings import refresh as refresh_module

    monkeypatch.setattr(refresh_module, "REFRESH_CHUNK", 1)
    subjects = [subject_create(tenant_id=1, kind="client") for _ in range(3)]
    store_quote("AAPL", "100", STATED)
    memories = [holding(subject, quantity=1) for subject in subjects]
    store_quote("AAPL", "103", OPEN)
    stored_midway = []

    def progress(report):
        if not stored_midway:  # after the first chunk, before the others
            store_quote("AAPL", "150", OPEN + timedelta(seconds=1))
            stored_midway.append(report.read)

    report = refresh(progress=progress)

    assert stored_midway == [1] and report.read == 3 and report.instruments == 1
    assert [reading(memory)["price"] for memory in memories] == ["103.00"] * 3
    assert refresh(now=OPEN + timedelta(minutes=1)).changed == 3
