"""A memory's state as the ledger records it in an event."""

import json

from memory.models import Memory

from .canonical import canonical, iso

SNAPSHOT_FIELDS = [
    "kind",
    "key",
    "text",
    "payload",
    "status",
    "importance",
    "confidence",
    "source",
    "author_user_id",
    "author_label",
    "version",
    "proposal_action",
    "superseded_by_id",
    "retention_class",
]
SNAPSHOT_TIMES = ["valid_from", "valid_to", "recorded_at", "expires_at", "published_at"]


def snapshot(memory: Memory, source_message_ids: list[int] | None = None) -> dict:
    """Return the state of a memory as the ledger records it."""
    state = {name: getattr(memory, name) for name in SNAPSHOT_FIELDS}
    state.update({name: iso(getattr(memory, name)) for name in SNAPSHOT_TIMES})
    state["id"] = memory.pk
    state["subject_id"] = memory.subject_id
    if source_message_ids is None:
        source_message_ids = (
            sorted(memory.source_messages.values_list("pk", flat=True))
            if memory.pk
            else []
        )
    state["source_message_ids"] = sorted(source_message_ids)
    # Round-trip through JSON so the digest computed now equals the one computed
    # later from what PostgreSQL gives back.
    return json.loads(canonical(state))
