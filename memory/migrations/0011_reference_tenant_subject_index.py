"""A firm's market references by subject, in an index.

A refresh of one firm (``seed_demo``, ``refresh_market`` for a firm, the
benchmark) counted its subjects' references by reading every firm's references:
0.3 s at a million references, before its first chunk could start. The indexed
columns never change, so refreshes still update references in place (HOT).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0002_provider_health_and_sources"),
        ("memory", "0010_alerts_without_per_row_key_checks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="marketreference",
            index=models.Index(
                fields=["tenant_id", "subject"], name="reference_tenant_subject"
            ),
        ),
    ]
