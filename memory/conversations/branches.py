"""Reads of a conversation's tree: its branches, and the messages of one of them.

A branch is the path from the first message to a leaf. The active branch ends at
the head; a rollback leaves the messages after its target as an abandoned branch
(kept, marked rolled back), and the next message starts a new one. A failed
reply that was retried is no branch of its own.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from memory.errors import NotFound
from memory.ledger.replay import message_ancestry
from memory.models import Conversation, ImportJob, Message, MessageStatus


@dataclass
class Branch:
    leaf: int
    active: bool
    length: int
    # Where it leaves the active branch (None for the active branch itself).
    forked_from: int | None
    status: str
    last_at: datetime


def message_list(*, conversation: Conversation, branch: int | None = None) -> list:
    """Return the messages of a branch, first to last: the active one by default.

    ``branch`` is the id of the branch's leaf (any message of the conversation:
    the path to it is returned).
    """
    leaf = conversation.head_id if branch is None else branch
    if leaf is None:
        return []
    if (
        branch is not None
        and not Message.objects.filter(
            pk=branch, conversation_id=conversation.pk
        ).exists()
    ):
        raise NotFound(
            "That message is not one of this conversation's.",
            extra={"fields": {"branch": ["is not a message of this conversation"]}},
        )
    path = message_ancestry(leaf)
    messages = Message.objects.filter(pk__in=path).in_bulk()
    return [messages[pk] for pk in reversed(path)]


def conversation_branches(*, conversation: Conversation) -> list[Branch]:
    """Return the conversation's branches: the active one first, then the others."""
    rows = list(
        Message.objects.filter(conversation_id=conversation.pk).values_list(
            "pk", "parent_id", "status", "occurred_at"
        )
    )
    if not rows:
        return []
    parent = {pk: parent_id for pk, parent_id, _, _ in rows}
    status = {pk: state for pk, _, state, _ in rows}
    when = {pk: moment for pk, _, _, moment in rows}
    has_children = {parent_id for parent_id in parent.values() if parent_id}
    active_path = set()
    node = conversation.head_id
    while node is not None:
        active_path.add(node)
        node = parent.get(node)
    branches = []
    for pk in parent:
        if pk in has_children or status[pk] == MessageStatus.RETRIED:
            continue
        path, node, forked_from = [], pk, None
        while node is not None:
            if node in active_path and forked_from is None and pk not in active_path:
                forked_from = node
            path.append(node)
            node = parent.get(node)
        branches.append(
            Branch(
                leaf=pk,
                active=pk == conversation.head_id,
                length=len(path),
                forked_from=forked_from,
                status=MessageStatus.ACTIVE
                if pk in active_path
                else MessageStatus.ROLLED_BACK,
                last_at=when[pk],
            )
        )
    head = conversation.head_id
    if head is not None and head in has_children:
        # Rolled back to a message that has later ones: the active branch ends
        # at the head, though it is no leaf.
        branches.append(
            Branch(head, True, len(message_ancestry(head)), None, "active", when[head])
        )
    branches.sort(key=lambda b: (not b.active, -b.last_at.timestamp(), -b.leaf))
    return branches


def conversation_import(*, conversation: Conversation) -> ImportJob | None:
    """Return the latest transcript import into a conversation, if any."""
    return (
        ImportJob.objects.filter(conversation_id=conversation.pk)
        .order_by("-pk")
        .first()
    )


def conversation_get(*, conversation_id: int) -> Conversation | None:
    """Return a conversation with its subject, or None (callers check who asks)."""
    return (
        Conversation.objects.filter(pk=conversation_id)
        .select_related("subject")
        .first()
    )


def conversation_list(*, subject) -> QuerySet[Conversation]:
    """Return a subject's conversations."""
    return Conversation.objects.filter(subject_id=subject.pk)


def message_get(*, subject, message_id: int) -> Message | None:
    """Return one of a subject's messages, or None."""
    return Message.objects.filter(pk=message_id, subject_id=subject.pk).first()
