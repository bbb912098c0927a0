import json
import sys

from django.core.management.base import BaseCommand, CommandError

from advisor.models import Client, Firm
from memory.conversations.imports import transcript_import
from memory.errors import MemoryEngineError


class Command(BaseCommand):
    help = (
        "Import a transcript (a JSON list of turns: speaker, text, occurred_at, "
        "optional role and external_id) for a client, in batches with progress. "
        "Turns whose external_id was imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON file, or - for standard input")
        parser.add_argument("--firm", required=True, help="the firm's slug")
        parser.add_argument("--client", required=True, help="the client's CRM id")
        parser.add_argument("--title", default="")
        parser.add_argument("--conversation-id", default="", help="its CRM id")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(
        self, *args, path, firm, client, title, conversation_id, batch_size, **options
    ):
        firm_obj = Firm.objects.filter(slug=firm).first()
        if firm_obj is None:
            raise CommandError(f"No firm with slug {firm!r}.")
        client_obj = Client.objects.filter(firm=firm_obj, external_id=client).first()
        if client_obj is None:
            raise CommandError(f"No client with CRM id {client!r} in {firm_obj}.")
        try:
            source = sys.stdin if path == "-" else open(path, encoding="utf-8")
            with source:
                turns = json.load(source)
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if isinstance(turns, dict):
            turns = turns.get("turns", [])
        if not isinstance(turns, list):
            raise CommandError("The file must hold a list of turns.")

        def progress(job):
            self.stdout.write(
                f"  stored {job.turns_stored}/{job.turns_total - job.turns_skipped}"
            )

        try:
            job = transcript_import(
                subject=client_obj.subject,
                turns=turns,
                title=title,
                conversation_external_id=conversation_id,
                batch_size=batch_size,
                progress=progress,
            )
        except MemoryEngineError as error:
            fields = error.extra.get("fields", {})
            details = "\n".join(
                f"  {name}: {'; '.join(msgs)}"
                for name, msgs in list(fields.items())[:20]
            )
            raise CommandError(f"{error.message}\n{details}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Import #{job.pk}: {job.turns_stored} turns stored, "
                f"{job.turns_skipped} already imported. Embedding and extraction "
                f"run in the background; GET /api/v1/imports/{job.pk}/ says when "
                "it is done."
            )
        )
