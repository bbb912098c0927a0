from django.core.management.base import BaseCommand

from memory.models import Memory
from memory.recall.embedders import get_embedder
from memory.recall.indexing import memories_reembed_batch


class Command(BaseCommand):
    help = (
        "Embed every memory not yet embedded by the configured embedder (after "
        "changing MEMORY_EMBEDDER). Resumable: run it again to continue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--after-id", type=int, default=0, help="Resume after this memory id."
        )

    def handle(self, *args, batch_size, after_id, **options):
        embedder = get_embedder()
        todo = (
            Memory.objects.filter(pk__gt=after_id)
            .exclude(embedding_model=embedder.name)
            .exclude(status="erased")
            .count()
        )
        self.stdout.write(f"Embedder {embedder.name}: {todo} memories to embed.")
        done = 0
        last_id = after_id
        while True:
            count, last_id = memories_reembed_batch(
                after_id=last_id, batch_size=batch_size
            )
            if not count:
                break
            done += count
            percent = 100 * done / todo if todo else 100
            self.stdout.write(
                f"  {done}/{todo} ({percent:.0f}%), resume with --after-id {last_id}"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {done} memories embedded."))
