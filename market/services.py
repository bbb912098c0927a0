"""Writes of market data: instruments, quotes, daily bars, provider health.

Only tasks and management commands call the fetching services: they ask a quote
provider over the network, which a web request must never wait on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Instrument, PriceBar, ProviderHealth, Quote
from .providers import (
    BarData,
    ProviderCoolingDown,
    QuoteData,
    QuoteProvider,
    get_provider,
    normalize_symbols,
)
from .selectors import instruments_by_symbol, provider_cooldown_until

logger = logging.getLogger(__name__)

# Above any listed share price; a bigger one is a unit or parsing error upstream.
MAX_SANE_PRICE = Decimal("10000000")
# Provider clocks may run a little ahead of ours; more than this is garbage.
MAX_CLOCK_SKEW = timedelta(minutes=5)
STORED_PLACES = Decimal("0.000001")
INSTRUMENT_FIELDS = (
    "name",
    "aliases",
    "sector",
    "currency",
    "exchange",
    "exchange_timezone",
    "reference_price",
)


@dataclass
class FetchReport:
    """What one quote fetch did, symbol by symbol."""

    provider: str
    requested: list[str]
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    error: str = ""
    cooldown_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.error

    def as_dict(self) -> dict:
        """Return the report as JSON-ready data (for task results and logs)."""
        return {
            "provider": self.provider,
            "requested": len(self.requested),
            "stored": self.stored,
            "duplicates": self.duplicates,
            "missing": self.missing,
            "rejected": self.rejected,
            "unknown": self.unknown,
            "error": self.error,
            "cooldown_until": (
                self.cooldown_until.isoformat() if self.cooldown_until else None
            ),
        }


@dataclass
class BackfillReport:
    """What one backfill of daily bars did."""

    provider: str
    requested: list[str]
    start: date
    end: date
    bars_written: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    rejected: int = 0
    unknown: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def as_dict(self) -> dict:
        """Return the report as JSON-ready data."""
        return {
            "provider": self.provider,
            "requested": len(self.requested),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "bars_written": self.bars_written,
            "missing": self.missing,
            "rejected": self.rejected,
            "unknown": self.unknown,
            "error": self.error,
        }


@transaction.atomic
def instruments_ensure(*, specs: Iterable[Mapping]) -> list[Instrument]:
    """Create or update instruments from dicts keyed like the model's fields.

    ``symbol`` is required; other keys left out keep their stored values.
    """
    instruments = []
    for spec in specs:
        symbol = str(spec["symbol"]).strip().upper()
        instrument = Instrument.objects.filter(symbol=symbol).first()
        if instrument is None:
            instrument = Instrument(symbol=symbol)
        for name in INSTRUMENT_FIELDS:
            if name in spec:
                value = spec[name]
                if name == "reference_price" and value is not None:
                    value = Decimal(str(value))
                if name == "aliases":
                    value = list(value)
                setattr(instrument, name, value)
        instrument.full_clean()
        instrument.save()
        instruments.append(instrument)
    return instruments


@transaction.atomic
def provider_health_record(
    *,
    provider: str,
    ok: bool,
    error: str = "",
    cooldown_until: datetime | None = None,
    now: datetime | None = None,
) -> ProviderHealth:
    """Count one fetch of a provider and remember how it went."""
    now = now or timezone.now()
    health, _ = ProviderHealth.objects.select_for_update().get_or_create(
        provider=provider
    )
    health.requests += 1
    health.updated_at = now
    if ok:
        health.last_success_at = now
        health.consecutive_failures = 0
    else:
        health.failures += 1
        health.consecutive_failures += 1
        health.last_failure_at = now
        health.last_error = error[:2000]
        if cooldown_until is not None:
            health.cooldown_until = cooldown_until
    health.full_clean()
    health.save()
    if ok:
        logger.info("Quote provider %s answered", provider)
    else:
        logger.warning(
            "Quote provider %s failed (%d in a row)%s: %s",
            provider,
            health.consecutive_failures,
            f", cooling down until {cooldown_until.isoformat()}"
            if cooldown_until
            else "",
            error,
        )
    return health


def quote_rejection(quote: QuoteData, *, now: datetime) -> str:
    """Return why a fetched quote is unfit to store, or "" if it is fit."""
    try:
        price = Decimal(quote.price)
    except (InvalidOperation, TypeError, ValueError):
        return f"price {quote.price!r} is not a number"
    if not price.is_finite():
        return f"price {price} is not finite"
    if price <= 0:
        return f"price {price} is not positive"
    if price > MAX_SANE_PRICE:
        return f"price {price} is implausibly high"
    if price.quantize(STORED_PLACES) <= 0:
        return f"price {price} rounds to zero"
    if not isinstance(quote.as_of, datetime) or timezone.is_naive(quote.as_of):
        return "as_of is not an aware datetime"
    if quote.as_of > now + MAX_CLOCK_SKEW:
        return f"as_of {quote.as_of.isoformat()} is in the future"
    currency = quote.currency or ""
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        return f"currency {currency!r} is not an ISO code"
    return ""


def quotes_fetch(
    *,
    symbols: Iterable[str],
    provider: QuoteProvider | None = None,
    raise_errors: bool = False,
) -> FetchReport:
    """Fetch the latest quote of each known symbol and store the valid ones.

    Symbols are de-duplicated; those that are not instruments are reported, not
    fetched. A price that is not finite, not positive or not sane is rejected and
    logged, never stored. When the provider fails, the stored quotes stay as they
    are, the failure is recorded in its health and reported (raised too, if
    ``raise_errors``). While the provider cools down after repeated rate limits,
    nothing is asked of it; a cool-down is reported, never raised, since retrying
    before it ends would be pointless.

    Not atomic as a whole on purpose: no transaction is held open across network
    calls and backoff pauses. The quotes and the health record are each written
    atomically.
    """
    provider = provider or get_provider()
    wanted = normalize_symbols(list(symbols))
    report = FetchReport(provider=provider.name, requested=wanted)
    instruments = instruments_by_symbol(symbols=wanted)
    report.unknown = [symbol for symbol in wanted if symbol not in instruments]
    if not instruments:
        return report
    cooling_until = provider_cooldown_until(provider=provider.name)
    if cooling_until is not None:
        report.error = f"{provider.name} is cooling down until {cooling_until}"
        report.cooldown_until = cooling_until
        report.missing = sorted(instruments)
        logger.warning("Quotes not fetched: %s", report.error)
        return report

    cooldown_error = None
    try:
        fetched = provider.fetch_quotes(
            sorted(instruments),
            currencies={s: i.currency for s, i in instruments.items()},
        )
    except ProviderCoolingDown as error:
        fetched, cooldown_error = error.partial, error
    except Exception as error:
        report.error = f"{type(error).__name__}: {error}"
        report.missing = sorted(instruments)
        provider_health_record(provider=provider.name, ok=False, error=report.error)
        logger.warning("Quotes not fetched, last ones kept: %s", report.error)
        if raise_errors:
            raise
        return report

    _quotes_store(instruments=instruments, fetched=fetched, report=report)
    if cooldown_error is not None:
        report.error = str(cooldown_error)
        report.cooldown_until = cooldown_error.until
        provider_health_record(
            provider=provider.name,
            ok=False,
            error=report.error,
            cooldown_until=cooldown_error.until,
        )
    elif not fetched:
        report.error = f"{provider.name} returned no data for any symbol"
        provider_health_record(provider=provider.name, ok=False, error=report.error)
    elif report.rejected and not (report.stored or report.duplicates):
        # An answer that is all garbage is a failure too: health must say why.
        reasons = "; ".join(f"{s}: {why}" for s, why in sorted(report.rejected.items()))
        report.error = f"{provider.name} answered only unusable quotes ({reasons})"
        provider_health_record(provider=provider.name, ok=False, error=report.error)
    else:
        provider_health_record(provider=provider.name, ok=True)
    logger.info(
        "Quotes fetched from %s: %d stored, %d unchanged, %d missing, "
        "%d rejected, %d unknown",
        provider.name,
        len(report.stored),
        len(report.duplicates),
        len(report.missing),
        len(report.rejected),
        len(report.unknown),
    )
    return report


@transaction.atomic
def _quotes_store(
    *,
    instruments: Mapping[str, Instrument],
    fetched: Mapping[str, QuoteData],
    report: FetchReport,
) -> None:
    now = timezone.now()
    candidates = []
    for symbol, instrument in sorted(instruments.items()):
        quote = fetched.get(symbol)
        if quote is None:
            report.missing.append(symbol)
            continue
        reason = quote_rejection(quote, now=now)
        if not reason and quote.symbol.upper() != symbol:
            reason = f"answered for {quote.symbol!r}"
        row = None
        if not reason:
            row = Quote(
                instrument=instrument,
                price=Decimal(quote.price).quantize(STORED_PLACES),
                currency=quote.currency,
                as_of=quote.as_of,
                source=quote.source,
                fetched_at=now,
            )
            try:
                row.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                reason = "; ".join(error.messages)
        if reason:
            report.rejected[symbol] = reason
            logger.warning(
                "Rejected %s quote for %s, not stored: %s", quote.source, symbol, reason
            )
            continue
        candidates.append(row)
    if not candidates:
        return
    existing = set(
        Quote.objects.filter(
            instrument_id__in=[row.instrument_id for row in candidates],
            as_of__in=[row.as_of for row in candidates],
        ).values_list("instrument_id", "as_of", "source")
    )
    new_rows = []
    for row in candidates:
        if (row.instrument_id, row.as_of, row.source) in existing:
            report.duplicates.append(row.instrument.symbol)
        else:
            new_rows.append(row)
            report.stored.append(row.instrument.symbol)
    # A concurrent refresh may store the same moment first; that is no error.
    Quote.objects.bulk_create(new_rows, ignore_conflicts=True)


def bar_rejection(bar: BarData) -> str:
    """Return why a fetched daily bar is unfit to store, or "" if it is fit."""
    prices = (bar.open, bar.high, bar.low, bar.close)
    try:
        prices = tuple(Decimal(price) for price in prices)
    except (InvalidOperation, TypeError, ValueError):
        return "a price is not a number"
    if not all(price.is_finite() and 0 < price <= MAX_SANE_PRICE for price in prices):
        return "a price is not finite, positive and sane"
    open_, high, low, close = prices
    if not low <= min(open_, close) <= max(open_, close) <= high:
        return "low and high do not bound open and close"
    if bar.volume is not None and bar.volume < 0:
        return "negative volume"
    return ""


def bars_backfill(
    *,
    symbols: Iterable[str],
    days: int = 365,
    provider: QuoteProvider | None = None,
    raise_errors: bool = False,
    today: date | None = None,
) -> BackfillReport:
    """Fetch and store (or correct) the daily bars of the last ``days`` days.

    A bar already stored for a day is overwritten, as the latest day's bar may
    have been taken before its close. Like ``quotes_fetch``, not atomic as a
    whole: the network calls happen outside any transaction.
    """
    provider = provider or get_provider()
    wanted = normalize_symbols(list(symbols))
    end = today or timezone.now().date()
    start = end - timedelta(days=days)
    report = BackfillReport(
        provider=provider.name, requested=wanted, start=start, end=end
    )
    instruments = instruments_by_symbol(symbols=wanted)
    report.unknown = [symbol for symbol in wanted if symbol not in instruments]
    if not instruments:
        return report
    cooling_until = provider_cooldown_until(provider=provider.name)
    if cooling_until is not None:
        report.error = f"{provider.name} is cooling down until {cooling_until}"
        report.missing = sorted(instruments)
        logger.warning("Bars not backfilled: %s", report.error)
        return report
    try:
        fetched = provider.fetch_bars(sorted(instruments), start, end)
    except ProviderCoolingDown as error:
        fetched = error.partial
        report.error = str(error)
        provider_health_record(
            provider=provider.name,
            ok=False,
            error=report.error,
            cooldown_until=error.until,
        )
    except Exception as error:
        report.error = f"{type(error).__name__}: {error}"
        report.missing = sorted(instruments)
        provider_health_record(provider=provider.name, ok=False, error=report.error)
        logger.warning("Bars not backfilled: %s", report.error)
        if raise_errors:
            raise
        return report
    else:
        provider_health_record(
            provider=provider.name,
            ok=bool(fetched),
            error=(
                "" if fetched else f"{provider.name} returned no bars for any symbol"
            ),
        )
    _bars_store(instruments=instruments, fetched=fetched, report=report)
    logger.info(
        "Bars backfilled from %s for %s..%s: %d bars for %d symbols, %d rejected",
        provider.name,
        start,
        end,
        sum(report.bars_written.values()),
        len(report.bars_written),
        report.rejected,
    )
    return report


@transaction.atomic
def _bars_store(
    *,
    instruments: Mapping[str, Instrument],
    fetched: Mapping[str, list[BarData]],
    report: BackfillReport,
) -> None:
    rows = []
    for symbol, instrument in sorted(instruments.items()):
        bars = fetched.get(symbol) or []
        if not bars:
            report.missing.append(symbol)
            continue
        by_day: dict[date, PriceBar] = {}
        for bar in bars:
            reason = bar_rejection(bar)
            row = None
            if not reason:
                row = PriceBar(
                    instrument=instrument,
                    date=bar.date,
                    open=Decimal(bar.open).quantize(STORED_PLACES),
                    high=Decimal(bar.high).quantize(STORED_PLACES),
                    low=Decimal(bar.low).quantize(STORED_PLACES),
                    close=Decimal(bar.close).quantize(STORED_PLACES),
                    volume=bar.volume,
                    source=bar.source,
                )
                try:
                    row.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    reason = "; ".join(error.messages)
            if reason:
                report.rejected += 1
                logger.warning(
                    "Rejected %s bar of %s on %s: %s",
                    bar.source,
                    symbol,
                    bar.date,
                    reason,
                )
                continue
            by_day[bar.date] = row
        report.bars_written[symbol] = len(by_day)
        rows.extend(by_day.values())
    if rows:
        PriceBar.objects.bulk_create(
            rows,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["instrument", "date"],
            update_fields=["open", "high", "low", "close", "volume", "source"],
        )
