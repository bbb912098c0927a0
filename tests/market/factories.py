"""Factories for instruments and quotes."""

from datetime import UTC, datetime
from decimal import Decimal

import factory

from market import services
from market.models import Instrument, Quote, QuoteSource


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    symbol = factory.Sequence(lambda n: f"TST{n}")
    name = factory.LazyAttribute(lambda o: f"{o.symbol} Corporation")
    aliases = factory.LazyFunction(list)
    sector = "Information Technology"
    currency = "USD"
    exchange = "NASDAQ"
    exchange_timezone = "America/New_York"
    reference_price = Decimal("100.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.instruments_ensure(specs=[kwargs])[0]


class QuoteFactory(factory.django.DjangoModelFactory):
    """Store a quote directly, as a past refresh would have left it."""

    class Meta:
        model = Quote

    instrument = factory.SubFactory(InstrumentFactory)
    price = Decimal("100.00")
    currency = "USD"
    as_of = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    source = QuoteSource.FIXED
