"""Erasures, read-only: who erased which subject's memory, and how much."""

from django.contrib import admin

from ..models import Erasure
from .base import ComplianceAdmin


@admin.register(Erasure)
class ErasureAdmin(ComplianceAdmin):
    tenant_path = "subject__tenant_id"
    list_display = [
        "subject",
        "erased_at",
        "requested_by_user_id",
        "memories_erased",
        "events_redacted",
        "messages_erased",
    ]
    list_select_related = ["subject"]
