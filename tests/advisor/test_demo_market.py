"""The demo firm shows market readings, alerts and a stale reference from the start."""

import pytest
from django.core.management import call_command

from advisor.models import Firm
from memory.models import MarketAlert, MarketReference, Memory, MemoryEvent
from memory.readings.freshness import reference_freshness

pytestmark = pytest.mark.django_db


def test_the_demo_has_readings_alerts_and_a_stale_reference(capsys):
    call_command("seed_demo")
    firm = Firm.objects.get()
    references = list(
        MarketReference.objects.filter(
            tenant_id=firm.pk, memory__status="active"
        ).select_related("instrument")
    )
    assert len(references) >= 5
    assert all(r.stated_price is not None for r in references)
    holdings = Memory.objects.filter(tenant_id=firm.pk, kind="holding", status="active")
    assert holdings and all(h.reading.get("market_value") for h in holdings)
    assert all(h.reading["simulated"] for h in holdings)
    assert MarketAlert.objects.filter(tenant_id=firm.pk).exists()
    statuses = {reference_freshness(r)["status"] for r in references}
    assert "stale" in statuses

    events = MemoryEvent.objects.count()
    capsys.readouterr()
    call_command("seed_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert MemoryEvent.objects.count() == events


def test_refresh_market_command_reports_what_it_did(capsys):
    call_command("seed_demo")
    firm = Firm.objects.get()
    capsys.readouterr()

    call_command("refresh_market", "--firm", firm.slug, "--no-fetch")

    out = capsys.readouterr().out
    assert "from stored quotes" in out
    assert "References:" in out and "0 events appended" in out
