"""What every audit admin shares: the compliance gate, the tenant scope, the
confirmation page, and the helpers that render a change for a human."""

import json

from django import forms
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from .. import tenancy
from ..models import MemoryEvent

CONFIRM_TEMPLATE = "admin/memory/confirm.html"
ACCESS_SURFACE = "admin"


def may_audit(user) -> bool:
    """Say whether a user may open the audit admin: active staff with the right."""
    return bool(user.is_active and user.is_staff and tenancy.access_of(user).can_audit)


def may_erase(user) -> bool:
    """Say whether a user may erase a subject's memory from the admin."""
    return may_audit(user) and tenancy.access_of(user).can_erase


def tenant_of(request) -> int | None:
    """Return the tenant of the signed-in staff user."""
    return tenancy.access_of(request.user).tenant_id


class ComplianceAdmin(admin.ModelAdmin):
    """Read-only, compliance-only, and limited to the staff user's tenant."""

    tenant_path = "tenant_id"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{self.tenant_path: tenant_of(request)})
        )

    def has_module_permission(self, request):
        return may_audit(request.user)

    def has_view_permission(self, request, obj=None):
        return may_audit(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def confirm(self, request, *, title, intro, form, submit_label, **context):
        """Render the confirmation page shared by erasure, release and revert."""
        return TemplateResponse(
            request,
            CONFIRM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "intro": intro,
                "form": form,
                "submit_label": submit_label,
                **context,
            },
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


def pretty_json(value) -> str:
    if value is None:
        return "—"
    return format_html(
        "<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    )


def shorten(value, limit: int = 120) -> str:
    """Return a value as text, cut to a length a table cell can hold."""
    text = (
        json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    )
    return Truncator(text).chars(limit)


IGNORED_IN_DIFF = {"id", "subject_id"}


def state_diff(event: MemoryEvent) -> str:
    """Render what an event changed, field by field, for a human."""
    if event.redacted_at is not None:
        return format_html("<em>content erased (digest kept)</em>")
    before, after = event.before or {}, event.after or {}
    if not before and not after:
        return "—"
    names = sorted((set(before) | set(after)) - IGNORED_IN_DIFF)
    if not before:
        names = [n for n in ("text", "payload", "status", "key") if n in after]
        rows = [(n, shorten(after[n])) for n in names]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><code>{}</code>: {}</li>", rows),
        )
    rows = [
        (name, shorten(before.get(name)), shorten(after.get(name)))
        for name in names
        if before.get(name) != after.get(name)
    ]
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "", "<li><code>{}</code>: <del>{}</del> → <ins>{}</ins></li>", rows
        ),
    )


def cause_label(event: MemoryEvent) -> str:
    parts = [event.get_cause_type_display()]
    if event.cause_user_id:
        parts.append(f"user #{event.cause_user_id}")
    if event.cause_message_id:
        parts.append(f"message #{event.cause_message_id}")
    if event.cause_ref:
        parts.append(event.cause_ref)
    return " · ".join(parts)
