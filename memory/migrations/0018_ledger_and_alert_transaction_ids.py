"""Each ledger event and market alert records the transaction that wrote it.

The changes feed serves only rows of transactions older than the reading
snapshot's xmin (every one of them has ended), so a transaction that draws its
ids early and commits late is never skipped by a cursor.

The column is added nullable, then given its default: adding it with a volatile
default would rewrite the whole ledger. Rows written before stay null (they
were committed long ago) and sort first. COPY writers do not name the column and
get the default. The append-only guard now also keeps it unchanged.
"""

from django.db import migrations

import memory.models.fields

ADD_COLUMNS = """
ALTER TABLE memory_memoryevent ADD COLUMN txid xid8;
ALTER TABLE memory_memoryevent ALTER COLUMN txid SET DEFAULT pg_current_xact_id();
ALTER TABLE memory_marketalert ADD COLUMN txid xid8;
ALTER TABLE memory_marketalert ALTER COLUMN txid SET DEFAULT pg_current_xact_id();
"""

DROP_COLUMNS = """
ALTER TABLE memory_memoryevent DROP COLUMN txid;
ALTER TABLE memory_marketalert DROP COLUMN txid;
"""

GUARD = """
CREATE OR REPLACE FUNCTION memory_event_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'memory ledger is append-only: DELETE of event % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.redacted_at IS NULL
       AND NEW.redacted_at IS NOT NULL
       AND NEW.before IS NULL
       AND NEW.after IS NULL
       AND NEW.id = OLD.id
       AND NEW.subject_id = OLD.subject_id
       AND NEW.tenant_id = OLD.tenant_id
       AND NEW.sequence = OLD.sequence
       AND NEW.memory_id IS NOT DISTINCT FROM OLD.memory_id
       AND NEW.action = OLD.action
       AND NEW.content_digest = OLD.content_digest
       AND NEW.cause_type = OLD.cause_type
       AND NEW.cause_user_id IS NOT DISTINCT FROM OLD.cause_user_id
       AND NEW.cause_message_id IS NOT DISTINCT FROM OLD.cause_message_id
       AND NEW.cause_ref = OLD.cause_ref
       AND NEW.reason = OLD.reason
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.prev_hash = OLD.prev_hash
       AND NEW.hash = OLD.hash
       AND NEW.txid IS NOT DISTINCT FROM OLD.txid
    THEN
        RETURN NEW;  -- erasure: content removed, digest and chain kept
    END IF;
    RAISE EXCEPTION 'memory ledger is append-only: UPDATE of event % refused', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

GUARD_BEFORE = GUARD.replace("       AND NEW.txid IS NOT DISTINCT FROM OLD.txid\n", "")


class Migration(migrations.Migration):
    dependencies = [("memory", "0017_extraction_failure")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(ADD_COLUMNS, DROP_COLUMNS),
                migrations.RunSQL(GUARD, GUARD_BEFORE),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="memoryevent",
                    name="txid",
                    field=memory.models.fields.TransactionIdField(),
                ),
                migrations.AddField(
                    model_name="marketalert",
                    name="txid",
                    field=memory.models.fields.TransactionIdField(),
                ),
            ],
        ),
    ]
