"""The chat with the twin: conversations, the transcript, a turn, meeting prep.

One set of views serves two owners: an advisor's client (under
``/clients/<id>/conversations/``) and an analyst's own memory (under
``/analyst/chat/``). Every turn goes through ``turn_take``; rollback, branches
and citations are in ``views_rollback``. A turn that may change memory sends
``twin-memory-changed``, on which the memory panel beside the chat reloads.
Another advisor's client, or a conversation or message not of this owner, is a
404; bad input re-renders the form with its errors (422) and stores nothing.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from memory.conversations.branches import (
    conversation_branches,
    conversation_get,
    conversation_list,
    message_get,
    message_list,
)
from memory.conversations.messages import conversation_start
from memory.conversations.turns import turn_retry, turn_take
from memory.errors import MemoryEngineError
from memory.extraction.pipeline import message_extraction_state
from memory.governance.access import subject_access_record
from memory.models import Conversation, MessageRole, MessageStatus
from memory.selectors import memories_by_ids

from .forms import ChatMessageForm, ConversationStartForm
from .memory_panel import memory_panel
from .models import Client
from .selectors import analyst_profile_get
from .views import WEB_SURFACE, client_or_404, panel_context

CHAT_TEMPLATE = "advisor/_chat.html#chat"
ANALYST_TEMPLATE = "advisor/analyst_chat.html"
CLIENT_TEMPLATE = "advisor/client_detail.html"
MEMORY_CHANGED = "twin-memory-changed"
EXTRACTION_TEMPLATE = "advisor/_extraction_state.html"
PREP_TEXT = "Prep me for my next meeting with {name}."
READ_ONLY = (
    "You may read this conversation, not write to it: only the client's advisor, "
    "or the analyst in their own chat, takes turns and rolls back."
)


@dataclass
class ChatOwner:
    """Whose memory a chat is about, and whether the signed-in user may speak."""

    subject: object
    name: str
    can_write: bool
    client: Client | None = None

    @property
    def pk(self):  # the memory panel's template names its owner ``client``
        return self.client.pk if self.client else None

    def url(self, name: str, *args) -> str:
        if self.client is not None:
            return reverse(f"client-{name}", args=[self.client.pk, *args])
        return reverse(f"analyst-{name}", args=list(args))


@dataclass
class Turn:
    """A message as the transcript shows it, with its links."""

    message: object
    citations: list[dict] = field(default_factory=list)
    rollback_url: str = ""
    retry_url: str = ""
    # While the worker has not extracted the message yet, the page asks every
    # second and reloads the memory panel once it has.
    extraction_url: str = ""


def chat_owner(request, client_id: int | None = None) -> ChatOwner:
    """Return the client (by id) or the signed-in analyst whose chat this is."""
    if client_id is not None:
        client = client_or_404(request, client_id)
        return ChatOwner(client.subject, client.name, request.user.is_advisor, client)
    profile = (
        analyst_profile_get(user=request.user) if request.user.is_analyst else None
    )
    if profile is None:
        raise Http404("Only an analyst has a chat of their own.")
    name = request.user.get_full_name() or request.user.username
    return ChatOwner(profile.subject, name, True)


def writable(owner: ChatOwner) -> None:
    if not owner.can_write:
        raise PermissionDenied(READ_ONLY)


def conversation_or_404(owner: ChatOwner, conversation_id: int) -> Conversation:
    conversation = conversation_get(conversation_id=conversation_id)
    if conversation is None or conversation.subject_id != owner.subject.pk:
        raise Http404("No such conversation.")
    return conversation


def message_or_404(owner: ChatOwner, conversation: Conversation, message_id: int):
    message = message_get(subject=owner.subject, message_id=message_id)
    if message is None or message.conversation_id != conversation.pk:
        raise Http404("No such message.")
    return message


def speaker_of(user) -> str:
    return (user.get_full_name() or user.username)[:120]


def latest_conversation(owner: ChatOwner) -> Conversation | None:
    """The chat to open first: the latest one with the twin, else the latest."""
    conversations = conversation_list(subject=owner.subject)
    return (
        conversations.filter(origin=Conversation.Origin.CHAT).first()
        or conversations.first()
    )


def _turns(owner, conversation, items, *, reading_active: bool) -> list[Turn]:
    cited_ids = {c.get("memory") for m in items for c in (m.citations or [])}
    cited = memories_by_ids(tenant_id=owner.subject.tenant_id, memory_ids=cited_ids)
    last = items[-1].pk if items else None
    said = [m.pk for m in items if m.role == MessageRole.USER]
    last_said = said[-1] if said else None
    turns = []
    for message in items:
        turn = Turn(message)
        for citation in message.citations or []:
            memory = cited.get(citation.get("memory"))
            turn.citations.append(
                {
                    **citation,
                    "text": memory.text if memory else "",
                    "status": memory.status if memory else "",
                    "url": owner.url(
                        "citation", conversation.pk, message.pk, citation["memory"]
                    ),
                }
            )
        if (
            owner.can_write
            and reading_active
            and message.status == MessageStatus.ACTIVE
        ):
            turn.rollback_url = owner.url("rollback", conversation.pk, message.pk)
            if message.failure_reason and message.pk == last:
                turn.retry_url = owner.url("retry", conversation.pk, message.pk)
        if message.pk == last_said and message_extraction_state(message) == "pending":
            turn.extraction_url = owner.url("extraction", conversation.pk, message.pk)
        turns.append(turn)
    return turns


def chat_context(
    request,
    owner: ChatOwner,
    conversation: Conversation | None,
    *,
    branch: int | None = None,
    form=None,
    error: str = "",
    rollback=None,
) -> dict:
    """Gather what the chat shows: the conversation list, a branch, the form."""
    reading_active = branch is None or (
        conversation is not None and branch == conversation.head_id
    )
    items = (
        message_list(conversation=conversation, branch=branch) if conversation else []
    )
    branches = []
    if conversation is not None:
        for found in conversation_branches(conversation=conversation):
            branches.append(
                {
                    "branch": found,
                    "url": owner.url("conversation", conversation.pk)
                    if found.active
                    else owner.url("branch", conversation.pk, found.leaf),
                    "open": (branch == found.leaf) or (found.active and reading_active),
                }
            )
    return {
        "owner": owner,
        "conversation": conversation,
        "conversations": [
            (found, owner.url("conversation", found.pk))
            for found in conversation_list(subject=owner.subject)[:30]
        ],
        "turns": _turns(owner, conversation, items, reading_active=reading_active)
        if conversation
        else [],
        "branches": branches,
        "reading_active": reading_active,
        "chat_form": form or ChatMessageForm(),
        "start_form": ConversationStartForm(),
        "chat_error": error,
        "rollback": rollback,
        "prep_text": PREP_TEXT.format(name=owner.name) if owner.client else "",
        "urls": {
            "conversations": owner.url("conversations"),
            "turn": owner.url("turn", conversation.pk) if conversation else "",
            "conversation": owner.url("conversation", conversation.pk)
            if conversation
            else "",
            "panel": owner.url("memory-panel"),
        },
    }


def chat_page(request, owner, conversation, *, status=200, **chat) -> object:
    """Render the chat in its page (the client's, or the analyst's), or the
    chat alone for htmx."""
    context = chat_context(request, owner, conversation, **chat)
    if request.htmx:
        response = render(request, CHAT_TEMPLATE, context, status=status)
    else:
        subject_access_record(
            subject=owner.subject, user_id=request.user.pk, surface=WEB_SURFACE
        )
        context["panel"] = memory_panel(subject=owner.subject)
        context["client"] = owner.client or owner
        template = CLIENT_TEMPLATE if owner.client else ANALYST_TEMPLATE
        response = render(request, template, context, status=status)
    return response


def memory_changed(response):
    """Tell the page that memory changed, so the memory panel reloads."""
    return trigger_client_event(response, MEMORY_CHANGED, after="settle")


# --- Pages ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def conversations_view(request, client_id: int | None = None):
    """List the owner's conversations (GET) or start a new chat (POST)."""
    owner = chat_owner(request, client_id)
    if request.method == "GET":
        conversation = latest_conversation(owner)
        return chat_page(request, owner, conversation)
    writable(owner)
    form = ConversationStartForm(request.POST)
    if not form.is_valid():
        context = chat_context(request, owner, latest_conversation(owner))
        context["start_form"] = form
        if request.htmx:
            return render(request, CHAT_TEMPLATE, context, status=422)
        context["panel"] = memory_panel(subject=owner.subject)
        context["client"] = owner.client or owner
        template = CLIENT_TEMPLATE if owner.client else ANALYST_TEMPLATE
        return render(request, template, context, status=422)
    try:
        conversation = conversation_start(
            subject=owner.subject,
            title=form.cleaned_data["title"] or f"Chat about {owner.name}",
            created_by_id=request.user.pk,
        )
    except MemoryEngineError as error:
        return chat_page(
            request, owner, latest_conversation(owner), error=error.message, status=409
        )
    if request.htmx:
        response = chat_page(request, owner, conversation)
        response["HX-Push-Url"] = owner.url("conversation", conversation.pk)
        return response
    return redirect(owner.url("conversation", conversation.pk))


