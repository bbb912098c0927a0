"""Web pages: the signed-in user's home and a client's page.

Each view renders its whole page or, for htmx, just the fragment that changed
(``template#partial``); every link keeps its ``href`` so pages work without
JavaScript. A client's page (the chat beside the memory panel) is in
``views_chat``, rollback in ``views_rollback``, the memory panel's forms in
``views_memory``, transcript imports in ``views_imports``, the analyst's
dashboard in ``views_analyst``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from memory.selectors import proposal_counts

from .memory_panel import memory_panel
from .selectors import client_get, client_list
from .views_analyst import dashboard

WEB_SURFACE = "web"


@login_required
def home(request):
    """Show an advisor their clients (searchable), an analyst their dashboard."""
    if request.user.is_analyst:
        return dashboard(request)
    query = request.GET.get("q", "").strip()[:200]
    clients = client_list(user=request.user)
    if query:
        clients = clients.filter(name__icontains=query)
    clients = list(clients)
    waiting = proposal_counts(subject_ids=[c.subject_id for c in clients])
    for client in clients:
        client.waiting = waiting.get(client.subject_id, 0)
    context = {"clients": clients, "query": query}
    if request.htmx:
        return render(request, "advisor/home.html#client-list", context)
    return render(request, "advisor/home.html", context)


def client_or_404(request, client_id: int):
    """Return a client the signed-in user may see, or answer 404 (never 403:
    another advisor's client does not exist for them)."""
    client = client_get(user=request.user, client_id=client_id)
    if client is None:
        raise Http404("No such client.")
    return client


def client_to_change_or_404(request, client_id: int):
    """Return a client whose memory the user may change: their advisor's (or a
    teammate's, where the firm shares). Compliance reads here and corrects
    through the audit admin's revert, which records why."""
    client = client_or_404(request, client_id)
    if not request.user.is_advisor:
        raise PermissionDenied("Only advisors change a client's memory here.")
    return client


def panel_context(client, **extra) -> dict:
    return {"client": client, "panel": memory_panel(subject=client.subject), **extra}
