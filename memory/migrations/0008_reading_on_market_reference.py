"""Move the market reading from the memory to its market reference.

A refresh rewrites readings by the hundred thousand. On the memory, each rewrite
copied the memory's wide row and re-entered it in every index (the HNSW graph
included); on the reference, with no index on what a refresh writes and room kept
on each page, PostgreSQL updates the row in place. The reading is kept as the
ledger's canonical JSON text (``CanonicalJSONField``).
"""

from django.db import migrations

import memory.models

BATCH = 2000


def readings_to_references(apps, schema_editor):
    Memory = apps.get_model("memory", "Memory")
    MarketReference = apps.get_model("memory", "MarketReference")
    readings = (
        Memory.objects.exclude(reading={})
        .filter(market_reference__isnull=False)
        .values_list("pk", "reading")
    )
    batch = []
    for memory_id, reading in readings.iterator(chunk_size=BATCH):
        batch.append((memory_id, reading))
        if len(batch) == BATCH:
            _store(MarketReference, batch)
            batch = []
    _store(MarketReference, batch)


def _store(MarketReference, batch):
    references = list(
        MarketReference.objects.filter(memory_id__in=[m for m, _ in batch])
    )
    readings = dict(batch)
    for reference in references:
        reference.reading = readings[reference.memory_id]
    MarketReference.objects.bulk_update(references, ["reading"], batch_size=BATCH)


def readings_to_memories(apps, schema_editor):
    Memory = apps.get_model("memory", "Memory")
    MarketReference = apps.get_model("memory", "MarketReference")
    # ``json`` has no equality operator: empty readings are skipped here.
    rows = MarketReference.objects.values_list("memory_id", "reading")
    for memory_id, reading in rows.iterator(chunk_size=BATCH):
        if reading:
            Memory.objects.filter(pk=memory_id).update(reading=reading)


class Migration(migrations.Migration):
    dependencies = [("memory", "0007_drop_indexes_covered_by_composites")]

    operations = [
        migrations.AddField(
            model_name="marketreference",
            name="reading",
            field=memory.models.CanonicalJSONField(blank=True, default=dict),
        ),
        migrations.RunPython(readings_to_references, readings_to_memories),
        migrations.RemoveField(model_name="memory", name="reading"),
        migrations.RemoveIndex(
            model_name="marketreference", name="reference_tenant_refreshed"
        ),
        # Room on each page for the next version of a row: updates stay on the
        # page (HOT) and touch no index.
        migrations.RunSQL(
            "ALTER TABLE memory_marketreference SET (fillfactor = 50)",
            "ALTER TABLE memory_marketreference RESET (fillfactor)",
        ),
    ]
