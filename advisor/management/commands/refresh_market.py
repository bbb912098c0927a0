"""Refresh the market readings of memories: quotes, daily bars, references."""

from django.core.management.base import BaseCommand, CommandError

from advisor.models import Firm
from market.providers import get_provider
from memory.readings.sync import market_sync


class Command(BaseCommand):
    help = (
        "Fetch the quotes of every instrument memories refer to (de-duplicated), "
        "optionally backfill their daily bars, then re-read every reference: "
        "readings, refresh events in the ledger, and alerts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--firm", metavar="SLUG", help="only this firm's memories")
        parser.add_argument(
            "--fetch",
            action="store_true",
            default=True,
            help="ask the quote provider first (the default)",
        )
        parser.add_argument(
            "--no-fetch",
            dest="fetch",
            action="store_false",
            help="only re-read references against the quotes already stored",
        )
        parser.add_argument(
            "--backfill-days",
            type=int,
            default=0,
            metavar="N",
            help="also store the daily bars of the last N days (analyst charts)",
        )
        parser.add_argument(
            "--provider",
            choices=["simulated", "yfinance", "fixed"],
            help="override MARKET_QUOTE_PROVIDER",
        )

    def handle(self, *args, **options):
        if options["backfill_days"] < 0:
            raise CommandError("--backfill-days must not be negative.")
        tenant_id = None
        if options["firm"]:
            firm = Firm.objects.filter(slug=options["firm"]).first()
            if firm is None:
                raise CommandError(f"No firm with the slug {options['firm']!r}.")
            tenant_id = firm.pk
        provider = get_provider(options["provider"])
        self.stdout.write(
            f"Refreshing market readings{f' of {firm.name}' if tenant_id else ''}"
            f" from {provider.name if options['fetch'] else 'stored quotes'}."
        )
        report = market_sync(
            tenant_id=tenant_id,
            fetch=options["fetch"],
            provider=provider,
            backfill_days=options["backfill_days"],
            progress=self.stdout.write,
        )
        refs = report.readings
        self.stdout.write(
            f"Instruments: {len(report.symbols)} referenced, "
            f"{report.quotes_stored} quotes stored, "
            f"{report.quotes_unchanged} unchanged, "
            f"{len(report.quotes_missing)} missing, "
            f"{len(report.quotes_rejected)} rejected."
        )
        self.stdout.write(
            f"References: {refs.read} refreshed ({refs.changed} changed, "
            f"{refs.without_quote} without a quote), {refs.events} events appended, "
            f"{refs.alerts} alerts raised, in {refs.seconds:.1f} s."
        )
        for symbol, reason in sorted(report.quotes_rejected.items()):
            self.stderr.write(f"  rejected {symbol}: {reason}")
        if report.provider_errors:
            for error in report.provider_errors:
                self.stderr.write(f"Provider failure: {error}")
            self.stderr.write(
                "The last good quotes were kept and applied; their age shows in "
                "each memory's freshness."
            )
