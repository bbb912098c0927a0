"""A memory's market reading: what a quote says of a holding or a view.

Pure functions, no database: the refresh (``refresh``) and the freshness
shown beside a memory (``freshness``) both read through them.

Reading of a holding: price, market value (quantity x price), unrealised gain and
its fraction of the cost basis when the basis is known, move since stated.

Reading of a view: price, move since stated, distance to target (the move still
needed from the price to the target, ``target / price - 1``), and two verdicts:

- **target reached**: a bullish view's price at or above its target, a bearish
  view's at or below. Once reached it stays reached (for that target).
- **invalidated**, unless the target was reached first: the price moved against
  the view by more than twice the firm's move threshold from the stated price (a
  bullish view fell more than 10 % below it, at the default 5 %; a bearish one rose
  more than 10 % above it; a neutral one moved more than 10 % either way); or the
  view's horizon (``horizon_date``, else stated + ``horizon_months``) passed without
  its target reached (without a target: with the price on the wrong side of the
  stated price). Once invalidated it stays invalidated.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from market.models import QuoteSource
from memory.bulk import copy_text
from memory.ledger.canonical import iso
from memory.models import MarketAlertKind, MemoryKind

# A view is invalidated by a move against it this many times the move threshold.
INVALIDATION_MULTIPLE = Decimal(2)
CENT = Decimal("0.01")


# --- Formatting -------------------------------------------------------------------


def price_text(value: Decimal | float | int | None) -> str | None:
    """Return a price as text: cents when that is exact, else every digit."""
    if value is None:
        return None
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    cents = value.quantize(CENT)
    return f"{cents if cents == value else value.normalize():f}"


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def fraction(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 6))


def percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def age_text(seconds: float) -> str:
    """Say how old something is in the unit an advisor would use."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def horizon_date(payload: dict, stated_at: datetime) -> date | None:
    """Return the day a view's horizon ends, if it names one."""
    if payload.get("horizon_date"):
        try:
            return date.fromisoformat(str(payload["horizon_date"])[:10])
        except ValueError:
            return None
    months = payload.get("horizon_months")
    if months:
        return _add_months(stated_at.astimezone(UTC).date(), int(months))
    return None


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


# --- Readings -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFacts:
    """One quote as every reading of its instrument shows it, formatted once.

    A refresh reads thousands of memories against one quote: the texts that do
    not depend on the memory are made here, once per instrument.
    """

    symbol: str
    price: Decimal
    price_text: str
    currency: str
    as_of: datetime
    as_of_text: str
    source: str
    simulated: bool
    # "now 101.00 USD", the end of every alert message.
    quoted: str
    # "AAPL 101.00 USD as of ... (simulated)", the reason of every refresh event.
    reason: str
    # The source as a field of PostgreSQL's COPY text format.
    source_copy: str

    @classmethod
    def of(cls, *, symbol: str, price: Decimal, currency: str, as_of, source: str):
        text, as_of_text = price_text(price), iso(as_of)
        return cls(
            symbol=symbol,
            price=price,
            price_text=text,
            currency=currency,
            as_of=as_of,
            as_of_text=as_of_text,
            source=source,
            simulated=source == QuoteSource.SIMULATED,
            quoted=f"now {text} {currency}",
            reason=f"{symbol} {text} {currency} as of {as_of_text} ({source})",
            source_copy=copy_text(source),
        )


@dataclass(frozen=True)
class AlertDraft:
    kind: str
    threshold_key: str
    threshold: Decimal | None
    message: str

    @property
    def crossed_key(self) -> str:
        return f"{self.kind}:{self.threshold_key}"