@login_required
def conversation_view(request, conversation_id: int, client_id: int | None = None):
    """One conversation's active branch, with the composer."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    return chat_page(request, owner, conversation)


@login_required
def analyst_panel_view(request):
    """The analyst's memory panel alone (how it reloads after a turn)."""
    owner = chat_owner(request)
    return render(
        request,
        "advisor/client_detail.html#memory-panel",
        {"client": owner, "panel": memory_panel(subject=owner.subject)},
    )


@login_required
@require_POST
def turn_view(request, conversation_id: int, client_id: int | None = None):
    """Say something to the twin: the message, then the reply with citations."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    writable(owner)
    form = ChatMessageForm(request.POST)
    if not form.is_valid():
        return chat_page(request, owner, conversation, form=form, status=422)
    try:
        result = turn_take(
            conversation=conversation,
            text=form.cleaned_data["text"],
            user_id=request.user.pk,
            speaker=speaker_of(request.user),
        )
    except MemoryEngineError as error:
        form.add_error("text", error.message)
        return chat_page(request, owner, conversation, form=form, status=422)
    return _after_turn(request, owner, conversation, result)


@login_required
@require_POST
def retry_view(
    request, conversation_id: int, message_id: int, client_id: int | None = None
):
    """Answer again a message whose reply failed."""
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    writable(owner)
    reply = message_or_404(owner, conversation, message_id)
    try:
        result = turn_retry(reply=reply, user_id=request.user.pk)
    except MemoryEngineError as error:
        return chat_page(request, owner, conversation, error=error.message, status=409)
    return _after_turn(request, owner, conversation, result)


def _after_turn(request, owner, conversation, result):
    conversation.refresh_from_db(fields=["head"])
    if request.htmx:
        response = chat_page(
            request,
            owner,
            conversation,
            error=result.reply.failure_reason and result.reply.text,
        )
        return memory_changed(response)
    if result.failed:
        messages.error(request, result.reply.text)
    return redirect(
        owner.url("conversation", conversation.pk) + f"#message-{result.reply.pk}"
    )


@login_required
def extraction_view(
    request, conversation_id: int, message_id: int, client_id: int | None = None
):
    """Where a message's extraction stands (what the chat page polls).

    While the worker has not reached it: 204, and the page asks again. Once it
    has (or parked it): the poller's replacement, saying so, and the event on
    which the memory panel reloads.
    """
    owner = chat_owner(request, client_id)
    conversation = conversation_or_404(owner, conversation_id)
    message = message_or_404(owner, conversation, message_id)
    state = message_extraction_state(message)
    if state == "pending":
        return HttpResponse(status=204)
    response = render(
        request, EXTRACTION_TEMPLATE, {"state": state, "message": message}
    )
    return memory_changed(response) if state == "done" else response


@login_required
def client_view(request, client_id: int):
    """A client's page: the chat at its centre, the memory panel beside it.

    For htmx, only the memory panel: how the panel's forms, and the changes a
    turn or a rollback makes, come back to it.
    """
    owner = chat_owner(request, client_id)
    if request.htmx:
        subject_access_record(
            subject=owner.subject, user_id=request.user.pk, surface=WEB_SURFACE
        )
        return render(
            request,
            "advisor/client_detail.html#memory-panel",
            panel_context(owner.client),
        )
    return chat_page(request, owner, latest_conversation(owner))
