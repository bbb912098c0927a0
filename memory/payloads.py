"""Validate and normalise the structured payload of each kind of memory.

A payload beside a memory's text is what lets the product compute (a holding's
value, a view's distance to target) and reconcile (the same slot, said again).
Every validator returns a normalised copy or raises ``InvalidMemory`` naming the
field, e.g. ``payload.quantity``.
"""

import math
import re
from datetime import date, datetime

from .errors import InvalidMemory

RISK_TOLERANCES = {
    "conservative",
    "moderately_conservative",
    "moderate",
    "moderately_aggressive",
    "aggressive",
}
POLARITIES = {"likes", "avoids"}
STANCES = {"bullish", "bearish", "neutral"}
CONVICTIONS = {"low", "medium", "high"}
SPEAKERS = {"client", "advisor", "analyst", "assistant", "user", "system"}
SYMBOL = re.compile(r"^[A-Z][A-Z0-9.\-^=]{0,19}$")


class _Fields:
    def __init__(self, payload):
        if not isinstance(payload, dict):
            raise InvalidMemory({"payload": "must be an object of fields"})
        self.source = payload
        self.clean: dict = {}
        self.errors: dict[str, str] = {}

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(f"payload.{name}", message)

    def passthrough(self, *names: str) -> None:
        for name in names:
            if name in self.source:
                self.clean[name] = self.source[name]

    def text(self, name: str, *, required=False, max_length=500, choices=None):
        value = self.source.get(name)
        if value in (None, ""):
            if required:
                self.error(name, "is required")
            return
        if not isinstance(value, str):
            self.error(name, "must be text")
            return
        value = value.strip()
        if len(value) > max_length:
            self.error(name, f"must be at most {max_length} characters")
            return
        if choices is not None:
            value = value.lower()
            if value not in choices:
                self.error(name, f"must be one of: {', '.join(sorted(choices))}")
                return
        self.clean[name] = value

    def number(
        self, name, *, required=False, minimum=None, positive=False, integer=False
    ):
        value = self.source.get(name)
        if value in (None, ""):
            if required:
                self.error(name, "is required")
            return
        if isinstance(value, bool):
            self.error(name, "must be a number")
            return
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "").replace("$", ""))
            except ValueError:
                self.error(name, "must be a number")
                return
        if not isinstance(value, int | float) or not math.isfinite(value):
            self.error(name, "must be a finite number")
            return
        if positive and value <= 0:
            self.error(name, "must be greater than zero")
            return
        if minimum is not None and value < minimum:
            self.error(name, f"must be at least {minimum}")
            return
        if integer:
            if value != int(value):
                self.error(name, "must be a whole number")
                return
            value = int(value)
        self.clean[name] = value

    def symbol(self, name, *, required=False):
        value = self.source.get(name)
        if value in (None, ""):
            if required:
                self.error(name, "is required")
            return
        if not isinstance(value, str) or not SYMBOL.match(value.strip().upper()):
            self.error(name, "must be a ticker symbol such as AAPL")
            return
        self.clean[name] = value.strip().upper()

    def symbols(self, name):
        value = self.source.get(name)
        if value in (None, []):
            return
        if not isinstance(value, list):
            self.error(name, "must be a list of ticker symbols")
            return
        cleaned = []
        for item in value:
            if not isinstance(item, str) or not SYMBOL.match(item.strip().upper()):
                self.error(name, f"{item!r} is not a ticker symbol")
                return
            cleaned.append(item.strip().upper())
        self.clean[name] = cleaned

    def words(self, name):
        value = self.source.get(name)
        if value in (None, []):
            return
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(name, "must be a list of words")
            return
        self.clean[name] = [v.strip().lower() for v in value if v.strip()]

    def iso_date(self, name):
        value = self.source.get(name)
        if value in (None, ""):
            return
        if isinstance(value, date | datetime):
            self.clean[name] = value.isoformat()
            return
        if not isinstance(value, str):
            self.error(name, "must be a date such as 2032-06-30")
            return
        try:
            parsed = date.fromisoformat(value[:10])
        except ValueError:
            self.error(name, "must be a date such as 2032-06-30")
            return
        self.clean[name] = parsed.isoformat()

    def done(self) -> dict:
        if self.errors:
            raise InvalidMemory(self.errors)
        return self.clean


def _profile(f: _Fields):
    f.text("risk_tolerance", choices=RISK_TOLERANCES)
    f.number("horizon_years", minimum=0, integer=True)
    f.text("income_band", max_length=80)
    f.text("net_worth_band", max_length=80)
    kyc = f.source.get("kyc")
    if kyc is not None and not isinstance(kyc, dict):
        f.error("kyc", "must be an object of facts")
    elif kyc:
        f.clean["kyc"] = kyc
    f.passthrough("note")
    if (
        not (
            {"risk_tolerance", "horizon_years", "income_band", "net_worth_band", "kyc"}
            & set(f.clean)
        )
        and not f.errors
    ):
        f.error("risk_tolerance", "a profile needs at least one profile field")


def _goal(f: _Fields):
    f.text("goal", required=True, max_length=200)
    f.iso_date("target_date")
    f.number("target_age", minimum=0, integer=True)
    f.number("amount", positive=True)
    f.text("currency", max_length=3)
    f.text("beneficiary", max_length=120)


def _preference(f: _Fields):
    f.text("topic", required=True, max_length=200)
    f.text("polarity", required=True, choices=POLARITIES)
    f.symbols("instruments")
    f.words("sectors")


def _holding(f: _Fields):
    f.symbol("instrument", required=True)
    f.number("quantity", positive=True)
    f.number("cost_basis", positive=True)
    f.text("currency", max_length=3)
    f.text("account", max_length=80)
    f.number("change")
    f.number("change_fraction", minimum=-1)
    f.number("value", positive=True)


def _view(f: _Fields):
    f.symbol("instrument")
    f.text("sector", max_length=80)
    if not f.source.get("instrument") and not f.source.get("sector"):
        f.error("instrument", "a view needs an instrument or a sector")
    f.text("stance", required=True, choices=STANCES)
    f.number("target_price", positive=True)
    f.text("horizon", max_length=80)
    f.number("horizon_months", positive=True, integer=True)
    f.text("conviction", choices=CONVICTIONS)
    f.iso_date("horizon_date")


def _fact(f: _Fields):
    f.clean.update(f.source)


def _episode(f: _Fields):
    f.text("message", required=True, max_length=100_000)
    f.text("speaker", required=True, max_length=120)
    f.text("occurred_at", required=True, max_length=40)
    f.passthrough("message_id", "conversation_id", "external_id", "session_date")


VALIDATORS = {
    "profile": _profile,
    "goal": _goal,
    "preference": _preference,
    "holding": _holding,
    "view": _view,
    "fact": _fact,
    "episode": _episode,
}


def payload_clean(kind: str, payload: dict | None) -> dict:
    """Return the validated, normalised payload of a memory of ``kind``."""
    if kind not in VALIDATORS:
        raise InvalidMemory({"kind": f"must be one of: {', '.join(VALIDATORS)}"})
    fields = _Fields(payload if payload is not None else {})
    VALIDATORS[kind](fields)
    return fields.done()