def reading_compute(
    *,
    kind: str,
    quote: QuoteFacts,
    payload: dict,
    stated_price: Decimal | None,
    stated_at: datetime | None,
    crossed: Collection[str],
    move_threshold: Decimal,
    invalidated_reason: str | None = None,
    now: datetime,
) -> tuple[dict, list[AlertDraft]]:
    """Return a memory's reading against a quote, and the alerts it newly crosses.

    Pure: the same inputs give the same reading, so a refresh with unchanged
    quotes changes nothing. ``stated_at`` is needed for views only (their
    horizon); ``invalidated_reason`` is the reason the last reading gave, which
    a view once invalidated keeps.
    """
    price = quote.price
    move = (price - stated_price) / stated_price if stated_price else None
    stated_text = price_text(stated_price)
    reading = {
        "instrument": quote.symbol,
        "price": quote.price_text,
        "currency": quote.currency,
        "as_of": quote.as_of_text,
        "source": quote.source,
        "simulated": quote.simulated,
        "stated_price": stated_text,
        "move_since_stated": fraction(move),
    }
    alerts: list[AlertDraft] = []
    # Each alert is checked against those already raised before its message is
    # written: most refreshes raise none.
    if move is not None and abs(move) > move_threshold:
        up = move > 0
        threshold_key = f"{'up' if up else 'down'}:{percent(move_threshold)}"
        if f"{MarketAlertKind.MOVED_BEYOND_THRESHOLD}:{threshold_key}" not in crossed:
            alerts.append(
                AlertDraft(
                    MarketAlertKind.MOVED_BEYOND_THRESHOLD,
                    threshold_key,
                    move_threshold,
                    f"{quote.symbol} {'rose' if up else 'fell'} "
                    f"{percent(abs(round(move, 4)))}"
                    f" since it was stated at {stated_text} "
                    f"(threshold {percent(move_threshold)}); {quote.quoted}.",
                )
            )
    if kind == MemoryKind.HOLDING:
        _holding_reading(reading, payload, price)
    else:
        alerts += _view_reading(
            reading,
            quote=quote,
            payload=payload,
            move=move,
            stated_at=stated_at,
            crossed=crossed,
            move_threshold=move_threshold,
            invalidated_reason=invalidated_reason,
            now=now,
        )
    return reading, alerts


def _holding_reading(reading: dict, payload: dict, price: Decimal) -> None:
    quantity = _decimal(payload.get("quantity"))
    cost = _decimal(payload.get("cost_basis"))
    reading["quantity"] = payload.get("quantity")
    reading["cost_basis"] = price_text(cost)
    if quantity is None:
        return
    value = quantity * price
    reading["market_value"] = money(value)
    if cost:
        reading["unrealised_gain"] = money(value - quantity * cost)
        reading["unrealised_gain_pct"] = fraction((price - cost) / cost)


def _view_reading(
    reading: dict,
    *,
    quote: QuoteFacts,
    payload,
    move,
    stated_at,
    crossed,
    move_threshold,
    invalidated_reason,
    now,
) -> list[AlertDraft]:
    alerts = []
    price, symbol = quote.price, quote.symbol
    stance = payload.get("stance")
    target = _decimal(payload.get("target_price"))
    horizon = horizon_date(payload, stated_at)
    reading["stance"] = stance
    reading["target_price"] = price_text(target)
    reading["horizon_date"] = horizon.isoformat() if horizon else None
    reached = False
    if target:
        reading["distance_to_target"] = fraction((target - price) / price)
        target_key = f"{MarketAlertKind.TARGET_REACHED}:{price_text(target)}"
        reached_now = (stance == "bullish" and price >= target) or (
            stance == "bearish" and price <= target
        )
        reached = reached_now or target_key in crossed
        if reached_now and target_key not in crossed:
            alerts.append(
                AlertDraft(
                    MarketAlertKind.TARGET_REACHED,
                    price_text(target),
                    target,
                    f"{symbol} reached the target {price_text(target)} of a "
                    f"{stance} view; {quote.quoted}.",
                )
            )
    else:
        reading["distance_to_target"] = None
    reading["target_reached"] = reached

    invalidated_key = f"{MarketAlertKind.INVALIDATED}:"
    reason = ""
    if invalidated_key in crossed:
        reason = invalidated_reason or "invalidated earlier"
    elif not reached:
        reason = _invalidation(stance, target, move, horizon, move_threshold, now)
        if reason:
            alerts.append(
                AlertDraft(
                    MarketAlertKind.INVALIDATED,
                    "",
                    None,
                    f"{symbol} {stance} view invalidated: {reason}; {quote.quoted}.",
                )
            )
    reading["invalidated"] = bool(reason)
    reading["invalidated_reason"] = reason or None
    return alerts


def _invalidation(stance, target, move, horizon, move_threshold, now):
    limit = move_threshold * INVALIDATION_MULTIPLE
    if move is not None:
        against = {
            "bullish": move < -limit,
            "bearish": move > limit,
            "neutral": abs(move) > limit,
        }.get(stance, False)
        if against:
            return (
                f"moved {percent(round(move, 4))} from the stated price, more than "
                f"{percent(limit)} against the view"
            )
    if horizon is not None and now.astimezone(UTC).date() > horizon:
        if target:
            return f"the horizon ({horizon.isoformat()}) passed without the target"
        if move is not None and (
            (stance == "bullish" and move <= 0) or (stance == "bearish" and move >= 0)
        ):
            return (
                f"the horizon ({horizon.isoformat()}) passed with the price against "
                "the view"
            )
    return ""
