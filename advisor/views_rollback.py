"""Roll a chat back to a turn, read an abandoned branch, open a citation.

"Roll back to here" is a preview first (what would be reverted, what would
conflict; nothing written), then the rollback itself through
``conversation_rollback``, whose report the page shows. A citation shows the
version of the memory the reply relied on, as ``citation_resolve`` finds it in
the ledger, with the turn it came from and the quote it was read against.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from memory.conversations.rollback import conversation_rollback
from memory.errors import MemoryEngineError
from memory.ledger.replay import citation_resolve
from memory.models import CauseType, MemoryKind
from memory.selectors import memories_by_ids, memory_source_messages

from .views_chat import (
    chat_owner,
    chat_page,
    conversation_or_404,
    memory_changed,
    message_or_404,
    writable,
)

ROLLBACK_TEMPLATE = "advisor/rollback.html"
CITATION_TEMPLATE = "advisor/citation.html"


def _described(report, owner) -> dict:
    """The report's memories with their text, for a person to read."""
    ids = [r.memory for r in report.reverted] + [c.memory for c in report.conflicts]
    memories = memories_by_ids(tenant_id=owner.subject.tenant_id, memory_ids=ids)
    # A message's own episode goes with it: counted, not listed one by one.
    episodes = [r for r in report.reverted if r.kind == MemoryKind.EPISODE]
    return {
        "report": report,
        "reverted": [
            (r, memories.get(r.memory))
            for r in report.reverted
            if r.kind != MemoryKind.EPISODE
        ],
        "episodes": len(episodes),
        "conflicts": [
            (c, memories.get(c.memory), _versions(c)) for c in report.conflicts
        ],
    }


# How a version came to be, in the past tense.
MADE = {
    "create": "created",
    "update": "updated",
    "supersede": "superseded",
    "retract": "retracted",
    "restore": "restored",
    "approve": "approved",
    "reject": "rejected",
    "erase": "erased",
    "refresh": "refreshed",
    "revert": "reverted",
}


def _versions(conflict) -> list[dict]:
    """A conflict's two versions, as a person reads them: what the rolled-back
    messages left, and what is there now, with who made it."""
    described = []
    for label, version in (
        ("Left by these messages", conflict.rolled_back),
        ("Now", conflict.current),
    ):
        state = version.get("state") or {}
        cause = (version.get("cause") or {}).get("type")
        described.append(
            {
                "label": label,
                "version": version.get("version"),
                "text": state.get("text"),
                "status": state.get("status"),
                "action": MADE.get(version.get("action"), version.get("action")),
                "by": CauseType(cause).label if cause in CauseType.values else cause,
                "event": version.get("event"),
            }
        )
    return described


@login_required
@require_http_methods(["GET", "POST"])
def rollback_view(
    request, conversation_id: int, message_id: int, client_id: int | None = None
):
    """Preview a rollback to this message (GET), or roll back (POST)."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    writable(owner)
    target = message_or_404(owner, conversation, message_id)
    preview = request.method == "GET"
    context = {
        "owner": owner,
        "client": owner.client,
        "conversation": conversation,
        "target": target,
        "back_url": owner.url("conversation", conversation.pk),
        "action_url": owner.url("rollback", conversation.pk, target.pk),
    }
    try:
        report = conversation_rollback(
            conversation=conversation,
            to_message=target,
            user_id=request.user.pk,
            preview=preview,
        )
    except MemoryEngineError as error:
        context["rollback_error"] = error.message
        template = (
            f"{ROLLBACK_TEMPLATE}#rollback" if request.htmx else ROLLBACK_TEMPLATE
        )
        return render(request, template, context, status=409)
    described = _described(report, owner)
    if preview:
        context.update(described)
        template = (
            f"{ROLLBACK_TEMPLATE}#rollback" if request.htmx else ROLLBACK_TEMPLATE
        )
        return render(request, template, context)
    conversation.refresh_from_db(fields=["head"])
    if request.htmx:
        response = chat_page(request, owner, conversation, rollback=described)
        response["HX-Retarget"] = "#chat"
        response["HX-Reswap"] = "outerHTML"
        return memory_changed(response)
    context.update(described, done=True)
    return render(request, ROLLBACK_TEMPLATE, context)


@login_required
def branch_view(
    request, conversation_id: int, leaf_id: int, client_id: int | None = None
):
    """Read a branch of the conversation, an abandoned one included."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    leaf = message_or_404(owner, conversation, leaf_id)
    return chat_page(request, owner, conversation, branch=leaf.pk)


def _quote_age(quote: dict | None, at) -> str:
    """How old the quote was when the reply read it, in words."""
    if not quote or not quote.get("as_of"):
        return ""
    as_of = parse_datetime(quote["as_of"])
    if as_of is None:
        return ""
    seconds = max(0, int((at - as_of).total_seconds()))
    if seconds < 120:
        return "just read"
    if seconds < 7200:
        return f"{seconds // 60} minutes old"
    if seconds < 172800:
        return f"{seconds // 3600} hours old"
    return f"{seconds // 86400} days old"


@login_required
def citation_view(
    request,
    conversation_id: int,
    message_id: int,
    memory_id: int,
    client_id: int | None = None,
):
    """What a reply rested on: the memory's version it cited, and its source."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    reply = message_or_404(owner, conversation, message_id)
    citation = next(
        (c for c in reply.citations or [] if c.get("memory") == memory_id), None
    )
    if citation is None:
        raise Http404("The reply cites no such memory.")
    resolved = citation_resolve(citation=citation, tenant_id=owner.subject.tenant_id)
    sources = memory_source_messages(memory_ids=[memory_id]).get(memory_id, [])
    # Only turns of a subject the user reaches: a house view's come from its
    # analyst's chat, which an advisor does not read.
    sources = [m for m in sources if m.subject_id == owner.subject.pk]
    state = resolved.get("state") or {}
    context = {
        "owner": owner,
        "client": owner.client,
        "conversation": conversation,
        "reply": reply,
        "citation": citation,
        "resolved": resolved,
        "state": state,
        "reading": state.get("reading") if isinstance(state, dict) else None,
        "quote": citation.get("quote"),
        "quote_age": _quote_age(citation.get("quote"), reply.occurred_at),
        "now_age": _quote_age(citation.get("quote"), timezone.now()),
        "sources": sources,
        "back_url": owner.url("conversation", conversation.pk) + f"#message-{reply.pk}",
        "house_view": citation.get("subject") != owner.subject.pk,
    }
    template = f"{CITATION_TEMPLATE}#citation" if request.htmx else CITATION_TEMPLATE
    return render(request, template, context)
