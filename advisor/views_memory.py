"""The memory panel's forms: edit, retract, and the review queue.

Each form is a page of its own without JavaScript, and a fragment inside the
panel with htmx. A bad input re-renders the form with its field errors (422)
and changes nothing; a success answers with the panel as it now is (htmx) or
sends the advisor back to the client's page. Every change goes through a
memory service, and so leaves its ledger event.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from memory.errors import InvalidMemory, MemoryEngineError
from memory.ledger.chain import Cause
from memory.models import MemoryStatus
from memory.readings.alerts import alert_acknowledge, alert_get
from memory.selectors import SEMANTIC_KINDS, memory_get
from memory.services import memory_approve, memory_reject, memory_retract, memory_update

from .forms import ApproveEditForm, MemoryEditForm, ReasonForm, add_engine_errors
from .memory_panel import proposal_effect
from .views import client_to_change_or_404, panel_context

FORM_TEMPLATE = "advisor/memory_form.html"
GONE = {
    MemoryStatus.ACTIVE: "That memory changed since you opened it: it is no longer "
    "active. The panel below is current.",
    MemoryStatus.PROPOSED: "That proposal was already reviewed.",
}


def _cause(request) -> Cause:
    return Cause.user(request.user.pk, ref="web")


def _auto_id(memory) -> str:
    # Several rows' forms can be open at once in the panel: ids stay unique.
    return f"id_%s_{memory.pk}"


def _memory(client, memory_id: int, status: str):
    return memory_get(
        subject=client.subject,
        memory_id=memory_id,
        kinds=SEMANTIC_KINDS,
        statuses=[status],
    )


def panel_response(request, client, *, error: str = "", done: str = ""):
    """Answer with the panel (htmx), or send the advisor back to the page."""
    if request.htmx:
        response = render(
            request,
            "advisor/client_detail.html#memory-panel",
            panel_context(client, panel_error=error, panel_notice=done),
            status=409 if error else 200,
        )
        response = reswap(retarget(response, "#memory-panel"), "outerHTML")
        if not error:
            trigger_client_event(response, "memory-changed")
        return response
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(reverse("client-detail", args=[client.pk]) + "#memory-panel")


def _form_response(request, client, memory, form, *, action: str, status=200):
    spec = FORMS[action]
    context = {
        "client": client,
        "memory": memory,
        "form": form,
        "action": action,
        "title": spec["title"],
        "submit_label": spec["submit"],
        "action_url": reverse(spec["url"], args=[client.pk, memory.pk]),
        "back_url": reverse("client-detail", args=[client.pk]),
    }
    if action in ("approve", "reject"):
        context["effect"], context["replaces"] = proposal_effect(memory)
    template = f"{FORM_TEMPLATE}#memory-form" if request.htmx else FORM_TEMPLATE
    return render(request, template, context, status=status)


FORMS = {
    "edit": {"title": "Correct this memory", "submit": "Save", "url": "memory-edit"},
    "retract": {
        "title": "Retract this memory",
        "submit": "Retract",
        "url": "memory-retract",
    },
    "approve": {
        "title": "Edit, then approve",
        "submit": "Approve",
        "url": "memory-approve",
    },
    "reject": {
        "title": "Reject this proposal",
        "submit": "Reject",
        "url": "memory-reject",
    },
}


@login_required
@require_http_methods(["GET", "POST"])
def memory_edit(request, client_id: int, memory_id: int):
    """Correct an active memory: a new version of it, with the reason."""
    client = client_to_change_or_404(request, client_id)
    memory = _memory(client, memory_id, MemoryStatus.ACTIVE)
    if memory is None:
        return panel_response(request, client, error=GONE[MemoryStatus.ACTIVE])
    if request.method == "GET":
        form = MemoryEditForm(
            auto_id=_auto_id(memory),
            initial={"text": memory.text, "payload": memory.payload},
        )
        return _form_response(request, client, memory, form, action="edit")
    form = MemoryEditForm(request.POST, auto_id=_auto_id(memory))
    if form.is_valid():
        data = form.cleaned_data
        try:
            memory_update(
                memory=memory,
                cause=_cause(request),
                text=data["text"],
                payload=data["payload"] if data["payload"] is not None else None,
                reason=data["reason"] or "corrected by the advisor",
            )
        except InvalidMemory as error:
            add_engine_errors(form, error, default="payload")
        except MemoryEngineError as error:
            return panel_response(request, client, error=error.message)
        else:
            return panel_response(request, client, done="Memory corrected.")
    return _form_response(request, client, memory, form, action="edit", status=422)


def _with_reason(request, client_id, memory_id, *, status, action, service, done):
    """A change that needs a reason (retract, reject): its form, then the change."""
    client = client_to_change_or_404(request, client_id)
    memory = _memory(client, memory_id, status)
    if memory is None:
        return panel_response(request, client, error=GONE[status])
    if request.method == "GET":
        return _form_response(
            request, client, memory, ReasonForm(auto_id=_auto_id(memory)), action=action
        )
    form = ReasonForm(request.POST, auto_id=_auto_id(memory))
    if form.is_valid():
        try:
            service(
                memory=memory, cause=_cause(request), reason=form.cleaned_data["reason"]
            )
        except MemoryEngineError as error:
            return panel_response(request, client, error=error.message)
        return panel_response(request, client, done=done)
    return _form_response(request, client, memory, form, action=action, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def memory_retract_view(request, client_id: int, memory_id: int):
    """Retract an active memory, saying why; it stays in its history."""
    return _with_reason(
        request,
        client_id,
        memory_id,
        status=MemoryStatus.ACTIVE,
        action="retract",
        service=memory_retract,
        done="Memory retracted.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def memory_approve_view(request, client_id: int, memory_id: int):
    """Approve a proposal as it is, or (GET, then POST with text) edited first."""
    client = client_to_change_or_404(request, client_id)
    memory = _memory(client, memory_id, MemoryStatus.PROPOSED)
    if memory is None:
        return panel_response(request, client, error=GONE[MemoryStatus.PROPOSED])
    if request.method == "GET":
        form = ApproveEditForm(
            auto_id=_auto_id(memory),
            initial={"text": memory.text, "payload": memory.payload},
        )
        return _form_response(request, client, memory, form, action="approve")
    edits = {}
    if "text" in request.POST:
        form = ApproveEditForm(request.POST, auto_id=_auto_id(memory))
        if not form.is_valid():
            return _form_response(
                request, client, memory, form, action="approve", status=422
            )
        edits = {"text": form.cleaned_data["text"]}
        if form.cleaned_data["payload"] is not None:
            edits["payload"] = form.cleaned_data["payload"]
    try:
        memory_approve(memory=memory, cause=_cause(request), **edits)
    except InvalidMemory as error:
        form = ApproveEditForm(
            request.POST
            if "text" in request.POST
            else {"text": memory.text, "payload": json.dumps(memory.payload)},
            auto_id=_auto_id(memory),
        )
        form.is_valid()
        add_engine_errors(form, error, default="payload")
        return _form_response(
            request, client, memory, form, action="approve", status=422
        )
    except MemoryEngineError as error:
        return panel_response(request, client, error=error.message)
    return panel_response(request, client, done="Approved.")


@login_required
@require_http_methods(["GET", "POST"])
def memory_reject_view(request, client_id: int, memory_id: int):
    """Reject a proposal, saying why."""
    return _with_reason(
        request,
        client_id,
        memory_id,
        status=MemoryStatus.PROPOSED,
        action="reject",
        service=memory_reject,
        done="Rejected.",
    )


@login_required
@require_POST
def client_alert_acknowledge(request, client_id: int, alert_id: int):
    client = client_to_change_or_404(request, client_id)
    alert = alert_get(subject_id=client.subject_id, alert_id=alert_id)
    if alert is None:
        return panel_response(request, client, error="No such alert.")
    alert_acknowledge(alert=alert, user_id=request.user.pk)
    return panel_response(request, client, done="Alert acknowledged.")
