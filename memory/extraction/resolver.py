"""Resolve tickers from the instruments the market app knows, plus the built-ins."""

from market.models import Instrument

from .tickers import DEFAULT_INSTRUMENTS, TickerResolver


def instrument_resolver() -> TickerResolver:
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
        for instrument in Instrument.objects.exclude(symbol__in=known)
    ]
    return TickerResolver(extra=extra)
