"""Appending to the ledger checks no foreign key per row; deletes are refused.

A foreign-key constraint runs a lookup (and a row lock) on every parent for each
appended event: three per event, costlier than the append itself. The ledger is
the only writer, and names rows it holds locked. What the constraints protected,
an event outliving its subject, memory or message, is kept by refusing to delete
any row the ledger names. The unique index on ``hash`` goes too: (subject,
sequence) is unique, and the chain makes each hash its own. Events with no cause
message (most: refreshes, API calls, tasks) stay out of that index.

An event's states are kept as the canonical text its digest covers (``json``,
which keeps text as written; ``jsonb`` parsed and rewrote it on every append).

A market alert's subject and memory are its reference's, copied: the database
checks the reference key alone, and nothing looks alerts up by memory.
"""

import django.db.models.deletion
from django.db import migrations, models

import memory.models

GUARDS = """
CREATE FUNCTION memory_ledger_parent_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    named boolean;
BEGIN
    -- One query per table, so each probes its own index.
    IF TG_TABLE_NAME = 'memory_subject' THEN
        named := EXISTS (SELECT 1 FROM memory_memoryevent WHERE subject_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'memory_memory' THEN
        named := EXISTS (SELECT 1 FROM memory_memoryevent WHERE memory_id = OLD.id);
    ELSE
        named := EXISTS (
            SELECT 1 FROM memory_memoryevent WHERE cause_message_id = OLD.id
        );
    END IF;
    IF named THEN
        RAISE EXCEPTION 'the memory ledger names % %: it cannot be deleted',
            TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END;
$$;
CREATE TRIGGER memory_subject_ledger_guard BEFORE DELETE ON memory_subject
    FOR EACH ROW EXECUTE FUNCTION memory_ledger_parent_guard();
CREATE TRIGGER memory_memory_ledger_guard BEFORE DELETE ON memory_memory
    FOR EACH ROW EXECUTE FUNCTION memory_ledger_parent_guard();
CREATE TRIGGER memory_message_ledger_guard BEFORE DELETE ON memory_message
    FOR EACH ROW EXECUTE FUNCTION memory_ledger_parent_guard();
"""

DROP_GUARDS = """
DROP TRIGGER IF EXISTS memory_subject_ledger_guard ON memory_subject;
DROP TRIGGER IF EXISTS memory_memory_ledger_guard ON memory_memory;
DROP TRIGGER IF EXISTS memory_message_ledger_guard ON memory_message;
DROP FUNCTION IF EXISTS memory_ledger_parent_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("memory", "0008_reading_on_market_reference")]

    operations = [
        migrations.AlterField(
            model_name="memoryevent",
            name="subject",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="memory.subject",
            ),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="memory",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="memory.memory",
            ),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="cause_message",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="memory.message",
            ),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="marketalert",
            name="reference",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="alerts",
                to="memory.marketreference",
            ),
        ),
        migrations.AlterField(
            model_name="marketalert",
            name="subject",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="market_alerts",
                to="memory.subject",
            ),
        ),
        migrations.AlterField(
            model_name="marketalert",
            name="memory",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="market_alerts",
                to="memory.memory",
            ),
        ),
        migrations.RemoveIndex(model_name="memoryevent", name="event_cause_message"),
        migrations.AddIndex(
            model_name="memoryevent",
            index=models.Index(
                condition=models.Q(cause_message__isnull=False),
                fields=["cause_message"],
                name="event_cause_message",
            ),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="before",
            field=memory.models.CanonicalJSONField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="after",
            field=memory.models.CanonicalJSONField(blank=True, null=True),
        ),
        migrations.RunSQL(GUARDS, DROP_GUARDS),
    ]
