"""Web pages for advisors, analysts and compliance."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .selectors import analyst_profile_get, client_get, client_list


@login_required
def home(request):
    """Show the signed-in user their clients or, for an analyst, their coverage."""
    query = request.GET.get("q", "").strip()
    clients = client_list(user=request.user)
    if query:
        clients = clients.filter(name__icontains=query)
    context = {
        "clients": clients,
        "query": query,
        "analyst_profile": analyst_profile_get(user=request.user),
    }
    if request.htmx:
        return render(request, "advisor/home.html#client-list", context)
    return render(request, "advisor/home.html", context)


@login_required
def client_detail(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if client is None:
        raise Http404("No such client.")
    return render(request, "advisor/client_detail.html", {"client": client})
