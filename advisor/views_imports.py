"""Import a transcript into a client's memory, and watch it being indexed."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from memory.conversations.imports import transcript_import
from memory.errors import InvalidMemory, MemoryEngineError
from memory.selectors import import_job_get

from .forms import TranscriptImportForm, add_engine_errors
from .views import client_to_change_or_404

EXAMPLE = json.dumps(
    [
        {
            "speaker": "Dana Reyes",
            "role": "advisor",
            "text": "How are the markets treating you?",
            "occurred_at": "2026-03-14T10:30:00Z",
            "external_id": "call-77-1",
        },
        {
            "speaker": "Eleanor Whitfield",
            "role": "client",
            "text": "I bought 50 more Apple shares last week.",
            "occurred_at": "2026-03-14T10:31:00Z",
            "external_id": "call-77-2",
        },
    ],
    indent=2,
)


@login_required
@require_http_methods(["GET", "POST"])
def transcript_import_view(request, client_id: int):
    """Paste or upload a transcript; every turn is checked before any is stored."""
    client = client_to_change_or_404(request, client_id)
    posted = request.method == "POST"
    form = TranscriptImportForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    status = 200
    if posted:
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = transcript_import(
                    subject=client.subject,
                    turns=data["turns"],
                    title=data["title"],
                    conversation_external_id=data["conversation_id"],
                    requested_by_id=request.user.pk,
                )
            except InvalidMemory as error:
                add_engine_errors(form, error, default=data["source_field"])
            except MemoryEngineError as error:
                form.add_error(None, error.message)
            else:
                return redirect("transcript-import-progress", client.pk, job.pk)
        status = 422
    context = {"client": client, "form": form, "example": EXAMPLE}
    template = "advisor/import_form.html"
    if request.htmx:
        template += "#import-form"
    return render(request, template, context, status=status)


@login_required
def transcript_import_progress(request, client_id: int, job_id: int):
    """An import's progress; htmx polls the fragment until it is fully indexed."""
    client = client_to_change_or_404(request, client_id)
    job = import_job_get(job_id=job_id)
    if job is None or job.subject_id != client.subject_id:
        raise Http404("No such import.")
    context = {"client": client, "job": job}
    if request.htmx:
        return render(request, "advisor/import_progress.html#progress", context)
    return render(request, "advisor/import_progress.html", context)
