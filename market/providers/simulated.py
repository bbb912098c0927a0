"""The offline default: a deterministic random walk per symbol and trading day.

The same symbol, start price and moment always give the same price, in every
process: each day's randomness is seeded from a SHA-256 of symbol and date (never
Python's salted ``hash()``). A day's close is the start price moved by the sum of
the last ``WINDOW_DAYS`` daily returns, so prices wander but stay near where they
started; within a session the price follows a Brownian bridge from the previous
close to the day's close, in five-minute knots joined minute by minute.
Weekends have no session; holidays are ignored.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from .base import BarData, QuoteData, normalize_symbols

SOURCE = "simulated"
SESSION_ZONE = ZoneInfo("America/New_York")
SESSION_OPEN = time(9, 30)
SESSION_MINUTES = 390
KNOT_MINUTES = 5
WINDOW_DAYS = 20
DAILY_VOLATILITY = 0.015
CENT = Decimal("0.01")


def _seed(*parts: object) -> int:
    text = "|".join(str(part) for part in parts)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def pseudo_start_price(symbol: str) -> Decimal:
    """Return a stable made-up price between 20 and 500 for an unknown symbol."""
    cents = 2000 + _seed("start", symbol) % 48001
    return Decimal(cents) / 100


@lru_cache(maxsize=65536)
def _daily_return(symbol: str, day: date) -> float:
    return random.Random(_seed("day", symbol, day.isoformat())).gauss(
        0.0, DAILY_VOLATILITY
    )


def _is_trading_day(day: date) -> bool:
    return day.weekday() < 5


def _previous_trading_day(day: date) -> date:
    day -= timedelta(days=1)
    while not _is_trading_day(day):
        day -= timedelta(days=1)
    return day


def _close_log_move(symbol: str, day: date) -> float:
    total, current = 0.0, day
    for _ in range(WINDOW_DAYS):
        total += _daily_return(symbol, current)
        current = _previous_trading_day(current)
    return total


@lru_cache(maxsize=4096)
def _session_knots(symbol: str, day: date, start: Decimal) -> tuple[float, ...]:
    """Return the log prices at each five-minute knot of a session, open to close."""
    log_start = math.log(float(start))
    log_open = log_start + _close_log_move(symbol, _previous_trading_day(day))
    log_close = log_start + _close_log_move(symbol, day)
    steps = SESSION_MINUTES // KNOT_MINUTES
    rng = random.Random(_seed("session", symbol, day.isoformat()))
    step_sd = DAILY_VOLATILITY / math.sqrt(steps)
    walk = [0.0]
    for _ in range(steps):
        walk.append(walk[-1] + rng.gauss(0.0, step_sd))
    return tuple(
        log_open
        + (i / steps) * (log_close - log_open)
        + walk[i]
        - (i / steps) * walk[-1]
        for i in range(steps + 1)
    )


def _price(log_price: float) -> Decimal:
    return Decimal(str(math.exp(log_price))).quantize(CENT)


def _session_open_at(day: date) -> datetime:
    return datetime.combine(day, SESSION_OPEN, tzinfo=SESSION_ZONE)


def _last_closed_session(at: datetime) -> date:
    local = at.astimezone(SESSION_ZONE)
    day = local.date()
    closed_at = _session_open_at(day) + timedelta(minutes=SESSION_MINUTES)
    if _is_trading_day(day) and local >= closed_at:
        return day
    return _previous_trading_day(day)


def simulated_quote(
    symbol: str, at: datetime, start: Decimal
) -> tuple[Decimal, datetime]:
    """Return the simulated price of a symbol at a moment, and when it was set.

    Inside a session the price is that of the current minute; outside, it is the
    last session's close, stamped 16:00 New York time. The time is in UTC.
    """
    if at.tzinfo is None:
        raise ValueError("The moment must be timezone-aware.")
    local = at.astimezone(SESSION_ZONE)
    day = local.date()
    minute = int((local - _session_open_at(day)).total_seconds() // 60)
    if not _is_trading_day(day) or minute < 0:
        day, minute = _previous_trading_day(day), SESSION_MINUTES
    minute = min(minute, SESSION_MINUTES)
    knots = _session_knots(symbol, day, start)
    index, offset = divmod(minute, KNOT_MINUTES)
    log_price = knots[index]
    if offset:
        log_price += (knots[index + 1] - log_price) * offset / KNOT_MINUTES
    as_of = _session_open_at(day) + timedelta(minutes=minute)
    return _price(log_price), as_of.astimezone(UTC)


def simulated_bar(symbol: str, day: date, start: Decimal) -> BarData:
    """Return the simulated daily bar of a symbol on a trading day."""
    knots = _session_knots(symbol, day, start)
    volume = 100_000 + _seed("volume", symbol, day.isoformat()) % 50_000_000
    return BarData(
        symbol=symbol,
        date=day,
        open=_price(knots[0]),
        high=_price(max(knots)),
        low=_price(min(knots)),
        close=_price(knots[-1]),
        volume=volume,
        source=SOURCE,
    )


class SimulatedProvider:
    """Quotes and bars from the deterministic walk; never touches the network.

    Each symbol's walk starts at ``reference_prices[symbol]`` when given, else at
    the instrument's ``reference_price`` in the database, else at a stable
    pseudo price.
    """

    name = SOURCE

    def __init__(
        self,
        reference_prices: Mapping[str, Decimal] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
    ):
        self.reference_prices = (
            {key.upper(): Decimal(value) for key, value in reference_prices.items()}
            if reference_prices is not None
            else None
        )
        self.clock = clock

    def _now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        from django.utils import timezone

        return timezone.now()

    def _start_prices(self, symbols: list[str]) -> dict[str, Decimal]:
        known = self.reference_prices
        if known is None:
            from market.selectors import instrument_reference_prices

            known = instrument_reference_prices(symbols=symbols)
        return {
            symbol: known.get(symbol) or pseudo_start_price(symbol)
            for symbol in symbols
        }

    def fetch_quotes(
        self,
        symbols: Sequence[str],
        *,
        currencies: Mapping[str, str] | None = None,
    ) -> dict[str, QuoteData]:
        """Return a simulated quote for every symbol, as of now."""
        symbols = normalize_symbols(symbols)
        now = self._now()
        currencies = currencies or {}
        quotes = {}
        for symbol, start in self._start_prices(symbols).items():
            price, as_of = simulated_quote(symbol, now, start)
            quotes[symbol] = QuoteData(
                symbol=symbol,
                price=price,
                currency=currencies.get(symbol, "USD"),
                as_of=as_of,
                source=SOURCE,
            )
        return quotes

    def fetch_bars(
        self, symbols: Sequence[str], start: date, end: date
    ) -> dict[str, list[BarData]]:
        """Return simulated bars for each weekday from ``start`` to ``end``.

        Today's bar is left out until its session has closed.
        """
        symbols = normalize_symbols(symbols)
        last_day = _last_closed_session(self._now())
        days = []
        day = start
        while day <= min(end, last_day):
            if _is_trading_day(day):
                days.append(day)
            day += timedelta(days=1)
        return {
            symbol: [simulated_bar(symbol, day, price) for day in days]
            for symbol, price in self._start_prices(symbols).items()
        }
