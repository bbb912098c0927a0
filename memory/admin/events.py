"""Ledger events, read-only: what each changed, before and after, and its hashes."""

from django.contrib import admin

from .. import selectors
from ..models import MemoryEvent
from .base import ComplianceAdmin, pretty_json, state_diff, tenant_of


@admin.register(MemoryEvent)
class MemoryEventAdmin(ComplianceAdmin):
    list_display = [
        "pk",
        "subject",
        "sequence",
        "memory_id",
        "action",
        "cause_type",
        "cause_user_id",
        "occurred_at",
        "redacted",
    ]
    list_filter = ["action", "cause_type"]
    list_select_related = ["subject"]
    fields = [
        "subject",
        "sequence",
        "memory",
        "action",
        "change",
        "before_json",
        "after_json",
        "content_digest",
        "cause_type",
        "cause_user_id",
        "cause_message",
        "cause_ref",
        "reason",
        "occurred_at",
        "prev_hash",
        "hash",
        "redacted_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.memory_event_list_for_tenant(tenant_id=tenant_of(request))

    @admin.display(boolean=True)
    def redacted(self, event):
        return event.redacted_at is not None

    @admin.display(description="change")
    def change(self, event):
        return state_diff(event)

    @admin.display(description="before")
    def before_json(self, event):
        return pretty_json(event.before)

    @admin.display(description="after")
    def after_json(self, event):
        return pretty_json(event.after)
