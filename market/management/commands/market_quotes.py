"""Refresh quotes (and optionally backfill daily bars) from the command line."""

from django.core.management.base import BaseCommand, CommandError

from market.instruments import DEFAULT_INSTRUMENTS
from market.models import Instrument
from market.providers import get_provider, normalize_symbols
from market.services import bars_backfill, instruments_ensure, quotes_fetch


class Command(BaseCommand):
    help = (
        "Fetch the latest quote of some instruments (or --all) from the configured "
        "quote provider, and optionally backfill their daily bars."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbols", nargs="*", help="ticker symbols, e.g. AAPL")
        parser.add_argument(
            "--all", action="store_true", help="every instrument in the database"
        )
        parser.add_argument(
            "--backfill-days",
            type=int,
            default=0,
            metavar="N",
            help="also store the daily bars of the last N days",
        )
        parser.add_argument(
            "--provider",
            choices=["simulated", "yfinance", "fixed"],
            help="override MARKET_QUOTE_PROVIDER",
        )
        parser.add_argument(
            "--seed",
            action="store_true",
            help="first create or update the default instruments",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=40,
            help="symbols per refresh, for progress output (default 40)",
        )

    def handle(self, *args, **options):
        if options["backfill_days"] < 0:
            raise CommandError("--backfill-days must not be negative.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["seed"]:
            seeded = instruments_ensure(specs=DEFAULT_INSTRUMENTS)
            self.stdout.write(f"Ensured {len(seeded)} default instruments.")
        symbols = normalize_symbols(options["symbols"])
        if options["all"]:
            symbols = normalize_symbols(
                symbols + list(Instrument.objects.values_list("symbol", flat=True))
            )
        if not symbols:
            raise CommandError("Name some symbols, or pass --all.")
        provider = get_provider(options["provider"])
        batch = options["batch_size"]
        batches = [symbols[i : i + batch] for i in range(0, len(symbols), batch)]
        self.stdout.write(
            f"Refreshing {len(symbols)} symbols from {provider.name} "
            f"in {len(batches)} batch(es)."
        )
        failed = False
        for number, chunk in enumerate(batches, start=1):
            report = quotes_fetch(symbols=chunk, provider=provider)
            self.stdout.write(
                f"[{number}/{len(batches)}] quotes: {len(report.stored)} stored, "
                f"{len(report.duplicates)} unchanged, {len(report.missing)} missing, "
                f"{len(report.rejected)} rejected, {len(report.unknown)} unknown"
            )
            self._details(report.unknown, report.missing, report.rejected)
            if report.error:
                failed = True
                self.stderr.write(f"  error: {report.error}")
            if options["backfill_days"]:
                bars = bars_backfill(
                    symbols=chunk, days=options["backfill_days"], provider=provider
                )
                self.stdout.write(
                    f"[{number}/{len(batches)}] bars: "
                    f"{sum(bars.bars_written.values())} written for "
                    f"{len(bars.bars_written)} symbols, {bars.rejected} rejected, "
                    f"{len(bars.missing)} missing"
                )
                if bars.error:
                    failed = True
                    self.stderr.write(f"  error: {bars.error}")
        if failed:
            self.stdout.write(self.style.WARNING("Done, with errors (see above)."))
        else:
            self.stdout.write(self.style.SUCCESS("Done."))

    def _details(self, unknown, missing, rejected):
        if unknown:
            self.stdout.write(f"  unknown: {' '.join(unknown)}")
        if missing:
            self.stdout.write(f"  no data: {' '.join(missing)}")
        for symbol, reason in rejected.items():
            self.stdout.write(f"  rejected {symbol}: {reason}")
