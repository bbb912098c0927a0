"""The quote provider fails every way it does; the last known quote stays.

Each fault goes through the real yfinance adapter (its ``download`` answering as
``yf.download`` does in that fault) and the whole periodic sync: a timeout, a
rate limit that will not lift (429), garbage prices, and all-NaN columns. In
every case the memory's reading keeps the last good quote and says how old it
is, provider health says why, and no price of zero (or less) is ever stored.
"""

from datetime import timedelta
from decimal import Decimal

import pandas as pd
import pytest
import requests
from django.utils import timezone
from yfinance.exceptions import YFRateLimitError

from market.models import ProviderHealth, Quote
from market.providers.yfinance import YFinanceProvider
from memory.ledger.chain import Cause
from memory.models import MarketReference
from memory.readings.freshness import reference_freshness
from memory.readings.refresh import readings_refresh
from memory.readings.sync import market_sync
from memory.services import memory_record, subject_create
from tests.market import yf_frames
from tests.market.factories import InstrumentFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

LAST_PRICE = Decimal("185.00")


def timeout(kwargs):
    raise requests.exceptions.ReadTimeout(
        "HTTPSConnectionPool(host='query2.finance.yahoo.com'): Read timed out."
    )


def rate_limited(kwargs):
    raise YFRateLimitError()


def garbage(kwargs):
    rows = [(pd.Timestamp("2026-03-10 14:58"), -4.0, 1.0, -9.0, -4.0, 10)]
    frame = yf_frames.history(rows)
    frame.loc[:, "Close"] = [0.0]
    return yf_frames.download({"AAPL": frame})


def all_nan(kwargs):
    return yf_frames.download({symbol: None for symbol in kwargs["tickers"]})


FAULTS = {
    "timeout": (timeout, "ReadTimeout"),
    "rate limit": (rate_limited, "rate limit"),
    "garbage": (garbage, "not positive"),
    "all NaN": (all_nan, "no data"),
}


@pytest.fixture
def held_apple():
    """A client's AAPL holding, read against a quote two hours old."""
    aapl = InstrumentFactory(symbol="AAPL", reference_price=Decimal("180"))
    now = timezone.now()
    Quote.objects.create(
        instrument=aapl,
        price=LAST_PRICE,
        currency="USD",
        as_of=now - timedelta(hours=2),
        source="yfinance",
    )
    subject = subject_create(tenant_id=1, kind="client")
    memory = memory_record(
        subject=subject,
        kind="holding",
        text="Holds 200 AAPL in the IRA",
        payload={"instrument": "AAPL", "quantity": 200, "account": "ira"},
        cause=Cause.user(7),
    )
    readings_refresh()
    reference = MarketReference.objects.get(memory=memory)
    assert reference.last_price == LAST_PRICE
    return reference


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_provider_keeps_the_last_quote_and_says_why(held_apple, fault):
    answer, why = FAULTS[fault]
    calls = []

    def download(**kwargs):
        calls.append(kwargs)
        return answer(kwargs)

    provider = YFinanceProvider(
        download=download,
        sleep=lambda seconds: None,
        cooldown_until=lambda: None,
        chunk_pause_seconds=0,
    )

    report = market_sync(provider=provider)

    assert calls, "the provider was asked"
    assert report.provider_errors or report.quotes_rejected
    # The last known quote stays, and still serves the reading.
    assert list(Quote.objects.values_list("price", flat=True)) == [LAST_PRICE]
    assert not Quote.objects.filter(price__lte=0).exists()
    reference = MarketReference.objects.get(pk=held_apple.pk)
    assert reference.last_price == LAST_PRICE
    assert reference.reading["market_value"] not in (None, 0, "0", "0.00")
    # Its age is shown.
    freshness = reference_freshness(reference, now=timezone.now())
    assert freshness["age"] == "2 hours"
    # Provider health says why.
    health = ProviderHealth.objects.get(provider="yfinance")
    assert health.consecutive_failures >= 1 and health.last_success_at is None
    assert why.lower() in health.last_error.lower(), health.last_error
    if fault == "rate limit":
        assert health.cooldown_until is not None
