"""Background work of the market app: thin tasks that call one service.

Each has an explicit name; other code queues it by that name (the memory
engine through ``memory.background``) and never imports this module.
"""

from celery import shared_task

from .providers import ProviderError
from .services import bars_backfill, quotes_fetch

PROVIDER_RETRY = {
    "autoretry_for": (ProviderError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="market.quotes_fetch", **PROVIDER_RETRY)
def quotes_fetch_task(symbols: list[str]) -> dict:
    """Fetch the quotes of some symbols from the configured provider."""
    return quotes_fetch(symbols=symbols, raise_errors=True).as_dict()


@shared_task(name="market.bars_backfill", **PROVIDER_RETRY)
def bars_backfill_task(symbols: list[str], days: int = 365) -> dict:
    """Store the daily bars of the last ``days`` days for some symbols."""
    return bars_backfill(symbols=symbols, days=days, raise_errors=True).as_dict()
