"""Ledger chain version 2: an event's reason is inside its content digest.

A reason is typed by people (a rejection, a retraction, an erasure) and may name
the client; hashed as text in the header (version 1), erasure could not remove
it without breaking the chain. Existing events stay version 1 and verify as they
were written; new events are version 2.

The append-only guard now lets erasure clear a version 2 event's reason along
with its states, and checks every other column by comparing the whole row, so a
column added later is guarded too without touching this function again.
"""

from django.db import migrations, models

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
       AND (NEW.reason = OLD.reason OR (OLD.chain_version >= 2 AND NEW.reason = ''))
       AND (to_jsonb(NEW) - 'before' - 'after' - 'reason' - 'redacted_at')
           = (to_jsonb(OLD) - 'before' - 'after' - 'reason' - 'redacted_at')
    THEN
        RETURN NEW;  -- erasure: content removed, digest and chain kept
    END IF;
    RAISE EXCEPTION 'memory ledger is append-only: UPDATE of event % refused', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""

# The guard before this migration (0018's, which also keeps the feed's txid).
VERSION_1_GUARD = """
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


class Migration(migrations.Migration):
    dependencies = [("memory", "0019_feed_indexes_by_transaction")]

    operations = [
        # The append-only trigger refuses UPDATE, and adding a column with a
        # default rewrites no row in PostgreSQL (the default is in the catalog).
        migrations.AddField(
            model_name="memoryevent",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="memoryevent",
            name="chain_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunSQL(GUARD, VERSION_1_GUARD),
    ]
