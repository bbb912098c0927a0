"""Background work of the market app: thin tasks that call one service.

Queue them with ``transaction.on_commit(lambda: task.delay(...))``.
"""

from celery import shared_task

from .providers import ProviderError
from .services import bars_backfill, quotes_refresh


@shared_task(
    autoretry_for=(ProviderError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def quotes_refresh_task(symbols: list[str]) -> dict:
    """Refresh the quotes of some symbols from the configured provider."""
    return quotes_refresh(symbols=symbols, raise_errors=True).as_dict()


@shared_task(
    autoretry_for=(ProviderError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def bars_backfill_task(symbols: list[str], days: int = 365) -> dict:
    """Store the daily bars of the last ``days`` days for some symbols."""
    return bars_backfill(symbols=symbols, days=days, raise_errors=True).as_dict()
