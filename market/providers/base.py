"""The quote provider interface and the data it returns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class QuoteData:
    """A price for one symbol at one moment (``as_of`` is aware, in UTC)."""

    symbol: str
    price: Decimal
    currency: str
    as_of: datetime
    source: str


@dataclass(frozen=True)
class BarData:
    """One trading day of one symbol."""

    symbol: str
    date: date
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: int | None
    source: str


class ProviderError(Exception):
    """A provider could not answer; the last stored quotes stay in place."""


class ProviderCoolingDown(ProviderError):
    """A provider was rate limited repeatedly and must not be asked for a while.

    ``partial`` holds what was fetched before the cool-down began, keyed by symbol.
    """

    def __init__(self, message: str, *, until: datetime, partial: Mapping):
        super().__init__(message)
        self.until = until
        self.partial = dict(partial)


@runtime_checkable
class QuoteProvider(Protocol):
    """Fetch quotes and daily bars; a missing symbol means "no data"."""

    name: str

    def fetch_quotes(
        self,
        symbols: Sequence[str],
        *,
        currencies: Mapping[str, str] | None = None,
    ) -> dict[str, QuoteData]: ...

    def fetch_bars(
        self, symbols: Sequence[str], start: date, end: date
    ) -> dict[str, list[BarData]]: ...


def normalize_symbols(symbols: Sequence[str]) -> list[str]:
    """Return the symbols stripped, upper-cased and de-duplicated, in order."""
    seen: dict[str, None] = {}
    for symbol in symbols:
        cleaned = str(symbol).strip().upper()
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)
