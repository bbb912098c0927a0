"""The changes feed's indexes: a firm's events (and alerts) in transaction order.

Built concurrently, so a large ledger keeps taking appends meanwhile. Rows from
before transaction ids were recorded sort first, as transaction 0.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS event_tenant_feed ON memory_memoryevent "
    "(tenant_id, (COALESCE(txid, '0'::xid8)), id)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS alert_tenant_feed ON memory_marketalert "
    "(tenant_id, (COALESCE(txid, '0'::xid8)), id)",
]
REVERSE = [
    "DROP INDEX CONCURRENTLY IF EXISTS event_tenant_feed",
    "DROP INDEX CONCURRENTLY IF EXISTS alert_tenant_feed",
]


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("memory", "0018_ledger_and_alert_transaction_ids")]

    operations = [
        migrations.RunSQL(forward, reverse)
        for forward, reverse in zip(FORWARD, REVERSE, strict=True)
    ]
