"""The analyst's dashboard: their views read against the market, a chart per
instrument, alerts, and publishing a view as the firm's house view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from memory.errors import MemoryEngineError
from memory.governance.access import subject_access_record
from memory.ledger.chain import Cause
from memory.models import MemoryKind
from memory.readings.alerts import alert_acknowledge, alert_get, alerts_open
from memory.selectors import memory_get
from memory.services import view_publish

from .dashboard import STANCES, STATUSES, chart_data, chart_symbols, view_rows
from .selectors import analyst_profile_get

SORTABLE = [
    ("instrument", "Instrument"),
    ("stance", "Stance"),
    ("target", "Target"),
    ("stated_price", "Price when stated"),
    ("price", "Live price"),
    ("move", "Move"),
    ("status", "Status"),
    ("stated", "Stated"),
]


def _profile_or_404(request):
    profile = (
        analyst_profile_get(user=request.user) if request.user.is_analyst else None
    )
    if profile is None:
        raise Http404("Only an analyst has a dashboard.")
    return profile


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    stance = request.GET.get("stance", "")
    sort = request.GET.get("sort", "instrument")
    return {
        "status": status if status in STATUSES else "",
        "stance": stance if stance in STANCES else "",
        "query": request.GET.get("q", "").strip()[:100],
        "sort": sort if sort.lstrip("-") in dict(SORTABLE) else "instrument",
        "include_closed": request.GET.get("closed") == "1",
    }


def _columns(filters: dict, request) -> list[dict]:
    """Each sortable column, with the link that sorts by it (and flips it)."""
    params = request.GET.copy()
    columns = []
    for name, label in SORTABLE:
        current = filters["sort"].lstrip("-") == name
        descending = filters["sort"].startswith("-")
        params["sort"] = f"-{name}" if current and not descending else name
        columns.append(
            {
                "name": name,
                "label": label,
                "url": f"{reverse('home')}?{params.urlencode()}",
                "aria_sort": (
                    ("descending" if descending else "ascending") if current else None
                ),
            }
        )
    return columns


def _dashboard_context(request, profile) -> dict:
    filters = _filters(request)
    return {
        "analyst_profile": profile,
        "rows": view_rows(subject=profile.subject, **filters),
        "filters": filters,
        "columns": _columns(filters, request),
        "statuses": [(name, label) for name, (label, _) in STATUSES.items()],
        "stances": STANCES,
        "symbols": chart_symbols(subject=profile.subject),
        "alerts": list(
            alerts_open(
                tenant_id=profile.subject.tenant_id, subject_ids=[profile.subject_id]
            )
        ),
    }


def dashboard(request):
    """The analyst's home page; for htmx, the views table (filter and sort)."""
    profile = _profile_or_404(request)
    subject_access_record(
        subject=profile.subject, user_id=request.user.pk, surface="web"
    )
    context = _dashboard_context(request, profile)
    if request.htmx and request.htmx.target == "views-table":
        return render(request, "advisor/dashboard.html#views-table", context)
    return render(request, "advisor/dashboard.html", context)


@login_required
def chart_json(request, symbol: str):
    """Daily closes of an instrument with the analyst's views on it, as JSON."""
    profile = _profile_or_404(request)
    symbol = symbol.strip().upper()
    covered = set(chart_symbols(subject=profile.subject)) | {
        str(s).upper() for s in profile.coverage_symbols
    }
    if symbol not in covered:
        raise Http404("Not an instrument you cover or hold a view on.")
    return JsonResponse(chart_data(subject=profile.subject, symbol=symbol))


def _section_response(request, profile, partial: str, *, error: str = ""):
    if request.htmx:
        context = _dashboard_context(request, profile)
        context["section_error"] = error
        response = render(
            request,
            f"advisor/dashboard.html#{partial}",
            context,
            status=409 if error else 200,
        )
        return reswap(retarget(response, f"#{partial}"), "outerHTML")
    if error:
        messages.error(request, error)
    return redirect("home")


@login_required
@require_POST
def analyst_alert_acknowledge(request, alert_id: int):
    profile = _profile_or_404(request)
    alert = alert_get(subject_id=profile.subject_id, alert_id=alert_id)
    if alert is None:
        return _section_response(request, profile, "alerts", error="No such alert.")
    alert_acknowledge(alert=alert, user_id=request.user.pk)
    return _section_response(request, profile, "alerts")


@login_required
@require_POST
def view_publish_toggle(request, memory_id: int):
    """Publish (or withdraw) one of the signed-in analyst's views as a house view."""
    profile = _profile_or_404(request)
    memory = memory_get(
        subject=profile.subject, memory_id=memory_id, kinds=[MemoryKind.VIEW]
    )
    if memory is None:
        raise Http404("No such view.")
    publish = request.POST.get("publish") == "1"
    error = ""
    try:
        view_publish(
            memory=memory, cause=Cause.user(request.user.pk, ref="web"), publish=publish
        )
    except MemoryEngineError as exc:
        error = exc.message
    return _section_response(request, profile, "views-table", error=error)
