"""The yfinance adapter: the only module that imports yfinance.

``yf.download`` (yfinance 1.7) fetches each ticker separately and never raises for
one: a ticker that failed, rate limit included, becomes an all-NaN column and an
error line in the ``yfinance`` log, and a machine that is offline gets an empty
frame. Columns are a MultiIndex, ``(Price, Ticker)`` with ``group_by="column"`` or
``(Ticker, Price)`` with ``group_by="ticker"``; with ``multi_level_index=False``
and one ticker they are flat. With ``ignore_tz=False`` the index is tz-aware in
the (most common) exchange time zone; with ``ignore_tz=True`` it is naive local
time. This adapter reads all of those shapes.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from .base import (
    BarData,
    ProviderCoolingDown,
    ProviderError,
    QuoteData,
    normalize_symbols,
)

logger = logging.getLogger(__name__)

SOURCE = "yfinance"
PRICE_PLACES = Decimal("0.0001")
# A naive index is exchange-local time; US listings are all we seed.
DEFAULT_EXCHANGE_ZONE = ZoneInfo("America/New_York")
RATE_LIMIT_MARKERS = ("YFRateLimitError", "Too Many Requests", "Rate limited")

Download = Callable[..., object]


def _setting(name: str, default):
    from django.conf import settings

    return getattr(settings, name, default)


class _ErrorLines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def yf_download(**kwargs):
    """Call ``yf.download`` and raise ``YFRateLimitError`` if any ticker hit one.

    yfinance swallows per-ticker errors and only logs them, so they are read
    back from its log.
    """
    import yfinance
    from yfinance.exceptions import YFRateLimitError

    errors = _ErrorLines()
    yf_logger = logging.getLogger("yfinance")
    yf_logger.addHandler(errors)
    try:
        frame = yfinance.download(**kwargs)
    finally:
        yf_logger.removeHandler(errors)
    if any(
        marker in message
        for message in errors.messages
        for marker in RATE_LIMIT_MARKERS
    ):
        raise YFRateLimitError()
    return frame


def is_rate_limit(error: BaseException) -> bool:
    """Tell whether an error means "too many requests" (YFRateLimitError, 429)."""
    try:
        from yfinance.exceptions import YFRateLimitError
    except ImportError:  # pragma: no cover - yfinance is a dependency
        YFRateLimitError = ()  # noqa: N806
    if YFRateLimitError and isinstance(error, YFRateLimitError):
        return True
    response = getattr(error, "response", None)
    for status in (
        getattr(error, "status_code", None),
        getattr(response, "status", None),
        getattr(response, "status_code", None),
    ):
        if status == 429:
            return True
    return "429" in str(error) or "Too Many Requests" in str(error)


def _price_levels(frame) -> tuple[int | None, int | None]:
    """Return the column levels of (price field, ticker), or (None, None) if flat."""
    import pandas as pd

    if not isinstance(frame.columns, pd.MultiIndex):
        return None, None
    if "Close" in set(frame.columns.get_level_values(0)):
        return 0, 1
    return 1, 0


def _series(frame, symbol: str, field: str, *, only_symbol: bool):
    """Return one field of one symbol from any download shape, or None."""
    price_level, ticker_level = _price_levels(frame)
    if price_level is None:
        # Flat columns: one ticker downloaded with multi_level_index=False.
        return frame[field] if only_symbol and field in frame.columns else None
    key = (field, symbol) if price_level == 0 else (symbol, field)
    return frame[key] if key in frame.columns else None


def _to_decimal(value: float) -> Decimal:
    if not math.isfinite(value):
        # Kept as garbage for the service to reject and log, never as zero.
        return Decimal(str(value))
    return Decimal(repr(value)).quantize(PRICE_PLACES)


def _utc(timestamp) -> datetime:
    moment = timestamp.to_pydatetime()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=DEFAULT_EXCHANGE_ZONE)
    return moment.astimezone(UTC)


def quotes_from_frame(
    frame, symbols: Sequence[str], currencies: Mapping[str, str] | None = None
) -> dict[str, QuoteData]:
    """Return each symbol's last non-NaN close and its bar time (UTC) from a frame."""
    currencies = currencies or {}
    quotes = {}
    if frame is None or frame.empty:
        return quotes
    for symbol in symbols:
        closes = _series(frame, symbol, "Close", only_symbol=len(symbols) == 1)
        if closes is None:
            continue
        closes = closes.dropna()
        if closes.empty:
            continue
        quotes[symbol] = QuoteData(
            symbol=symbol,
            price=_to_decimal(float(closes.iloc[-1])),
            currency=currencies.get(symbol, "USD"),
            as_of=_utc(closes.index[-1]),
            source=SOURCE,
        )
    return quotes


