"""Quote providers behind one interface, chosen by ``MARKET_QUOTE_PROVIDER``."""

from .base import (
    BarData,
    ProviderCoolingDown,
    ProviderError,
    QuoteData,
    QuoteProvider,
    normalize_symbols,
)

__all__ = [
    "BarData",
    "ProviderCoolingDown",
    "ProviderError",
    "QuoteData",
    "QuoteProvider",
    "get_provider",
    "normalize_symbols",
]

PROVIDER_NAMES = ("simulated", "yfinance", "fixed")


def get_provider(name: str | None = None) -> QuoteProvider:
    """Return the provider called ``name``, or the one the settings choose."""
    from django.conf import settings

    name = name or getattr(settings, "MARKET_QUOTE_PROVIDER", "simulated")
    if name == "simulated":
        from .simulated import SimulatedProvider

        return SimulatedProvider()
    if name == "yfinance":
        from .yfinance import YFinanceProvider

        return YFinanceProvider()
    if name == "fixed":
        from .fixed import FixedProvider

        # Empty on purpose: a fixed provider with prices is built by the test.
        return FixedProvider({})
    raise ValueError(f"Unknown quote provider {name!r}; use one of {PROVIDER_NAMES}.")
