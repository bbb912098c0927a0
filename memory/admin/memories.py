"""Memories: list, the version timeline with its diffs and sources, and revert."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from memory.governance.access import subject_access_record
from memory.governance.revert import memory_revert_to
from memory.ledger.chain import Cause
from memory.ledger.replay import is_restorable, restorable_versions

from .. import selectors
from ..errors import MemoryEngineError
from ..models import Memory
from .base import (
    ACCESS_SURFACE,
    ComplianceAdmin,
    cause_label,
    may_audit,
    pretty_json,
    shorten,
    state_diff,
    tenant_of,
)


@admin.register(Memory)
class MemoryAdmin(ComplianceAdmin):
    list_display = [
        "pk",
        "kind",
        "short_text",
        "status",
        "source",
        "subject",
        "version",
        "recorded_at",
    ]
    list_filter = ["kind", "status", "source"]
    search_fields = ["text", "key"]
    list_select_related = ["subject"]
    fields = [
        "subject",
        "kind",
        "key",
        "text",
        "payload_json",
        "status",
        "importance",
        "confidence",
        "valid_from",
        "valid_to",
        "recorded_at",
        "source",
        "author_user_id",
        "author_label",
        "version",
        "superseded_by",
        "retention_class",
        "expires_at",
        "source_message_list",
        "timeline",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.memory_list_for_tenant(tenant_id=tenant_of(request))

    @admin.display(description="text")
    def short_text(self, memory):
        return Truncator(memory.text).chars(80)

    @admin.display(description="payload")
    def payload_json(self, memory):
        return pretty_json(memory.payload)

    @admin.display(description="source messages")
    def source_message_list(self, memory):
        rows = [
            (
                m.pk,
                m.external_id or "no external id",
                m.speaker,
                Truncator(m.text).chars(200),
            )
            for m in memory.source_messages.order_by("occurred_at", "pk")
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>#{} <code>{}</code> — {}: {}</li>", rows),
        )

    @admin.display(description="version timeline")
    def timeline(self, memory):
        events = list(selectors.memory_history(memory=memory))
        revert = reverse("admin:memory_memory_revert", args=[memory.pk])
        rows = []
        for event in events:
            can_revert = is_restorable(event) and event is not events[-1]
            link = (
                format_html(
                    '<a href="{}?event={}">Revert to this</a>', revert, event.pk
                )
                if can_revert
                else ""
            )
            rows.append(
                (
                    event.sequence,
                    event.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    event.get_action_display(),
                    cause_label(event),
                    event.reason or "",
                    state_diff(event),
                    link,
                )
            )
        return format_html(
            '<table class="memory-timeline"><thead><tr><th>#</th><th>when</th>'
            "<th>action</th><th>cause</th><th>reason</th><th>change</th><th></th>"
            "</tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                "<td>{}</td><td>{}</td></tr>",
                rows,
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        memory = self.get_object(request, unquote(object_id))
        if memory is not None and self.has_view_permission(request, memory):
            subject_access_record(
                subject=memory.subject, user_id=request.user.pk, surface=ACCESS_SURFACE
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="memory_memory_revert",
            ),
            *super().get_urls(),
        ]

    def revert_view(self, request, object_id):
        """Bring a memory back to a chosen past version, with a reason."""
        if not may_audit(request.user):
            raise PermissionDenied
        memory = self.get_object(request, unquote(object_id))
        if memory is None:
            raise Http404("No such memory.")
        versions = restorable_versions(memory=memory)
        choices = [
            (str(e.pk), f"#{e.sequence} {e.action}: {shorten(e.after.get('text'), 80)}")
            for e in versions
        ]
        form = RevertForm(
            request.POST or None,
            initial={"event": request.GET.get("event")},
            event_choices=choices,
        )
        change_url = reverse("admin:memory_memory_change", args=[memory.pk])
        if request.method == "POST" and form.is_valid():
            try:
                memory_revert_to(
                    memory=memory,
                    event=versions.get(pk=form.cleaned_data["event"]),
                    cause=Cause.user(request.user.pk, ref="admin"),
                    reason=form.cleaned_data["reason"],
                )
            except MemoryEngineError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(request, "Memory reverted.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return self.confirm(
            request,
            title=f"Revert memory #{memory.pk}",
            intro="The memory takes the chosen version's content as a new version; "
            "its history is kept.",
            form=form,
            submit_label="Revert",
            cancel_url=change_url,
        )


class RevertForm(forms.Form):
    event = forms.ChoiceField(label="Version")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, event_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = event_choices
