"""Resolve tickers from the instruments the market app knows, plus the built-ins."""

from market.models import Instrument

from .tickers import DEFAULT_INSTRUMENTS, TickerResolver

# The last resolver built and the instruments it was built from: compiling the
# name patterns costs more than extracting a message, and the table rarely changes.
_last: tuple[tuple, TickerResolver] | None = None


def instrument_resolver() -> TickerResolver:
    """Return a resolver of the built-in instruments and those the app knows."""
    global _last
    known = {item["symbol"] for item in DEFAULT_INSTRUMENTS}
    extra = [
        {
            "symbol": instrument.symbol,
            "name": instrument.name,
            "aliases": instrument.aliases or [],
            "sector": instrument.sector,
            "currency": instrument.currency,
            "exchange": instrument.exchange,
            "reference_price": float(instrument.reference_price or 0) or None,
        }
        for instrument in Instrument.objects.exclude(symbol__in=known).order_by(
            "symbol"
        )
    ]
    key = tuple(
        (i["symbol"], i["name"], tuple(i["aliases"]), i["reference_price"])
        for i in extra
    )
    if _last is None or _last[0] != key:
        _last = (key, TickerResolver(extra=extra))
    return _last[1]
