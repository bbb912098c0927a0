"""The changes feed: a tenant's ledger events in transaction order, thin.

Event ids are drawn before a transaction commits, so ``id > cursor`` would skip
a transaction that drew its ids early and committed late. Each event records
its writing transaction instead (``MemoryEvent.txid``, filled by the database),
and a page serves only events of transactions older than its own snapshot's
``xmin``: every one of those has ended, so whatever of them committed is
visible, and nothing can still appear below the cursor. A page that ends
before its limit moves the cursor up to that horizon, so a caller filtering
few subjects does not scan the same events again.

Events are ordered by (transaction, id): a transaction's events together, in
the order they were appended. A long-running transaction anywhere in the
database holds the horizon back: the feed then waits for it; it never skips it.

Thin means no content: ids, action, times and cause; never the states (what
was said), so nothing erased was ever copied out.
"""

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection

# Beyond any event id: a position "after everything of this transaction".
LAST_ID = 2**63 - 1


@dataclass(frozen=True, order=True)
class FeedPosition:
    """Where a reader of the feed is: after (transaction, event id)."""

    txid: int
    id: int

    def encode(self) -> str:
        """Return the position as an opaque cursor."""
        text = f"v1:{self.txid}:{self.id}".encode()
        return base64.urlsafe_b64encode(text).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> "FeedPosition":
        """Return the position a cursor names; ValueError if it names none."""
        if not cursor or len(cursor) > 80:
            raise ValueError("is not a cursor this feed gave")
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            version, txid, event_id = text.decode("ascii").split(":")
            position = cls(int(txid), int(event_id))
        except (binascii.Error, UnicodeError, ValueError) as error:
            raise ValueError("is not a cursor this feed gave") from error
        if (
            version != "v1"
            or not (0 <= position.txid < 2**63)
            or not (0 <= position.id <= LAST_ID)
        ):
            raise ValueError("is not a cursor this feed gave")
        return position


START = FeedPosition(0, 0)


class FeedEvent(NamedTuple):
    id: int
    txid: int
    subject_id: int
    sequence: int
    memory_id: int | None
    memory_kind: str | None
    proposal_action: str
    action: str
    # ISO 8601 in UTC, as PostgreSQL writes it: readers pass it on as it is.
    occurred_at: str
    cause_type: str
    cause_user_id: int | None
    cause_message_id: int | None
    cause_ref: str

    @property
    def position(self) -> FeedPosition:
        return FeedPosition(self.txid, self.id)


@dataclass
class FeedPage:
    """One page of the feed; ``next`` is where the following page starts."""

    events: list[FeedEvent]
    next: FeedPosition
    has_more: bool


TXID = "COALESCE(e.txid, '0'::xid8)"

FEED_SQL = f"""
WITH horizon AS MATERIALIZED (
    SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin
)
SELECT e.id, {TXID}::text, e.subject_id, e.sequence, e.memory_id, m.kind,
       m.proposal_action, e.action,
       to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       e.cause_type, e.cause_user_id,
       e.cause_message_id, e.cause_ref, h.xmin::text
FROM horizon h
LEFT JOIN LATERAL (
    SELECT e.* FROM memory_memoryevent e
    WHERE e.tenant_id = %(tenant)s
      AND ({TXID}, e.id) > (%(txid)s::xid8, %(id)s)
      AND {TXID} < h.xmin
      {{subjects}}
    ORDER BY {TXID}, e.id
    LIMIT %(limit)s
) e ON true
LEFT JOIN memory_memory m ON m.id = e.memory_id
ORDER BY {TXID}, e.id
"""


def memory_events_after(
    *,
    tenant_id: int,
    after: FeedPosition = START,
    limit: int = 100,
    subject_ids: Iterable[int] | None = None,
    exclude_actions: Iterable[str] = (),
) -> FeedPage:
    """Return a tenant's ledger events after ``after``, in transaction order.

    Only events of transactions that had ended when the page was read; with
    ``subject_ids``, only those subjects' events; none of ``exclude_actions``.
    One query.
    """
    params = {
        "tenant": tenant_id,
        "txid": str(after.txid),
        "id": after.id,
        "limit": limit + 1,
    }
    subjects = ""
    if subject_ids is not None:
        subjects = "AND e.subject_id = ANY(%(subjects)s)"
        params["subjects"] = list(subject_ids)
    exclude_actions = list(exclude_actions)
    if exclude_actions:
        subjects += " AND e.action <> ALL(%(skip)s)"
        params["skip"] = exclude_actions
    with connection.cursor() as cursor:
        cursor.execute(FEED_SQL.replace("{subjects}", subjects), params)
        rows = cursor.fetchall()
    horizon = int(rows[0][-1])
    events = [
        FeedEvent(row[0], int(row[1]), *row[2:13]) for row in rows if row[0] is not None
    ]
    has_more = len(events) > limit
    events = events[:limit]
    if has_more:
        following = events[-1].position
    else:
        # Every transaction below the horizon had ended: all of theirs was read.
        following = max(after, FeedPosition(horizon - 1, LAST_ID))
    return FeedPage(events=events, next=following, has_more=has_more)


def feed_horizon() -> FeedPosition:
    """Return the position after every event that can be read now: "from now"."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")
        return FeedPosition(int(cursor.fetchone()[0]) - 1, LAST_ID)
