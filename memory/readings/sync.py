"""The periodic market sync: fetch quotes of what memories reference, then refresh.

Two steps with two verbs: *fetch* asks the quote provider for the newest quote of
every referenced instrument (``market.services.quotes_fetch``); *refresh* reads
the references again against the stored quotes (``readings_refresh``). Only tasks
and management commands call this: it asks a quote provider over the network.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from market.models import Instrument
from market.services import bars_backfill, quotes_fetch
from memory.models import MarketReference, MemoryStatus

from .refresh import RefreshReport, readings_refresh


@dataclass
class MarketSyncReport:
    """What one market sync did: quotes fetched, then readings refreshed."""

    symbols: list[str] = field(default_factory=list)
    quotes_stored: int = 0
    quotes_unchanged: int = 0
    quotes_missing: list[str] = field(default_factory=list)
    quotes_rejected: dict[str, str] = field(default_factory=dict)
    provider_errors: list[str] = field(default_factory=list)
    bars_written: int = 0
    readings: RefreshReport = field(default_factory=RefreshReport)

    def as_dict(self) -> dict:
        return {
            "symbols": len(self.symbols),
            "quotes_stored": self.quotes_stored,
            "quotes_unchanged": self.quotes_unchanged,
            "quotes_missing": self.quotes_missing,
            "quotes_rejected": self.quotes_rejected,
            "provider_errors": self.provider_errors,
            "bars_written": self.bars_written,
            "readings": self.readings.as_dict(),
        }


def referenced_symbols(*, tenant_id: int | None = None) -> dict[str, int]:
    """Return the instruments active memories refer to: symbol -> instrument id."""
    references = MarketReference.objects.filter(memory__status=MemoryStatus.ACTIVE)
    if tenant_id is not None:
        references = references.filter(tenant_id=tenant_id)
    return dict(
        Instrument.objects.filter(
            pk__in=references.values("instrument_id")
        ).values_list("symbol", "id")
    )


def market_sync(
    *,
    tenant_id: int | None = None,
    fetch: bool = True,
    provider=None,
    backfill_days: int = 0,
    batch_size: int = 40,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> MarketSyncReport:
    """Fetch the quotes of every referenced instrument, then re-read the references.

    Symbols are de-duplicated across all references (of one tenant if given) and
    fetched in batches. A provider failure keeps the last good quotes (they are
    still applied) and is reported in ``provider_errors``. Only tasks and
    management commands call this: it asks a quote provider over the network.
    """
    say = progress or (lambda message: None)
    report = MarketSyncReport()
    symbols = referenced_symbols(tenant_id=tenant_id)
    report.symbols = sorted(symbols)
    if fetch and symbols:
        batches = [
            report.symbols[i : i + batch_size]
            for i in range(0, len(report.symbols), batch_size)
        ]
        for number, batch in enumerate(batches, start=1):
            fetched = quotes_fetch(symbols=batch, provider=provider)
            report.quotes_stored += len(fetched.stored)
            report.quotes_unchanged += len(fetched.duplicates)
            report.quotes_missing += fetched.missing
            report.quotes_rejected.update(fetched.rejected)
            if fetched.error:
                report.provider_errors.append(fetched.error)
            say(
                f"[{number}/{len(batches)}] quotes from {fetched.provider}: "
                f"{len(fetched.stored)} stored, {len(fetched.duplicates)} unchanged, "
                f"{len(fetched.missing)} missing, {len(fetched.rejected)} rejected"
                + (f"; error: {fetched.error}" if fetched.error else "")
            )
    if backfill_days and symbols:
        bars = bars_backfill(
            symbols=report.symbols, days=backfill_days, provider=provider
        )
        report.bars_written = sum(bars.bars_written.values())
        if bars.error:
            report.provider_errors.append(bars.error)
        say(f"bars: {report.bars_written} written over {backfill_days} days")
    report.readings = readings_refresh(
        tenant_id=tenant_id,
        now=now,
        progress=lambda partial: say(
            f"references: {partial.read} read, {partial.changed} changed, "
            f"{partial.events} events, {partial.alerts} alerts"
        ),
    )
    return report
