"""Alerts: each threshold crossed raises one alert, once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from memory.models import (
    MarketAlert,
    MarketReference,
)
from tests.memory.readings.helpers import (
    OPEN,
    STATED,
    holding,
    reference,
    refresh,
    store_quote,
    view,
)

pytestmark = pytest.mark.django_db


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
    from django.db import IntegrityError

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
    from django.db import IntegrityError

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
