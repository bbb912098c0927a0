"""What changed in a firm's memory, in the firm's terms: the changes feed's events
with their clients' CRM ids, as the REST API serves them and webhooks send them.

Thin: ids, action, type, time and cause; never the content of a memory.
"""

from memory.ledger.feed import FeedEvent
from memory.models import EventAction

from .selectors import client_external_ids

MEMORY_CHANGED = "memory.changed"
MEMORY_PROPOSED = "memory.proposed"
MEMORY_REVIEWED = "memory.reviewed"
MEMORY_REFRESHED = "memory.refreshed"


def event_type(event: FeedEvent) -> str:
    """Return the webhook type of a ledger event."""
    if event.action in (EventAction.APPROVE, EventAction.REJECT):
        return MEMORY_REVIEWED
    if event.action == EventAction.CREATE and event.proposal_action:
        return MEMORY_PROPOSED
    if event.action == EventAction.REFRESH:
        return MEMORY_REFRESHED
    return MEMORY_CHANGED


def feed_events_data(events: list[FeedEvent]) -> list[dict]:
    """Return the events as the API and webhooks give them; one query for all."""
    crm = client_external_ids(subject_ids={event.subject_id for event in events})
    return [
        {
            "id": event.id,
            "cursor": event.position.encode(),
            "type": event_type(event),
            "action": event.action,
            "sequence": event.sequence,
            "subject_id": event.subject_id,
            "client_external_id": crm.get(event.subject_id) or None,
            "memory_id": event.memory_id,
            "memory_kind": event.memory_kind,
            "occurred_at": event.occurred_at,
            "cause": {
                "type": event.cause_type,
                "user_id": event.cause_user_id,
                "message_id": event.cause_message_id,
                "ref": event.cause_ref,
            },
        }
        for event in events
    ]
