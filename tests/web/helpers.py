"""Helpers of the page tests: memories of a client, an analyst with views."""

from datetime import timedelta

from django.utils import timezone

from market.providers.simulated import SimulatedProvider
from market.services import bars_backfill, quotes_fetch
from memory.ledger.chain import Cause
from memory.readings.references import references_sync
from memory.readings.refresh import readings_refresh
from memory.services import memory_record, memory_supersede
from tests.market.factories import InstrumentFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def remember(subject, kind="fact", text="Second grandchild born in May", **fields):
    payload = fields.pop("payload", {})
    return memory_record(
        subject=subject,
        kind=kind,
        text=text,
        payload=payload,
        cause=Cause.system("test"),
        **fields,
    )


def analyst_with_views(analyst, *, days_ago=60):
    """Give an analyst a bullish NVDA view with a target, a bearish TSLA view,
    a superseded NVDA view, daily bars and a quote for each."""
    for symbol, price in (("NVDA", "120.00"), ("TSLA", "250.00")):
        InstrumentFactory(symbol=symbol, name=f"{symbol} Inc.", reference_price=price)
    subject = analyst.analyst_profile.subject
    stated = timezone.now() - timedelta(days=days_ago)
    older = remember(
        subject,
        "view",
        "Bullish on NVDA, target $140",
        payload={"instrument": "NVDA", "stance": "bullish", "target_price": 140},
        key="view:NVDA",
        valid_from=stated - timedelta(days=30),
    )
    nvda = memory_supersede(
        memory=older,
        cause=Cause.system("test"),
        text="Bullish on NVDA, target $160 within 12 months",
        payload={
            "instrument": "NVDA",
            "stance": "bullish",
            "target_price": 160,
            "horizon_months": 12,
        },
        valid_from=stated,
    )
    tsla = remember(
        subject,
        "view",
        "Bearish on TSLA, target $150",
        payload={"instrument": "TSLA", "stance": "bearish", "target_price": 150},
        key="view:TSLA",
        valid_from=stated,
    )
    references_sync(memories=[older, nvda, tsla])
    provider = SimulatedProvider()
    bars_backfill(symbols=["NVDA", "TSLA"], days=days_ago + 45, provider=provider)
    quotes_fetch(symbols=["NVDA", "TSLA"], provider=provider)
    readings_refresh(tenant_id=subject.tenant_id, now=timezone.now())
    return {"nvda": nvda, "nvda_old": older, "tsla": tsla, "subject": subject}
