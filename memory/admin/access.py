"""The access log, read-only: who viewed which subject's memory, and where."""

from django.contrib import admin

from ..models import SubjectAccess
from .base import ComplianceAdmin


@admin.register(SubjectAccess)
class SubjectAccessAdmin(ComplianceAdmin):
    list_display = ["accessed_at", "user_id", "subject", "surface"]
    list_filter = ["surface"]
    list_select_related = ["subject"]
