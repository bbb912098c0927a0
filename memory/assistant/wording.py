"""How the twin says things: money, dates, quotes and readings, plainly.

Every price shown says how old its quote is, and "simulated" when it comes from
the simulated provider: a simulated price must never pass for market data.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from memory.models import Memory

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(value, currency: str | None = "USD") -> str:
    """Return an amount as an advisor writes it: "$1,234.56", "1,234.56 CHF"."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    symbol = CURRENCY_SIGNS.get(currency or "USD")
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def signed_percent(fraction) -> str:
    """Return a fraction as a signed percentage: 0.1234 is "+12.3%"."""
    value = float(fraction) * 100
    return f"{value:+.1f}%"


def day(moment: datetime | str | None) -> str:
    """Return a date as "3 Mar 2026"."""
    if moment is None:
        return "an unknown date"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return f"{moment.day} {moment:%b %Y}"


def quote_note(freshness: dict | None) -> str:
    """Say where a price comes from: "simulated, quote 5 minutes old"."""
    if not freshness or freshness.get("price") is None:
        return "no quote stored yet"
    parts = []
    if freshness.get("simulated"):
        parts.append("simulated")
    elif freshness.get("source"):
        parts.append(str(freshness["source"]))
    if freshness.get("age"):
        parts.append(f"quote {freshness['age']} old")
    if freshness.get("refresh_queued"):
        parts.append("older than the firm's policy; a refresh is queued")
    return ", ".join(parts)


def holding_line(memory: Memory, freshness: dict | None) -> str:
    """Return a holding with what it is worth now, and where the price comes from."""
    reading = memory.reading or {}
    if not reading.get("price"):
        return f"{memory.text} (no price known yet)"
    currency = reading.get("currency") or "USD"
    line = (
        f"{memory.text} — now {money(reading['price'], currency)} "
        f"({quote_note(freshness)})"
    )
    if reading.get("market_value"):
        line += f": worth {money(reading['market_value'], currency)}"
        if reading.get("unrealised_gain") is not None:
            gain = reading["unrealised_gain"]
            word = "gain" if Decimal(str(gain)) >= 0 else "loss"
            line += f", unrealised {word} {money(gain, currency)}"
            if reading.get("unrealised_gain_pct") is not None:
                line += f" ({signed_percent(reading['unrealised_gain_pct'])})"
    return line


def view_line(memory: Memory, freshness: dict | None) -> str:
    """Return a view with how it is doing against its target."""
    reading = memory.reading or {}
    if not reading.get("price"):
        return f"{memory.text} (no price known yet)"
    currency = reading.get("currency") or "USD"
    line = (
        f"{memory.text} — now {money(reading['price'], currency)} "
        f"({quote_note(freshness)})"
    )
    if reading.get("move_since_stated") is not None and reading.get("stated_price"):
        line += (
            f", {signed_percent(reading['move_since_stated'])} since it was stated "
            f"at {money(reading['stated_price'], currency)}"
        )
    if reading.get("target_reached"):
        line += f"; target {money(reading['target_price'], currency)} reached"
    elif reading.get("distance_to_target") is not None:
        line += (
            f"; {signed_percent(reading['distance_to_target'])} to its target of "
            f"{money(reading['target_price'], currency)}"
        )
    if reading.get("invalidated"):
        line += f"; invalidated: {reading.get('invalidated_reason')}"
    return line


def market_line(memory: Memory, freshness: dict | None) -> str:
    if memory.kind == "holding":
        return holding_line(memory, freshness)
    if memory.kind == "view":
        return view_line(memory, freshness)
    return memory.text


def bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def quoted(text: str, limit: int = 140) -> str:
    """Return a turn's words in quotes, cut at ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"“{text}”"
