"""An alert names the instrument it was raised for, and is once per instrument.

A reference moves to another instrument when its memory's instrument is
corrected. An alert was once per (reference, kind, threshold): the new
instrument crossing a threshold the old one had crossed raised nothing, the
insert meeting the old alert. Alerts already raised are given their reference's
instrument now (for one that moved, the new one: which was the old one is not
recorded).
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE memory_marketalert a SET instrument_id = r.instrument_id
FROM memory_marketreference r WHERE r.id = a.reference_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0002_provider_health_and_sources"),
        ("memory", "0011_reference_tenant_subject_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="marketalert",
            name="instrument",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="market.instrument",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="marketalert",
            name="instrument",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="market.instrument",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="marketalert", name="alert_once_per_threshold"
        ),
        migrations.AddConstraint(
            model_name="marketalert",
            constraint=models.UniqueConstraint(
                fields=("reference", "instrument", "kind", "threshold_key"),
                name="alert_once_per_threshold",
            ),
        ),
    ]
