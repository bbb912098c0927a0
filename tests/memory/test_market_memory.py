"""Market-aware memory: references, readings, staleness, alerts, on-read freshness."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from market import services as market_services
from market.models import ProviderHealth, Quote
from market.providers import ProviderCoolingDown, ProviderError
from market.providers.fixed import FixedProvider
from memory.conversations.messages import conversation_start, message_append
from memory.extraction.pipeline import message_extract
from memory.ledger.canonical import canonical, content_digest_of_texts, iso
from memory.ledger.chain import Cause
from memory.ledger.verify import chain_verify
from memory.models import (
    MarketAlert,
    MarketReference,
    Memory,
    MemoryEvent,
    StatedPriceSource,
)
from memory.readings.alerts import alerts_open
from memory.readings.freshness import memories_fresh_for_reply, reference_freshness
from memory.readings.references import references_sync
from memory.readings.refresh import readings_refresh
from memory.readings.sync import market_sync
from memory.recall.search import memory_search
from memory.services import memory_policy_set, memory_record, subject_create
from memory.tasks import market_sync_task
from tests.market.factories import InstrumentFactory

pytestmark = pytest.mark.django_db

# A Tuesday, 11:00 in New York: the market trades.
OPEN = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
# A Saturday: it does not.
CLOSED = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
STATED = OPEN - timedelta(days=1)


@pytest.fixture
def aapl():
    return InstrumentFactory(symbol="AAPL", name="Apple Inc.")


@pytest.fixture
def tsla():
    return InstrumentFactory(symbol="TSLA", name="Tesla, Inc.")


@pytest.fixture
def subject():
    return subject_create(tenant_id=1, kind="client")


def store_quote(symbol: str, price, as_of: datetime) -> None:
    """Store a quote the way a refresh does: through the fixed provider."""
    report = market_services.quotes_fetch(
        symbols=[symbol], provider=FixedProvider({symbol: price}, as_of=as_of)
    )
    assert report.stored == [symbol], report


def remember(subject, kind: str, payload: dict, *, stated_at=STATED, text=None):
    memory = memory_record(
        subject=subject,
        kind=kind,
        text=text or f"{kind} of {payload.get('instrument')}",
        payload=payload,
        cause=Cause.system("test"),
        valid_from=stated_at,
        recorded_at=stated_at,
    )
    references_sync(memories=[memory])
    return memory


def holding(subject, **payload):
    return remember(subject, "holding", {"instrument": "AAPL", **payload})


def view(subject, **payload):
    return remember(subject, "view", {"instrument": "TSLA", **payload})


def reading(memory) -> dict:
    return Memory.objects.get(pk=memory.pk).reading


def reference(memory) -> MarketReference:
    return MarketReference.objects.select_related("instrument").get(memory=memory)


def refresh(now=OPEN, **kwargs):
    return readings_refresh(now=now, **kwargs)


# --- References and stated prices ------------------------------------------------


def test_a_reference_takes_the_quote_known_when_the_memory_was_stated(aapl, subject):
    store_quote("AAPL", "95", STATED - timedelta(days=2))
    store_quote("AAPL", "100", STATED - timedelta(minutes=5))
    store_quote("AAPL", "120", STATED + timedelta(hours=1))  # after: not the stated

    ref = reference(holding(subject, quantity=10, cost_basis=50))

    assert ref.stated_price == Decimal("100")
    assert ref.stated_price_source == StatedPriceSource.QUOTE_AT_STATEMENT
    assert ref.stated_price_as_of == STATED - timedelta(minutes=5)
    assert ref.stated_at == STATED
    assert ref.tenant_id == subject.tenant_id and ref.subject_id == subject.pk


def test_without_a_quote_then_the_first_quote_after_is_used_and_said(aapl, subject):
    memory = holding(subject, quantity=10)
    assert reference(memory).stated_price is None
    assert reference(memory).stated_price_source == StatedPriceSource.PENDING

    store_quote("AAPL", "130", OPEN)
    report = refresh()

    ref = reference(memory)
    assert report.stated_prices_filled == 1
    assert ref.stated_price == Decimal("130")
    assert ref.stated_price_source == StatedPriceSource.FIRST_QUOTE_AFTER
    assert reading(memory)["stated_price"] == "130.00"


def test_a_holding_recorded_by_hand_gets_its_reference_and_is_read_once_committed(
    aapl, subject, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    store_quote("AAPL", "104", datetime.now(UTC) - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        memory = memory_record(
            subject=subject,
            kind="holding",
            text="Holds 10 AAPL",
            payload={"instrument": "AAPL", "quantity": 10},
            cause=Cause.user(7),
            valid_from=STATED,
        )
        # The write itself waits on no refresh.
        assert reading(memory) == {}

    assert len(callbacks) == 1
    assert reference(memory).stated_price == Decimal("100")
    assert reading(memory)["price"] == "104.00"
    assert reading(memory)["market_value"] == "1040.00"
    event = MemoryEvent.objects.get(memory=memory, action="refresh")
    assert event.cause_ref == "memory changed"


def test_correcting_a_holding_s_instrument_moves_its_reference(
    aapl, tsla, subject, django_capture_on_commit_callbacks
):
    from memory.services import memory_update

    store_quote("AAPL", "100", STATED)
    store_quote("TSLA", "200", STATED)
    memory = holding(subject, quantity=2)
    store_quote("AAPL", "110", OPEN)
    refresh()
    assert reading(memory)["instrument"] == "AAPL"

    with django_capture_on_commit_callbacks(execute=True):
        memory_update(
            memory=memory,
            payload={"instrument": "TSLA", "quantity": 2},
            text="Holds 2 TSLA",
            cause=Cause.user(7),
        )

    moved = reference(memory)
    assert moved.instrument.symbol == "TSLA"
    assert moved.stated_price == Decimal("200")
    assert moved.crossed == [] or all("TSLA" not in key for key in moved.crossed)
    # The AAPL reading ended with its own event; the TSLA one followed.
    refreshes = list(
        MemoryEvent.objects.filter(memory=memory, action="refresh").order_by("sequence")
    )
    ended = [e for e in refreshes if e.after == {"reading": {}}]
    assert len(ended) == 1 and "from AAPL to TSLA" in ended[0].reason
    assert reading(memory)["instrument"] == "TSLA"
    assert reading(memory)["price"] == "200.00"
    assert chain_verify(subject).ok


def test_a_moved_reference_raises_its_new_instrument_s_alerts(
    aapl, tsla, subject, django_capture_on_commit_callbacks
):
    """AAPL rose past 5 %; corrected to TSLA, TSLA rising past 5 % is news too."""
    from memory.services import memory_update

    store_quote("AAPL", "100", STATED)
    store_quote("TSLA", "200", STATED)
    memory = holding(subject, quantity=2)
    store_quote("AAPL", "110", OPEN)
    assert refresh().alerts == 1
    with django_capture_on_commit_callbacks(execute=True):
        memory_update(
            memory=memory,
            payload={"instrument": "TSLA", "quantity": 2},
            text="Holds 2 TSLA",
            cause=Cause.user(7),
        )

    store_quote("TSLA", "220", OPEN + timedelta(hours=1))
    assert refresh(now=OPEN + timedelta(hours=1)).alerts == 1

    alerts = MarketAlert.objects.order_by("pk")
    assert [(a.instrument.symbol, a.threshold_key) for a in alerts] == [
        ("AAPL", "up:5%"),
        ("TSLA", "up:5%"),
    ]
    assert "TSLA rose 10%" in alerts[1].message
    store_quote("TSLA", "225", OPEN + timedelta(hours=2))
    assert refresh(now=OPEN + timedelta(hours=2)).alerts == 0


def test_extraction_gives_a_stated_holding_its_reference(aapl, subject):
    store_quote("AAPL", "180", datetime.now(UTC) - timedelta(minutes=1))
    conversation = conversation_start(subject=subject)
    message = message_append(
        conversation=conversation,
        role="user",
        speaker="client",
        text="I bought 200 shares of Apple at $150 in my IRA.",
        extract=False,
    )
    message_extract(message=message)

    ref = MarketReference.objects.get(subject=subject)
    assert ref.memory.kind == "holding"
    assert ref.instrument.symbol == "AAPL"
    assert ref.stated_price == Decimal("180")  # the market's price, not the cost
    assert ref.memory.payload["cost_basis"] == 150


# --- Derived values --------------------------------------------------------------


def test_a_holding_reads_its_market_value_and_unrealised_gain(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=200, cost_basis=150, account="ira")
    store_quote("AAPL", "190.5", OPEN)

    refresh()

    assert reading(memory) == {
        "instrument": "AAPL",
        "price": "190.50",
        "currency": "USD",
        "as_of": iso(OPEN),
        "source": "fixed",
        "simulated": False,
        "stated_price": "100.00",
        "move_since_stated": 0.905,
        "quantity": 200,
        "cost_basis": "150.00",
        "market_value": "38100.00",
        "unrealised_gain": "8100.00",
        "unrealised_gain_pct": 0.27,
    }
    after = Memory.objects.get(pk=memory.pk)
    # What was said stays: only the reading moves.
    assert after.text == memory.text and after.payload == memory.payload


def test_a_holding_without_cost_basis_has_no_gain(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=3)
    store_quote("AAPL", "90", OPEN)
    refresh()
    assert reading(memory)["market_value"] == "270.00"
    assert "unrealised_gain" not in reading(memory)
    assert reading(memory)["move_since_stated"] == -0.1


def test_a_view_reads_its_move_and_distance_to_target(tsla, subject):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=200)
    store_quote("TSLA", "125", OPEN)

    refresh()

    got = reading(memory)
    assert got["move_since_stated"] == 0.25
    assert got["distance_to_target"] == 0.6  # (200 - 125) / 125
    assert got["target_reached"] is False
    assert got["invalidated"] is False
    assert got["stance"] == "bullish" and got["target_price"] == "200.00"


@pytest.mark.parametrize(
    ("stance", "target", "price", "reached"),
    [
        ("bullish", 120, "119.99", False),
        ("bullish", 120, "120", True),
        ("bearish", 80, "80.01", False),
        ("bearish", 80, "80", True),
    ],
)
def test_target_reached_at_the_target_in_the_view_direction(
    tsla, subject, stance, target, price, reached
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance=stance, target_price=target)
    store_quote("TSLA", price, OPEN)
    refresh()
    assert reading(memory)["target_reached"] is reached
    assert MarketAlert.objects.filter(kind="target_reached").exists() is reached


@pytest.mark.parametrize(
    ("stance", "price", "invalidated"),
    [
        ("bullish", "90", False),  # exactly twice the 5 % threshold: not more
        ("bullish", "89.99", True),
        ("bearish", "110", False),
        ("bearish", "110.01", True),
        ("neutral", "89.99", True),
        ("neutral", "110.01", True),
        ("neutral", "109", False),
    ],
)
def test_a_view_is_invalidated_by_a_move_against_it_beyond_twice_the_threshold(
    tsla, subject, stance, price, invalidated
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance=stance)
    store_quote("TSLA", price, OPEN)
    refresh()
    got = reading(memory)
    assert got["invalidated"] is invalidated
    assert bool(got["invalidated_reason"]) is invalidated
    assert MarketAlert.objects.filter(kind="invalidated").exists() is invalidated


def test_a_view_is_invalidated_when_its_horizon_passes_without_the_target(
    tsla, subject
):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=150, horizon_months=1)
    store_quote("TSLA", "101", OPEN)

    refresh(now=STATED + timedelta(days=20))
    assert reading(memory)["invalidated"] is False
    assert reading(memory)["horizon_date"] == "2026-04-09"

    refresh(now=datetime(2026, 4, 10, 12, tzinfo=UTC))
    assert reading(memory)["invalidated"] is True
    assert "horizon" in reading(memory)["invalidated_reason"]


def test_a_reached_target_is_not_invalidated_by_a_later_fall(tsla, subject):
    store_quote("TSLA", "100", STATED)
    memory = view(subject, stance="bullish", target_price=110)
    store_quote("TSLA", "111", OPEN)
    refresh()
    store_quote("TSLA", "80", OPEN + timedelta(hours=1))
    refresh(now=OPEN + timedelta(hours=1))
    assert reading(memory)["target_reached"] is True
    assert reading(memory)["invalidated"] is False


# --- Staleness -------------------------------------------------------------------


def read_at(subject, price, as_of, *, now):
    store_quote("AAPL", price, as_of)
    refresh(now=now)
    return reference(MarketReference.objects.get(subject=subject).memory)


def test_stale_by_age_exactly_at_the_market_hours_limit_is_fresh(aapl, subject):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "100", OPEN, now=OPEN)

    at_limit = reference_freshness(ref, now=OPEN + timedelta(minutes=15))
    past_limit = reference_freshness(ref, now=OPEN + timedelta(minutes=15, seconds=1))

    assert at_limit["status"] == "fresh" and at_limit["reasons"] == []
    assert past_limit["status"] == "stale"
    assert past_limit["age_seconds"] == 15 * 60 + 1
    assert "old" in past_limit["reasons"][0]


def test_stale_by_age_uses_the_closed_market_limit_and_the_firm_policy(aapl, subject):
    memory_policy_set(tenant_id=1, stale_after_minutes=60)
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "100", CLOSED, now=CLOSED)

    assert reference_freshness(ref, now=CLOSED + timedelta(minutes=60))["status"] == (
        "fresh"
    )
    late = reference_freshness(ref, now=CLOSED + timedelta(minutes=61))
    assert late["status"] == "stale"
    assert late["max_age_seconds"] == 3600


@pytest.mark.parametrize(
    ("price", "status"),
    [("105", "fresh"), ("105.01", "stale"), ("95", "fresh"), ("94.99", "stale")],
)
def test_stale_by_a_move_beyond_the_threshold(aapl, subject, price, status):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, price, OPEN, now=OPEN)
    freshness = reference_freshness(ref, now=OPEN)
    assert freshness["status"] == status
    assert freshness["move_since_stated"] == float(Decimal(price) / 100 - 1)


def test_a_tighter_firm_threshold_makes_a_smaller_move_stale(aapl, subject):
    memory_policy_set(tenant_id=1, move_threshold=Decimal("0.02"))
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=1)
    ref = read_at(subject, "102.5", OPEN, now=OPEN)
    assert reference_freshness(ref, now=OPEN)["status"] == "stale"


# --- Alerts ------------------------------------------------------------------------


def test_a_move_alert_fires_exactly_once_across_three_refreshes(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)

    prices = ["104", "106", "107"]
    raised = []
    for hour, price in enumerate(prices, start=1):
        now = OPEN + timedelta(hours=hour)
        store_quote("AAPL", price, now)
        raised.append(refresh(now=now).alerts)

    assert raised == [0, 1, 0]
    (alert,) = MarketAlert.objects.all()
    assert alert.kind == "moved_beyond_threshold"
    assert alert.threshold_key == "up:5%"
    assert alert.price == Decimal("106")
    assert alert.memory_id == memory.pk and alert.tenant_id == 1
    assert "AAPL rose 6%" in alert.message
    assert reference(memory).crossed == ["moved_beyond_threshold:up:5%"]


def test_a_target_alert_fires_once_even_if_the_price_crosses_back(tsla, subject):
    store_quote("TSLA", "100", STATED)
    view(subject, stance="bullish", target_price=105)
    for hour, price in enumerate(["106", "104", "106"], start=1):
        store_quote("TSLA", price, OPEN + timedelta(hours=hour))
        refresh(now=OPEN + timedelta(hours=hour))
    assert MarketAlert.objects.filter(kind="target_reached").count() == 1
    assert MarketAlert.objects.filter(kind="moved_beyond_threshold").count() == 1


def test_alerts_are_unique_per_reference_kind_and_threshold(aapl, subject):
    from django.db import IntegrityError, transaction

    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=1)
    store_quote("AAPL", "120", OPEN)
    refresh()
    alert = MarketAlert.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MarketAlert.objects.create(
            tenant_id=1,
            subject=subject,
            memory=memory,
            reference=alert.reference,
            instrument=alert.instrument,
            kind=alert.kind,
            threshold_key=alert.threshold_key,
            message="again",
            price=Decimal("121"),
        )


def test_the_database_refuses_to_delete_a_reference_an_alert_names(aapl, tsla, subject):
    from django.db import IntegrityError, transaction

    store_quote("AAPL", "100", STATED)
    alerted, quiet = holding(subject, quantity=1), view(subject, stance="neutral")
    store_quote("AAPL", "120", OPEN)
    refresh()
    alert = MarketAlert.objects.get(memory=alerted)
    assert not MarketAlert.objects.filter(memory=quiet).exists()

    with pytest.raises(IntegrityError, match="market alerts name reference"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM memory_marketreference WHERE id = %s",
                [alert.reference_id],
            )
    assert MarketReference.objects.filter(pk=alert.reference_id).exists()
    # A reference no alert names can go (an erasure deletes alerts first).
    assert reference(quiet).alerts.count() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM memory_marketreference WHERE id = %s", [reference(quiet).pk]
        )
    assert not MarketReference.objects.filter(memory=quiet).exists()


# --- Ledger --------------------------------------------------------------------


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
        assert event.content_digest == content_digest_of_texts(before, after)


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


@pytest.fixture
def no_provider(monkeypatch):
    """A provider that records any call; the on-read path must make none."""
    provider = FixedProvider({"AAPL": "1"})
    monkeypatch.setattr(market_services, "get_provider", lambda *args: provider)
    return provider


def test_on_read_applies_the_newest_stored_quote_without_a_provider(
    aapl, subject, no_provider, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    store_quote("AAPL", "101", OPEN - timedelta(hours=1))
    refresh(now=OPEN - timedelta(hours=1))
    store_quote("AAPL", "102", OPEN - timedelta(minutes=5))

    with django_capture_on_commit_callbacks() as callbacks:
        (fresh,) = memories_fresh_for_reply(memories=[memory], now=OPEN)

    assert no_provider.calls == []
    assert fresh["memory_id"] == memory.pk
    assert fresh["applied"] is True
    assert fresh["status"] == "fresh" and fresh["price"] == "102.00"
    assert fresh["age_seconds"] == 300 and fresh["refresh_queued"] is False
    assert reading(memory)["market_value"] == "1020.00"
    assert callbacks == []


def test_on_read_with_only_an_old_quote_uses_it_says_its_age_and_queues(
    aapl, subject, no_provider, django_capture_on_commit_callbacks
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    plain = memory_record(
        subject=subject,
        kind="fact",
        text="Likes sailing",
        payload={},
        cause=Cause.system(),
    )
    now = OPEN + timedelta(hours=3)

    with django_capture_on_commit_callbacks() as callbacks:
        result = memories_fresh_for_reply(memories=[plain, memory], now=now)

    (fresh,) = result
    assert no_provider.calls == []
    assert fresh["status"] == "stale" and fresh["price"] == "100.00"
    assert fresh["age"] == "27 hours" and fresh["refresh_queued"] is True
    assert len(callbacks) == 1

    # The queued work: fetch the symbol's quote, then re-read its references.
    no_provider.set_price("AAPL", "104", as_of=datetime.now(UTC).replace(microsecond=0))
    callbacks[0]()
    assert [kind for kind, _ in no_provider.calls] == ["quotes"]
    assert reading(memory)["price"] == "104.00"


# --- Faults ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "provider",
    [
        FixedProvider({}, error=ProviderError("down")),
        # Slow: it answers only after its timeout (the pause is recorded, not slept).
        FixedProvider(
            {"AAPL": "111"},
            delay_seconds=30,
            sleep=lambda seconds: None,
            error=TimeoutError("read timed out after 30 s"),
        ),
        FixedProvider({"AAPL": float("nan")}),
        FixedProvider({"AAPL": "-5"}),
        FixedProvider({"AAPL": "0"}),
        FixedProvider(
            {},
            error=ProviderCoolingDown(
                "rate limited", until=datetime.now(UTC) + timedelta(hours=1), partial={}
            ),
        ),
    ],
    ids=["down", "slow", "nan", "negative", "zero", "rate-limited"],
)
def test_a_provider_fault_keeps_the_last_good_quote_and_loses_nothing(
    aapl, subject, provider
):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10)
    store_quote("AAPL", "110", OPEN)
    refresh()
    events = MemoryEvent.objects.count()

    report = market_sync(provider=provider, now=OPEN + timedelta(hours=2))

    assert report.quotes_stored == 0
    assert report.provider_errors or report.quotes_rejected
    assert Quote.objects.filter(instrument=aapl).latest("as_of").price == 110
    assert reading(memory)["price"] == "110.00"
    assert MemoryEvent.objects.count() == events
    freshness = reference_freshness(reference(memory), now=OPEN + timedelta(hours=2))
    assert freshness["status"] == "stale" and freshness["age"] == "2 hours"
    health = ProviderHealth.objects.get(provider="fixed")
    assert health.last_failure_at is not None or report.quotes_rejected


def test_the_market_task_retries_a_failing_provider(aapl, subject, monkeypatch):
    store_quote("AAPL", "100", STATED)
    holding(subject, quantity=10)
    broken = FixedProvider({}, error=ProviderError("down"))
    monkeypatch.setattr(market_services, "get_provider", lambda *args: broken)

    conf = market_sync_task.app.conf
    conf.task_eager_propagates = False
    try:
        result = market_sync_task.apply()
    finally:
        conf.task_eager_propagates = True

    assert result.failed() and isinstance(result.result, ProviderError)
    assert len(broken.calls) == 1 + market_sync_task.max_retries
    # The last good quote was still applied on every try.
    assert reading(Memory.objects.get(kind="holding"))["price"] == "100.00"


# --- Tenancy ---------------------------------------------------------------------


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


def test_search_hits_carry_their_market_freshness(aapl, subject):
    store_quote("AAPL", "100", STATED)
    memory = holding(subject, quantity=10, text="Holds 10 AAPL in the IRA")
    memory_record(
        subject=subject,
        kind="fact",
        text="Holds season tickets",
        payload={},
        cause=Cause.system(),
    )
    store_quote("AAPL", "100", datetime.now(UTC) - timedelta(minutes=1))
    refresh(now=datetime.now(UTC))

    hits = memory_search(subject=subject, query="holds")

    by_id = {hit.memory.pk: hit for hit in hits}
    assert by_id[memory.pk].freshness["symbol"] == "AAPL"
    assert by_id[memory.pk].freshness["price"] == "100.00"
    assert [hit.freshness for hit in hits if hit.memory.pk != memory.pk] == [None]


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
