"""What the analyst's dashboard shows: their views, read against the market, and
the data of each instrument's chart."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from market.models import QuoteSource
from market.selectors import instruments_by_symbol, price_history
from memory.models import Memory, MemoryStatus, Subject
from memory.readings.freshness import attach_freshness
from memory.selectors import subject_views

# How each status reads, and its place when sorted by status (worst first).
STATUSES = {
    "invalidated": ("Invalidated", 0),
    "stale": ("Stale", 1),
    "target_reached": ("Target reached", 2),
    "on_track": ("On track", 3),
    "untracked": ("No market data", 4),
    "closed": ("Closed", 5),
}
STANCES = ["bullish", "bearish", "neutral"]
CHART_LEAD_DAYS = 30


@dataclass
class ViewRow:
    memory: Memory
    freshness: dict | None = None

    @property
    def payload(self) -> dict:
        return self.memory.payload or {}

    @property
    def instrument(self) -> str:
        return str(self.payload.get("instrument") or "")

    @property
    def subject_label(self) -> str:
        return self.instrument or ", ".join(self.payload.get("sectors") or []) or "—"

    @property
    def stance(self) -> str:
        return str(self.payload.get("stance") or "")

    @property
    def target(self) -> Decimal | None:
        value = self.payload.get("target_price")
        return None if value in (None, "") else Decimal(str(value))

    @property
    def stated_price(self) -> Decimal | None:
        value = (self.freshness or {}).get("stated_price")
        return None if value is None else Decimal(value)

    @property
    def live_price(self) -> Decimal | None:
        value = (self.freshness or {}).get("price")
        return None if value is None else Decimal(value)

    @property
    def move(self) -> float | None:
        return (self.freshness or {}).get("move_since_stated")

    @property
    def stated_on(self):
        return self.memory.valid_from

    @property
    def status(self) -> str:
        if self.memory.status != MemoryStatus.ACTIVE:
            return "closed"
        if self.freshness is None:
            return "untracked"
        reading = self.memory.reading
        if reading.get("target_reached"):
            return "target_reached"
        if reading.get("invalidated"):
            return "invalidated"
        if self.freshness["status"] == "stale":
            return "stale"
        return "on_track"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status][0]

    @property
    def status_reason(self) -> str:
        if self.status == "invalidated":
            return self.memory.reading.get("invalidated_reason") or ""
        if self.status == "stale":
            return "; ".join(self.freshness["reasons"])
        if self.status == "closed":
            return self.memory.get_status_display().lower()
        return ""


def _none_last(value, reverse: bool):
    # Rows without a value go last whichever way the column is sorted.
    return (value is None) != reverse, value if value is not None else 0


SORT_KEYS = {
    "instrument": lambda row: (row.subject_label, row.memory.pk),
    "stance": lambda row: (row.stance, row.subject_label),
    "target": lambda row: row.target,
    "stated_price": lambda row: row.stated_price,
    "price": lambda row: row.live_price,
    "move": lambda row: row.move,
    "status": lambda row: (STATUSES[row.status][1], row.subject_label),
    "stated": lambda row: row.stated_on,
}
NULLABLE = {"target", "stated_price", "price", "move", "stated"}


def view_rows(
    *,
    subject: Subject,
    status: str = "",
    stance: str = "",
    query: str = "",
    sort: str = "instrument",
    include_closed: bool = False,
) -> list[ViewRow]:
    """Return the analyst's views with their readings, filtered and sorted."""
    rows = [ViewRow(memory) for memory in subject_views(subject=subject)]
    attach_freshness(rows)
    if not include_closed and status != "closed":
        rows = [row for row in rows if row.memory.status == MemoryStatus.ACTIVE]
    if status:
        rows = [row for row in rows if row.status == status]
    if stance:
        rows = [row for row in rows if row.stance == stance]
    if query:
        needle = query.strip().lower()
        rows = [
            row
            for row in rows
            if needle in row.subject_label.lower() or needle in row.memory.text.lower()
        ]
    name = sort.lstrip("-")
    reverse = sort.startswith("-")
    key = SORT_KEYS.get(name, SORT_KEYS["instrument"])
    if name in NULLABLE:
        rows.sort(key=lambda row: _none_last(key(row), reverse), reverse=reverse)
    else:
        rows.sort(key=key, reverse=reverse)
    return rows


def chart_symbols(*, subject: Subject) -> list[str]:
    """Return the instruments the analyst stated a view on, for their charts."""
    symbols = {
        str(view.payload.get("instrument"))
        for view in subject_views(subject=subject)
        if view.payload.get("instrument")
    }
    return sorted(symbols)


def _float(value) -> float | None:
    return None if value is None else float(value)


def chart_data(*, subject: Subject, symbol: str, today: date | None = None) -> dict:
    """Return one instrument's daily closes and the analyst's views on it.

    Each view is marked on the first trading day on or after it was stated; the
    targets of the views still active are drawn as price lines.
    """
    symbol = symbol.strip().upper()
    today = today or timezone.localdate()
    views = [
        ViewRow(memory) for memory in subject_views(subject=subject, instrument=symbol)
    ]
    attach_freshness(views)
    first = min((row.stated_on.date() for row in views), default=today)
    bars = list(
        price_history(
            symbol=symbol, start=first - timedelta(days=CHART_LEAD_DAYS), end=today
        )
    )
    instrument = instruments_by_symbol(symbols=[symbol]).get(symbol)
    days = [bar.date for bar in bars]
    markers = []
    for row in views:
        stated = row.stated_on.date()
        day = next((d for d in days if d >= stated), days[-1] if days else stated)
        markers.append(
            {
                "id": row.memory.pk,
                "time": day.isoformat(),
                "stated_at": row.stated_on.isoformat(),
                "stance": row.stance,
                "status": row.status,
                "status_label": row.status_label,
                "active": row.memory.status == MemoryStatus.ACTIVE,
                "target_price": _float(row.target),
                "stated_price": _float(row.stated_price),
                "text": row.memory.text,
            }
        )
    return {
        "symbol": symbol,
        "name": instrument.name if instrument else symbol,
        "currency": instrument.currency if instrument else "USD",
        "simulated": any(bar.source == QuoteSource.SIMULATED for bar in bars),
        "bars": [
            {
                "time": bar.date.isoformat(),
                "open": float(bar.open),
                "high": float(bar.high),
                "low": float(bar.low),
                "close": float(bar.close),
            }
            for bar in bars
        ],
        "views": markers,
        "targets": [
            {
                "view": marker["id"],
                "price": marker["target_price"],
                "title": f"{marker['stance']} target".strip(),
            }
            for marker in markers
            if marker["active"] and marker["target_price"] is not None
        ],
    }
