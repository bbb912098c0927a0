"""The memory audit admin: memories, their version timeline, the ledger, holds.

For compliance only, and scoped to the staff user's firm (the tenant): nothing
here adds, edits or deletes a memory or an event. Changes go through the
services (revert, legal hold, erasure) and so leave their own ledger record;
every view of a memory or subject is written to the access log.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from . import selectors
from .errors import MemoryEngineError
from .governance.access import subject_access_record
from .governance.erasure import subject_erase
from .governance.export import subject_export
from .governance.holds import legal_hold_place, legal_hold_release, subject_on_hold
from .governance.revert import memory_revert_to
from .ledger.chain import Cause
from .ledger.verify import chain_verify
from .models import (
    Erasure,
    EventAction,
    LegalHold,
    Memory,
    MemoryEvent,
    Subject,
    SubjectAccess,
)

COMPLIANCE_ROLES = ("compliance", "admin")
# Erasure is irreversible: compliance officers only, not firm administrators.
ERASE_ROLES = ("compliance",)
CONFIRM_TEMPLATE = "admin/memory/confirm.html"
ACCESS_SURFACE = "admin"


def is_compliance(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and getattr(user, "role", None) in COMPLIANCE_ROLES
    )


class ComplianceAdmin(admin.ModelAdmin):
    """Read-only, compliance-only, and limited to the staff user's tenant."""

    tenant_path = "tenant_id"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{self.tenant_path: request.user.firm_id})
        )

    def has_module_permission(self, request):
        return is_compliance(request.user)

    def has_view_permission(self, request, obj=None):
        return is_compliance(request.user)

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


def pretty_json(value) -> str:
    if value is None:
        return "—"
    return format_html(
        "<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    )


def _short(value, limit: int = 120) -> str:
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
        rows = [(n, _short(after[n])) for n in names]
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><code>{}</code>: {}</li>", rows),
        )
    rows = [
        (name, _short(before.get(name)), _short(after.get(name)))
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
        return selectors.memory_list_for_tenant(tenant_id=request.user.firm_id)

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
            can_revert = (
                event.after is not None
                and event.action != EventAction.REFRESH
                and event is not events[-1]
            )
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
        if not is_compliance(request.user):
            raise PermissionDenied
        memory = self.get_object(request, unquote(object_id))
        if memory is None:
            raise Http404("No such memory.")
        versions = (
            selectors.memory_history(memory=memory)
            .filter(after__isnull=False, redacted_at__isnull=True)
            .exclude(action=EventAction.REFRESH)
        )
        choices = [
            (str(e.pk), f"#{e.sequence} {e.action}: {_short(e.after.get('text'), 80)}")
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


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


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
        return selectors.memory_event_list_for_tenant(tenant_id=request.user.firm_id)

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
        return selectors.subject_list_for_tenant(tenant_id=request.user.firm_id)

    def has_erase_permission(self, request):
        return is_compliance(request.user) and request.user.role in ERASE_ROLES

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
        if not is_compliance(request.user):
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


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["subject", "matter", "scope", "approver_user_id", "reason"]

    tenant_id: int

    def clean_approver_user_id(self):
        approver = self.cleaned_data["approver_user_id"]
        users = get_user_model()._default_manager
        if not users.filter(pk=approver, firm_id=self.tenant_id).exists():
            raise forms.ValidationError("No user of your firm has this id.")
        return approver


@admin.register(LegalHold)
class LegalHoldAdmin(ComplianceAdmin):
    tenant_path = "subject__tenant_id"
    list_display = [
        "matter",
        "subject",
        "placed_at",
        "placed_by_user_id",
        "approver_user_id",
        "released_at",
    ]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["matter"]
    list_select_related = ["subject"]
    form = LegalHoldForm
    readonly_fields = [
        "placed_at",
        "placed_by_user_id",
        "released_at",
        "released_by_user_id",
        "release_reason",
    ]
    actions = ["release_holds"]

    def has_add_permission(self, request):
        return is_compliance(request.user)

    def has_release_permission(self, request):
        return is_compliance(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.tenant_id = request.user.firm_id
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subject":
            kwargs["queryset"] = selectors.subject_list_for_tenant(
                tenant_id=request.user.firm_id
            ).filter(erased_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        hold = legal_hold_place(
            subject=obj.subject,
            matter=obj.matter,
            scope=obj.scope,
            approver_user_id=obj.approver_user_id,
            reason=obj.reason,
            placed_by_user_id=request.user.pk,
        )
        obj.pk, obj.placed_at = hold.pk, hold.placed_at
        obj.placed_by_user_id = hold.placed_by_user_id

    @admin.action(description="Release the selected holds", permissions=["release"])
    def release_holds(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for hold in queryset:
                try:
                    legal_hold_release(
                        hold=hold,
                        released_by_user_id=request.user.pk,
                        release_reason=form.cleaned_data["reason"],
                    )
                except MemoryEngineError as error:
                    self.message_user(
                        request, f"{hold}: {error.message}", messages.ERROR
                    )
                else:
                    self.message_user(request, f"{hold}: released.", messages.SUCCESS)
            return None
        return self.confirm(
            request,
            title="Release legal holds",
            intro="Say why these holds end; they stay on record.",
            form=form,
            submit_label="Release",
            items=list(queryset),
            action="release_holds",
            selected=[h.pk for h in queryset],
            cancel_url=reverse("admin:memory_legalhold_changelist"),
        )


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


@admin.register(SubjectAccess)
class SubjectAccessAdmin(ComplianceAdmin):
    list_display = ["accessed_at", "user_id", "subject", "surface"]
    list_filter = ["surface"]
    list_select_related = ["subject"]
