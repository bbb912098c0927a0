"""Make the ledger append-only in the database itself.

UPDATE and DELETE of a ledger row raise an error, whoever issues them: the ORM, a
bug, or a raw SQL session. The one update allowed is erasure's redaction: the
content (before/after) is removed and redacted_at set, while every column the hash
chain covers stays as it was, so the chain still verifies after a client's right
to be forgotten is honoured.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION memory_event_guard() RETURNS trigger
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
    THEN
        RETURN NEW;  -- erasure: content removed, digest and chain kept
    END IF;
    RAISE EXCEPTION 'memory ledger is append-only: UPDATE of event % refused', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER memory_event_append_only
    BEFORE UPDATE OR DELETE ON memory_memoryevent
    FOR EACH ROW EXECUTE FUNCTION memory_event_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS memory_event_append_only ON memory_memoryevent;
DROP FUNCTION IF EXISTS memory_event_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("memory", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