def bars_from_frame(frame, symbols: Sequence[str]) -> dict[str, list[BarData]]:
    """Return the complete daily bars of each symbol from a daily frame."""
    bars: dict[str, list[BarData]] = {}
    if frame is None or frame.empty:
        return bars
    for symbol in symbols:
        only = len(symbols) == 1
        columns = {
            field: _series(frame, symbol, field, only_symbol=only)
            for field in ("Open", "High", "Low", "Close", "Volume")
        }
        if any(columns[field] is None for field in ("Open", "High", "Low", "Close")):
            continue
        rows = []
        for position, timestamp in enumerate(frame.index):
            prices = [
                float(columns[f].iloc[position])
                for f in ("Open", "High", "Low", "Close")
            ]
            if any(math.isnan(price) for price in prices):
                continue
            volume = (
                float(columns["Volume"].iloc[position])
                if columns["Volume"] is not None
                else math.nan
            )
            rows.append(
                BarData(
                    symbol=symbol,
                    date=timestamp.date(),
                    open=_to_decimal(prices[0]),
                    high=_to_decimal(prices[1]),
                    low=_to_decimal(prices[2]),
                    close=_to_decimal(prices[3]),
                    volume=int(volume) if math.isfinite(volume) else None,
                    source=SOURCE,
                )
            )
        if rows:
            bars[symbol] = rows
    return bars


def _stored_cooldown_until() -> datetime | None:
    from market.selectors import provider_cooldown_until

    return provider_cooldown_until(provider=SOURCE)


