"""Web pages for advisors, analysts and compliance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from memory.errors import MemoryEngineError
from memory.governance.access import subject_access_record
from memory.ledger.chain import Cause
from memory.models import MemoryKind, MemoryStatus
from memory.readings.alerts import alert_acknowledge, alert_get
from memory.selectors import memory_get
from memory.services import memory_approve, memory_reject, view_publish

from .memory_panel import memory_panel
from .selectors import analyst_profile_get, client_get, client_list


@login_required
def home(request):
    """Show the signed-in user their clients or, for an analyst, their views."""
    query = request.GET.get("q", "").strip()
    clients = client_list(user=request.user)
    if query:
        clients = clients.filter(name__icontains=query)
    profile = analyst_profile_get(user=request.user)
    context = {"clients": clients, "query": query, "analyst_profile": profile}
    if profile is not None:
        context["panel"] = memory_panel(subject=profile.subject)
    if request.htmx:
        return render(request, "advisor/home.html#client-list", context)
    return render(request, "advisor/home.html", context)


def _client_or_404(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if client is None:
        raise Http404("No such client.")
    return client


@login_required
def client_detail(request, client_id: int):
    client = _client_or_404(request, client_id)
    subject_access_record(
        subject=client.subject, user_id=request.user.pk, surface="web"
    )
    context = {"client": client, "panel": memory_panel(subject=client.subject)}
    return render(request, "advisor/client_detail.html", context)


def _panel_response(request, client, error: str = ""):
    context = {
        "client": client,
        "panel": memory_panel(subject=client.subject),
        "panel_error": error,
    }
    if request.htmx:
        return render(request, "advisor/client_detail.html#memory-panel", context)
    if error:
        messages.error(request, error)
    return redirect("client-detail", client_id=client.pk)


@login_required
@require_POST
def memory_review(request, client_id: int, memory_id: int, decision: str):
    """Approve or reject a proposed memory of a client the user may see."""
    if decision not in ("approve", "reject"):
        raise Http404("Approve or reject.")
    client = _client_or_404(request, client_id)
    memory = memory_get(
        subject=client.subject, memory_id=memory_id, statuses=[MemoryStatus.PROPOSED]
    )
    if memory is None:
        return _panel_response(request, client, "That proposal was already reviewed.")
    cause = Cause.user(request.user.pk, ref="web")
    try:
        if decision == "approve":
            memory_approve(memory=memory, cause=cause)
        else:
            reason = request.POST.get("reason", "").strip()[:500]
            memory_reject(memory=memory, cause=cause, reason=reason)
    except MemoryEngineError as error:
        return _panel_response(request, client, error.message)
    return _panel_response(request, client)


@login_required
@require_POST
def alert_acknowledge_view(request, client_id: int, alert_id: int):
    client = _client_or_404(request, client_id)
    alert = alert_get(subject_id=client.subject_id, alert_id=alert_id)
    if alert is None:
        raise Http404("No such alert.")
    alert_acknowledge(alert=alert, user_id=request.user.pk)
    return _panel_response(request, client)


@login_required
@require_POST
def view_publish_toggle(request, memory_id: int):
    """Publish (or withdraw) one of the signed-in analyst's views as a house view."""
    profile = analyst_profile_get(user=request.user)
    memory = None
    if profile is not None:
        memory = memory_get(
            subject=profile.subject, memory_id=memory_id, kinds=[MemoryKind.VIEW]
        )
    if memory is None:
        raise Http404("No such view.")
    publish = request.POST.get("publish") == "1"
    try:
        view_publish(
            memory=memory, cause=Cause.user(request.user.pk, ref="web"), publish=publish
        )
    except MemoryEngineError as error:
        messages.error(request, error.message)
    return redirect("home")
