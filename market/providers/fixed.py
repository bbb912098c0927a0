"""A provider with prices set in code, and faults on demand, for tests."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from .base import BarData, QuoteData, normalize_symbols

SOURCE = "fixed"


def _decimal(value) -> Decimal:
    # Through str, so 0.1 stays 0.1; NaN and infinities survive as garbage to test.
    return value if isinstance(value, Decimal) else Decimal(str(value))


class FixedProvider:
    """Answer with the prices it was given: ``FixedProvider({"AAPL": "190.00"})``.

    Faults: ``error`` is raised by every fetch (an exception instance or class);
    ``delay_seconds`` makes each fetch slow (through ``sleep``); garbage prices
    such as ``float("nan")``, ``0``, ``-5`` or ``"Infinity"`` are passed through
    unchecked, as a broken upstream would. ``calls`` records every fetch.
    """

    name = SOURCE

    def __init__(
        self,
        prices: Mapping[str, object],
        *,
        as_of: datetime | None = None,
        currency: str = "USD",
        bars: Mapping[str, list[BarData]] | None = None,
        error: BaseException | type[BaseException] | None = None,
        delay_seconds: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.prices = {symbol.upper(): _decimal(p) for symbol, p in prices.items()}
        self.as_of = as_of
        self.currency = currency
        self.bars = {
            symbol.upper(): list(rows) for symbol, rows in (bars or {}).items()
        }
        self.error = error
        self.delay_seconds = delay_seconds
        self.sleep = sleep
        self.calls: list[tuple[str, list[str]]] = []

    def set_price(self, symbol: str, price, *, as_of: datetime | None = None) -> None:
        """Change one price (and, if given, the moment of every price)."""
        self.prices[symbol.upper()] = _decimal(price)
        if as_of is not None:
            self.as_of = as_of

    def _before_fetch(self, kind: str, symbols: list[str]) -> None:
        self.calls.append((kind, symbols))
        if self.delay_seconds:
            self.sleep(self.delay_seconds)
        if self.error is not None:
            raise self.error

    def fetch_quotes(
        self,
        symbols: Sequence[str],
        *,
        currencies: Mapping[str, str] | None = None,
    ) -> dict[str, QuoteData]:
        """Return the set price of each requested symbol that has one."""
        symbols = normalize_symbols(symbols)
        self._before_fetch("quotes", symbols)
        as_of = self.as_of or datetime.now(UTC).replace(microsecond=0)
        currencies = currencies or {}
        return {
            symbol: QuoteData(
                symbol=symbol,
                price=self.prices[symbol],
                currency=currencies.get(symbol, self.currency),
                as_of=as_of,
                source=SOURCE,
            )
            for symbol in symbols
            if symbol in self.prices
        }

    def fetch_bars(
        self, symbols: Sequence[str], start: date, end: date
    ) -> dict[str, list[BarData]]:
        """Return the given bars in range, else a flat bar per weekday at the price."""
        symbols = normalize_symbols(symbols)
        self._before_fetch("bars", symbols)
        result = {}
        for symbol in symbols:
            if symbol in self.bars:
                rows = [bar for bar in self.bars[symbol] if start <= bar.date <= end]
            elif symbol in self.prices:
                price = self.prices[symbol]
                rows = [
                    BarData(symbol, day, price, price, price, price, 0, SOURCE)
                    for day in _weekdays(start, end)
                ]
            else:
                continue
            if rows:
                result[symbol] = rows
        return result


def _weekdays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
