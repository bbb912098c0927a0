"""Subjects: verify the chain, export memory and ledger, and erase."""

import json

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse

from memory.governance.access import subject_access_record
from memory.governance.erasure import subject_erase
from memory.governance.export import subject_export
from memory.governance.holds import subject_on_hold
from memory.ledger.verify import chain_verify

from .. import selectors
from ..errors import MemoryEngineError
from ..models import Subject
from .base import (
    ACCESS_SURFACE,
    ComplianceAdmin,
    ReasonForm,
    may_audit,
    may_erase,
    tenant_of,
)


@admin.register(Subject)
class SubjectAdmin(ComplianceAdmin):
    list_display = [
        "__str__",
        "kind",
        "ledger_length",
        "on_hold",
        "erased_at",
        "created_at",
    ]
    list_filter = ["kind"]
    fields = [
        "kind",
        "summary",
        "summary_updated_at",
        "ledger_length",
        "ledger_head",
        "on_hold",
        "erased_at",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["verify_chain", "export_ledger", "erase_subjects"]

    def get_queryset(self, request):
        return selectors.subject_list_for_tenant(tenant_id=tenant_of(request))

    def has_erase_permission(self, request):
        return may_erase(request.user)

    @admin.display(boolean=True, description="on legal hold")
    def on_hold(self, subject):
        return subject_on_hold(subject)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        subject = self.get_object(request, unquote(object_id))
        if subject is not None and self.has_view_permission(request, subject):
            subject_access_record(
                subject=subject, user_id=request.user.pk, surface=ACCESS_SURFACE
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Verify the ledger chain of the selected subjects")
    def verify_chain(self, request, queryset):
        for subject in queryset:
            report = chain_verify(subject)
            if report.ok:
                self.message_user(
                    request,
                    f"{subject}: {report.events_checked} events verify.",
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    f"{subject}: event {report.broken_event_id} at sequence "
                    f"{report.broken_sequence} does not verify: {report.problem}",
                    messages.ERROR,
                )

    @admin.action(description="Export memory and ledger (JSON)")
    def export_ledger(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one subject to export.", messages.WARNING
            )
            return None
        return self.export_response(request, queryset.get())

    def export_response(self, request, subject):
        export = subject_export(subject=subject)
        subject_access_record(
            subject=subject, user_id=request.user.pk, surface="admin-export"
        )
        response = HttpResponse(
            json.dumps(export, indent=2, ensure_ascii=False),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="subject-{subject.pk}-memory-export.json"'
        )
        return response

    def get_urls(self):
        return [
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="memory_subject_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, object_id):
        if not may_audit(request.user):
            raise PermissionDenied
        subject = self.get_object(request, unquote(object_id))
        if subject is None:
            raise Http404("No such subject.")
        return self.export_response(request, subject)

    @admin.action(
        description="Erase the selected subjects' memory (irreversible)",
        permissions=["erase"],
    )
    def erase_subjects(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for subject in queryset:
                try:
                    erasure = subject_erase(
                        subject=subject,
                        requested_by_user_id=request.user.pk,
                        reason=form.cleaned_data["reason"],
                    )
                except MemoryEngineError as error:
                    self.message_user(
                        request, f"{subject}: {error.message}", messages.ERROR
                    )
                else:
                    self.message_user(
                        request,
                        f"{subject}: erased {erasure.memories_erased} memories, "
                        f"{erasure.messages_erased} messages, redacted "
                        f"{erasure.events_redacted} ledger events.",
                        messages.SUCCESS,
                    )
            return None
        return self.confirm(
            request,
            title="Erase memory",
            intro="This removes the content of every memory, message and ledger "
            "event of these subjects, for good. The ledger keeps its digests and "
            "records who erased what, and why.",
            form=form,
            submit_label="Erase for good",
            items=list(queryset),
            action="erase_subjects",
            selected=[s.pk for s in queryset],
            cancel_url=reverse("admin:memory_subject_changelist"),
        )