class YFinanceProvider:
    """Live quotes and daily bars from Yahoo Finance through yfinance.

    Symbols are fetched in chunks with a pause between them; a rate-limited chunk
    is retried with exponential backoff and jitter, and when it is still limited
    after ``max_tries`` the provider raises ``ProviderCoolingDown`` (holding what
    earlier chunks returned) so that no request is sent until the cool-down ends.
    While a stored cool-down lasts, every fetch returns nothing and logs why.
    ``download``, ``sleep``, ``random``, ``clock`` and ``cooldown_until`` are
    injectable so that tests neither sleep nor touch the network.
    """

    name = SOURCE

    def __init__(
        self,
        *,
        download: Download | None = None,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = random.random,
        clock: Callable[[], datetime] | None = None,
        cooldown_until: Callable[[], datetime | None] = _stored_cooldown_until,
        chunk_size: int | None = None,
        chunk_pause_seconds: float | None = None,
        cooldown: timedelta | None = None,
        max_tries: int = 4,
        backoff_base_seconds: float = 2.0,
        backoff_max_seconds: float = 60.0,
        quote_period: str = "5d",
        quote_interval: str = "1m",
        timeout_seconds: float = 20.0,
    ):
        self.download = download or yf_download
        self.sleep = sleep
        self.random = random
        self.clock = clock
        self.cooldown_until = cooldown_until
        self.chunk_size = max(
            1, int(chunk_size or _setting("MARKET_YF_CHUNK_SIZE", 40))
        )
        self.chunk_pause_seconds = float(
            chunk_pause_seconds
            if chunk_pause_seconds is not None
            else _setting("MARKET_YF_CHUNK_PAUSE_SECONDS", 1.0)
        )
        self.cooldown = cooldown or timedelta(
            minutes=float(_setting("MARKET_YF_COOLDOWN_MINUTES", 15))
        )
        self.max_tries = max_tries
        self.backoff_base_seconds = backoff_base_seconds
        self.backoff_max_seconds = backoff_max_seconds
        self.quote_period = quote_period
        self.quote_interval = quote_interval
        self.timeout_seconds = timeout_seconds

    def _now(self) -> datetime:
        if self.clock is not None:
            return self.clock()
        from django.utils import timezone

        return timezone.now()

    def backoff_delay(self, attempt: int) -> float:
        """Return the wait after failed try ``attempt`` (1-based): equal jitter."""
        cap = min(
            self.backoff_max_seconds, self.backoff_base_seconds * 2 ** (attempt - 1)
        )
        return cap / 2 + self.random() * cap / 2

    def fetch_quotes(
        self,
        symbols: Sequence[str],
        *,
        currencies: Mapping[str, str] | None = None,
    ) -> dict[str, QuoteData]:
        """Return the latest price of each symbol that has one."""

        def fetch(chunk):
            frame = self.download(
                tickers=chunk,
                period=self.quote_period,
                interval=self.quote_interval,
                **self._download_options(ignore_tz=False),
            )
            return quotes_from_frame(frame, chunk, currencies)

        return self._fetch_in_chunks(symbols, fetch, what="quotes")

    def fetch_bars(
        self, symbols: Sequence[str], start: date, end: date
    ) -> dict[str, list[BarData]]:
        """Return the daily bars of each symbol from ``start`` to ``end`` inclusive."""

        def fetch(chunk):
            frame = self.download(
                tickers=chunk,
                start=start.isoformat(),
                end=(
                    end + timedelta(days=1)
                ).isoformat(),  # yfinance's end is exclusive
                interval="1d",
                **self._download_options(ignore_tz=True),
            )
            return bars_from_frame(frame, chunk)

        return self._fetch_in_chunks(symbols, fetch, what="bars")

    def _download_options(self, *, ignore_tz: bool) -> dict:
        return {
            "group_by": "column",
            "auto_adjust": True,
            "actions": False,
            "threads": True,
            "ignore_tz": ignore_tz,
            "progress": False,
            "multi_level_index": True,
            "timeout": self.timeout_seconds,
        }

    def _fetch_in_chunks(self, symbols, fetch, *, what: str) -> dict:
        symbols = normalize_symbols(symbols)
        if not symbols:
            return {}
        until = self.cooldown_until()
        if until is not None and self._now() < until:
            logger.warning(
                "yfinance is cooling down after repeated rate limits until %s; "
                "fetching no %s for %d symbols",
                until.isoformat(),
                what,
                len(symbols),
            )
            return {}
        results: dict = {}
        errors: list[BaseException] = []
        chunks = [
            symbols[i : i + self.chunk_size]
            for i in range(0, len(symbols), self.chunk_size)
        ]
        for index, chunk in enumerate(chunks):
            if index:
                self.sleep(self.chunk_pause_seconds)
            try:
                results.update(self._with_backoff(fetch, chunk, results, what=what))
            except ProviderCoolingDown:
                raise
            except Exception as error:
                logger.warning(
                    "yfinance %s failed for %d symbols (%s to %s): %r",
                    what,
                    len(chunk),
                    chunk[0],
                    chunk[-1],
                    error,
                )
                errors.append(error)
        if errors and not results:
            raise ProviderError(f"yfinance {what} failed: {errors[0]!r}") from errors[0]
        return results

    def _with_backoff(self, fetch, chunk, results_so_far, *, what: str) -> dict:
        for attempt in range(1, self.max_tries + 1):
            try:
                return fetch(chunk)
            except Exception as error:
                if not is_rate_limit(error):
                    raise
                last_error = error
                if attempt == self.max_tries:
                    break
                delay = self.backoff_delay(attempt)
                logger.warning(
                    "yfinance rate limited (try %d of %d, %d symbols); retrying in "
                    "%.1f s",
                    attempt,
                    self.max_tries,
                    len(chunk),
                    delay,
                )
                self.sleep(delay)
        until = self._now() + self.cooldown
        message = (
            f"yfinance still rate limited after {self.max_tries} tries "
            f"({last_error!r}); cooling down until {until.isoformat()}"
        )
        logger.error(message)
        raise ProviderCoolingDown(message, until=until, partial=results_so_far)
