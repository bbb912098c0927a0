"""Reads of market data. No selector ever calls a quote provider."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import Instrument, PriceBar, ProviderHealth, Quote

# Regular sessions of NYSE and NASDAQ; other exchanges are given the same hours in
# their own time zone. Holidays and early closes are ignored.
SESSION_OPEN = time(9, 30)
SESSION_CLOSE = time(16, 0)


def _symbols(symbols: Iterable[str]) -> list[str]:
    return sorted({str(symbol).strip().upper() for symbol in symbols if symbol})


def instruments_by_symbol(*, symbols: Iterable[str]) -> dict[str, Instrument]:
    """Return the known instruments among ``symbols``, keyed by symbol."""
    return {
        instrument.symbol: instrument
        for instrument in Instrument.objects.filter(symbol__in=_symbols(symbols))
    }


def instrument_reference_prices(*, symbols: Iterable[str]) -> dict[str, Decimal]:
    """Return the reference price of each known instrument that has one."""
    rows = Instrument.objects.filter(
        symbol__in=_symbols(symbols), reference_price__isnull=False
    ).values_list("symbol", "reference_price")
    return dict(rows)


def latest_quotes(
    *,
    instrument_ids: Iterable[int] | None = None,
    symbols: Iterable[str] | None = None,
    source: str | None = None,
) -> dict[str, Quote]:
    """Return the newest stored quote of each instrument, keyed by symbol.

    One query, whatever the number of instruments, and whatever the length of
    their history: each instrument's newest quote is one probe of the
    ``quote_latest`` index (a ``DISTINCT ON`` over the quotes would sort every
    quote ever stored for them). The quote's instrument is loaded with it. Pass
    ``source`` to read one provider's quotes.
    """
    if instrument_ids is None and symbols is None:
        raise ValueError("Pass instrument_ids or symbols.")
    instruments = Instrument.objects.all()
    if instrument_ids is not None:
        instruments = instruments.filter(pk__in=list(instrument_ids))
    if symbols is not None:
        instruments = instruments.filter(symbol__in=_symbols(symbols))
    newest = Quote.objects.filter(instrument=OuterRef("pk"))
    if source is not None:
        newest = newest.filter(source=source)
    newest = newest.order_by("-as_of", "-fetched_at", "-id").values("pk")[:1]
    quotes = Quote.objects.select_related("instrument").filter(
        pk__in=instruments.annotate(newest=Subquery(newest)).values("newest")
    )
    return {quote.instrument.symbol: quote for quote in quotes}


PRICE_AT_SQL = """
SELECT v.ord, q.price, q.as_of, b.close,
       (b.date + time '16:00') AT TIME ZONE i.exchange_timezone
FROM unnest(%(instruments)s::bigint[], %(moments)s::timestamptz[], %(ords)s::int[])
     AS v(instrument_id, at, ord)
JOIN market_instrument i ON i.id = v.instrument_id
LEFT JOIN LATERAL (
    SELECT price, as_of FROM market_quote
    WHERE instrument_id = v.instrument_id
      AND as_of <= v.at AND as_of >= v.at - %(lookback)s
    ORDER BY as_of DESC, fetched_at DESC, id DESC
    LIMIT 1
) q ON true
LEFT JOIN LATERAL (
    SELECT close, date FROM market_pricebar
    WHERE instrument_id = v.instrument_id
      AND date <= (v.at AT TIME ZONE i.exchange_timezone)::date
      AND date >= (v.at AT TIME ZONE i.exchange_timezone)::date - %(lookback_days)s
      AND (date + time '16:00') AT TIME ZONE i.exchange_timezone <= v.at
    ORDER BY date DESC
    LIMIT 1
) b ON true
"""


def prices_at(
    pairs: list[tuple[int, datetime]], *, lookback: timedelta
) -> list[tuple[Decimal, datetime] | None]:
    """Return the price of each (instrument id, moment): the last one known then.

    That is the newest stored quote at or before the moment, or else the last
    daily close before it (at 16:00 on its exchange), within ``lookback``; one
    query for all. None where neither is stored.
    """
    if not pairs:
        return []
    params = {
        "instruments": [instrument_id for instrument_id, _ in pairs],
        "moments": [moment for _, moment in pairs],
        "ords": list(range(len(pairs))),
        "lookback": lookback,
        "lookback_days": lookback.days,
    }
    found: list[tuple[Decimal, datetime] | None] = [None] * len(pairs)
    with connection.cursor() as cursor:
        cursor.execute(PRICE_AT_SQL, params)
        for ordinal, quote_price, quote_as_of, close, close_at in cursor.fetchall():
            options = [
                (as_of, price)
                for price, as_of in ((quote_price, quote_as_of), (close, close_at))
                if price is not None
            ]
            if options:
                as_of, price = max(options, key=lambda option: option[0])
                found[ordinal] = (price, as_of)
    return found


def quote_age(quote: Quote, now: datetime | None = None) -> timedelta:
    """Return how old a quote is (never negative)."""
    now = now or timezone.now()
    return max(now - quote.as_of, timedelta(0))


def is_market_open(instrument: Instrument, at: datetime | None = None) -> bool:
    """Tell whether the instrument's exchange is in its regular session at ``at``.

    9:30 to 16:00 local time (America/New_York for NYSE and NASDAQ), Monday to
    Friday. Exchange holidays and early closes are not known and count as open.
    """
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError("is_market_open needs an aware datetime.")
    zone = ZoneInfo(instrument.exchange_timezone or "America/New_York")
    local = at.astimezone(zone)
    return local.weekday() < 5 and SESSION_OPEN <= local.time() < SESSION_CLOSE


def price_history(*, symbol: str, start: date, end: date) -> QuerySet[PriceBar]:
    """Return the daily bars of a symbol from ``start`` to ``end``, oldest first."""
    return PriceBar.objects.filter(
        instrument__symbol=symbol.strip().upper(), date__range=(start, end)
    ).order_by("date")


def provider_health(*, provider: str) -> ProviderHealth | None:
    """Return the health record of a provider, if it was ever asked."""
    return ProviderHealth.objects.filter(provider=provider).first()


def provider_cooldown_until(
    *, provider: str, now: datetime | None = None
) -> datetime | None:
    """Return when a provider's cool-down ends, or None if it is not cooling down."""
    until = (
        ProviderHealth.objects.filter(provider=provider)
        .values_list("cooldown_until", flat=True)
        .first()
    )
    if until is None or until <= (now or timezone.now()):
        return None
    return until
