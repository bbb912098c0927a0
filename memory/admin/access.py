"""The access log, read-only: who viewed which subject's memory, and where.

Filterable by where (page, API, admin, export, chat), by person, by kind of
subject and by date; the filtered list downloads as CSV.
"""

import csv

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from .. import tenancy
from ..models import SubjectAccess
from .base import ComplianceAdmin, may_audit, tenant_of

# Where a subject's memory was viewed, as the people reading the log say it.
SURFACES = {
    "web": "Page",
    "api": "API",
    "admin": "Audit admin",
    "admin-export": "Export",
    "chat": "Chat",
}
CSV_COLUMNS = [
    "accessed_at",
    "user_id",
    "user",
    "subject_id",
    "subject_kind",
    "subject",
    "surface",
]


def surface_label(surface: str) -> str:
    return SURFACES.get(surface, surface)


class SurfaceFilter(admin.SimpleListFilter):
    title = "where"
    parameter_name = "surface"

    def lookups(self, request, model_admin):
        seen = set(
            model_admin.get_queryset(request)
            .values_list("surface", flat=True)
            .distinct()
        )
        return [(s, surface_label(s)) for s in sorted(seen | set(SURFACES))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(surface=self.value())
        return queryset


class UserFilter(admin.SimpleListFilter):
    title = "who"
    parameter_name = "user"

    def lookups(self, request, model_admin):
        ids = set(
            model_admin.get_queryset(request)
            .values_list("user_id", flat=True)
            .distinct()
        )
        names = tenancy.user_names(ids)
        return sorted(
            ((str(i), names.get(i, f"user #{i}")) for i in ids), key=lambda o: o[1]
        )

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(user_id=int(self.value()))
            except ValueError:
                return queryset.none()
        return queryset


def subject_label(subject) -> str:
    names = tenancy.subject_names(subject.pk)
    if names:
        return f"{names[0]} ({subject.get_kind_display().lower()} #{subject.pk})"
    erased = " — erased" if subject.erased_at else ""
    return f"{subject}{erased}"


class AccessChangeList(ChangeList):
    """Name the people and subjects of a page of the log in a few lookups."""

    def get_results(self, request):
        super().get_results(request)
        label_accesses(self.result_list)


def label_accesses(accesses) -> None:
    accesses = list(accesses)
    users = tenancy.user_names({a.user_id for a in accesses})
    subjects = {}
    for access in accesses:
        if access.subject_id not in subjects:
            subjects[access.subject_id] = subject_label(access.subject)
        access.user_label = users.get(access.user_id, f"user #{access.user_id}")
        access.subject_label = subjects[access.subject_id]


@admin.register(SubjectAccess)
class SubjectAccessAdmin(ComplianceAdmin):
    list_display = ["accessed_at", "who", "whose_memory", "where"]
    list_filter = [SurfaceFilter, UserFilter, "subject__kind", "accessed_at"]
    list_select_related = ["subject"]
    date_hierarchy = "accessed_at"
    change_list_template = "admin/memory/subjectaccess/change_list.html"

    def get_changelist(self, request, **kwargs):
        return AccessChangeList

    @admin.display(description="who", ordering="user_id")
    def who(self, access):
        return getattr(access, "user_label", None) or f"user #{access.user_id}"

    @admin.display(description="whose memory", ordering="subject_id")
    def whose_memory(self, access):
        return getattr(access, "subject_label", None) or subject_label(access.subject)

    @admin.display(description="where", ordering="surface")
    def where(self, access):
        return surface_label(access.surface)

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_csv),
                name="memory_subjectaccess_export",
            ),
            *super().get_urls(),
        ]

    def export_csv(self, request):
        """Download the log as the list shows it filtered, as CSV."""
        if not may_audit(request.user):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest("Those filters do not apply to the log.")
        accesses = (
            changelist.get_queryset(request)
            .filter(tenant_id=tenant_of(request))
            .select_related("subject")
            .order_by("-accessed_at", "-pk")
        )

        def rows():
            writer = csv.writer(_Echo())
            yield writer.writerow(CSV_COLUMNS)
            batch = []
            for access in accesses.iterator(chunk_size=500):
                batch.append(access)
                if len(batch) == 500:
                    yield from _csv_rows(writer, batch)
                    batch = []
            yield from _csv_rows(writer, batch)

        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="access-log-{stamp}.csv"'
        )
        return response


class _Echo:
    def write(self, value):
        return value


def _csv_rows(writer, accesses):
    label_accesses(accesses)
    for access in accesses:
        yield writer.writerow(
            [
                access.accessed_at.isoformat(),
                access.user_id,
                access.user_label,
                access.subject_id,
                access.subject.kind,
                access.subject_label,
                surface_label(access.surface),
            ]
        )
