"""Extraction failures: messages the model could not read, why, and a retry."""

from django.contrib import admin, messages

from memory.extraction.failures import extraction_retry

from ..models import ExtractionFailure
from .base import ComplianceAdmin, may_audit


@admin.register(ExtractionFailure)
class ExtractionFailureAdmin(ComplianceAdmin):
    list_display = [
        "message_id",
        "subject",
        "extractor",
        "attempts",
        "reason",
        "last_failed_at",
        "parked_at",
        "resolved_at",
    ]
    list_filter = [
        ("parked_at", admin.EmptyFieldListFilter),
        ("resolved_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["subject"]
    fields = [
        "message",
        "subject",
        "extractor",
        "attempts",
        "reason",
        "first_failed_at",
        "last_failed_at",
        "parked_at",
        "resolved_at",
    ]
    readonly_fields = fields
    actions = ["retry_extraction"]

    def has_retry_permission(self, request):
        return may_audit(request.user)

    @admin.action(
        description="Retry the extraction of the selected parked messages",
        permissions=["retry"],
    )
    def retry_extraction(self, request, queryset):
        retried = extraction_retry(failures=list(queryset))
        self.message_user(
            request,
            f"{retried} parked message(s) queued for extraction again.",
            messages.SUCCESS if retried else messages.WARNING,
        )
