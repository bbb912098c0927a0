"""Raising an alert checks no foreign key per row; deleting its reference is refused.

The reference key of each alert was checked at commit: a lookup and a row lock
on a reference the same refresh had just updated, for every alert (a refresh of
100,000 references raises some 75,000 on its first pass). Only a refresh raises
alerts, for references it holds under their subjects' locks. What the
constraint protected, an alert outliving its reference, is kept by refusing to
delete a reference an alert names, as the ledger's parents are kept (0009).
"""

import django.db.models.deletion
from django.db import migrations, models

GUARD = """
CREATE FUNCTION memory_alert_reference_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Probes the unique (reference, kind, threshold_key) index.
    IF EXISTS (SELECT 1 FROM memory_marketalert WHERE reference_id = OLD.id) THEN
        RAISE EXCEPTION 'market alerts name reference %: it cannot be deleted',
            OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER memory_marketreference_alert_guard
    BEFORE DELETE ON memory_marketreference
    FOR EACH ROW EXECUTE FUNCTION memory_alert_reference_guard();
"""

DROP_GUARD = """
DROP TRIGGER IF EXISTS memory_marketreference_alert_guard ON memory_marketreference;
DROP FUNCTION IF EXISTS memory_alert_reference_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("memory", "0009_ledger_appends_without_per_row_checks")]

    operations = [
        migrations.AlterField(
            model_name="marketalert",
            name="reference",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="memory.marketreference",
            ),
        ),
        migrations.RunSQL(GUARD, DROP_GUARD),
    ]
