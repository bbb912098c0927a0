"""Conversations: every branch with its rolled-back turns, the compensating
events each rollback appended, and a reply's citations (the exact version of
each memory a reply rested on, as the ledger resolves it)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from memory.conversations.branches import conversation_branches
from memory.governance.access import subject_access_record
from memory.ledger.replay import citation_resolve

from .. import selectors
from ..models import Conversation
from .base import (
    ACCESS_SURFACE,
    ComplianceAdmin,
    cause_label,
    may_audit,
    pretty_json,
    state_diff,
    tenant_of,
)

CITATION_TEMPLATE = "admin/memory/citation.html"


def _event_rows(events) -> str:
    rows = [
        (
            reverse("admin:memory_memoryevent_change", args=[event.pk]),
            event.pk,
            event.sequence,
            event.get_action_display(),
            reverse("admin:memory_memory_change", args=[event.memory_id])
            if event.memory_id
            else "",
            event.memory_id or "—",
            cause_label(event),
            state_diff(event),
        )
        for event in events
    ]
    if not rows:
        return format_html("<p>{}</p>", "None.")
    return format_html(
        '<div class="table-scroll" tabindex="0">'
        '<table class="memory-timeline"><thead><tr><th>event</th><th>#</th>'
        "<th>action</th><th>memory</th><th>cause</th><th>change</th></tr></thead>"
        "<tbody>{}</tbody></table></div>",
        format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td>'
            '<td><a href="{}">{}</a></td><td>{}</td><td>{}</td></tr>',
            rows,
        ),
    )


@admin.register(Conversation)
class ConversationAdmin(ComplianceAdmin):
    tenant_path = "subject__tenant_id"
    list_display = [
        "pk",
        "__str__",
        "subject",
        "origin",
        "message_count",
        "started_at",
    ]
    list_filter = ["origin"]
    search_fields = ["title", "external_id"]
    list_select_related = ["subject"]
    fields = [
        "subject",
        "title",
        "origin",
        "external_id",
        "started_at",
        "head",
        "branch_list",
        "transcript",
        "rollbacks",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.conversation_list_for_tenant(tenant_id=tenant_of(request))

    @admin.display(description="messages", ordering="message_count")
    def message_count(self, conversation):
        return conversation.message_count

    @admin.display(description="branches")
    def branch_list(self, conversation):
        rows = [
            (
                branch.leaf,
                "active" if branch.active else "rolled back",
                branch.length,
                f"forked from the active branch after message #{branch.forked_from}"
                if branch.forked_from
                else "",
                branch.last_at.strftime("%Y-%m-%d %H:%M:%S"),
            )
            for branch in conversation_branches(conversation=conversation)
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>ends at message #{} — <strong>{}</strong>, {} messages, {} "
                "(last {})</li>",
                rows,
            ),
        )

    @admin.display(description="transcript (every branch)")
    def transcript(self, conversation):
        rows = []
        for message in selectors.conversation_messages(conversation=conversation):
            citations = format_html_join(
                ", ",
                '<a href="{}">{} #{} v{}</a>',
                (
                    (
                        reverse(
                            "admin:memory_conversation_citation",
                            args=[conversation.pk, message.pk, c.get("memory")],
                        ),
                        c.get("kind", "memory"),
                        c.get("memory"),
                        c.get("version"),
                    )
                    for c in message.citations or []
                    if isinstance(c.get("memory"), int)
                ),
            )
            rows.append(
                (
                    message.pk,
                    message.get_status_display(),
                    message.status,
                    message.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    message.speaker,
                    message.speaker_role or message.role,
                    Truncator(message.text).chars(300),
                    citations or "—",
                )
            )
        if not rows:
            return "—"
        return format_html(
            '<div class="table-scroll" tabindex="0">'
            '<table class="memory-timeline"><thead><tr><th>#</th><th>status</th>'
            "<th>when</th><th>speaker</th><th>text</th><th>cites</th></tr></thead>"
            "<tbody>{}</tbody></table></div>",
            format_html_join(
                "",
                '<tr><td>{0}</td><td class="status-{2}">{1}</td><td>{3}</td>'
                "<td>{4} ({5})</td><td>{6}</td><td>{7}</td></tr>",
                rows,
            ),
        )

    @admin.display(description="rollbacks and their compensating events")
    def rollbacks(self, conversation):
        compensating = list(
            selectors.conversation_rollback_events(conversation=conversation)
        )
        rolled = [
            m.pk
            for m in selectors.conversation_messages(conversation=conversation)
            if m.status == "rolled_back"
        ]
        caused = list(
            selectors.message_caused_events(
                subject_id=conversation.subject_id, message_ids=rolled
            )
        )
        by_rollback: dict[str, list] = {}
        for event in compensating:
            by_rollback.setdefault(event.cause_ref, []).append(event)
        parts = [
            format_html(
                "<h4>{}</h4><p>Rolled-back messages: {}</p>"
                "<h5>Events those messages caused</h5>{}",
                f"{len(by_rollback)} rollback(s)",
                ", ".join(f"#{pk}" for pk in rolled) or "none",
                _event_rows(caused),
            )
        ]
        for ref, events in by_rollback.items():
            parts.append(
                format_html(
                    "<h5>Compensating events: {} ({} at {})</h5>{}",
                    ref,
                    cause_label(events[0]),
                    events[0].occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                    _event_rows(events),
                )
            )
        return format_html_join("", "{}", ((part,) for part in parts))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        conversation = self.get_object(request, unquote(object_id))
        if conversation is not None and self.has_view_permission(request, conversation):
            subject_access_record(
                subject=conversation.subject,
                user_id=request.user.pk,
                surface=ACCESS_SURFACE,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/messages/<int:message_id>/citations/<int:memory_id>/",
                self.admin_site.admin_view(self.citation_view),
                name="memory_conversation_citation",
            ),
            *super().get_urls(),
        ]

    def citation_view(self, request, object_id, message_id: int, memory_id: int):
        """Which version of a memory a reply rested on, checked against the chain."""
        if not may_audit(request.user):
            raise PermissionDenied
        conversation = self.get_object(request, unquote(object_id))
        if conversation is None:
            raise Http404("No such conversation.")
        reply = (
            selectors.conversation_messages(conversation=conversation)
            .filter(pk=message_id)
            .first()
        )
        citation = next(
            (
                c
                for c in (reply.citations if reply else [])
                if c.get("memory") == memory_id
            ),
            None,
        )
        if citation is None:
            raise Http404("That message cites no such memory.")
        resolved = citation_resolve(citation=citation, tenant_id=tenant_of(request))
        subject_access_record(
            subject=conversation.subject,
            user_id=request.user.pk,
            surface=ACCESS_SURFACE,
        )
        return TemplateResponse(
            request,
            CITATION_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Citation of memory #{memory_id} by message #{reply.pk}",
                "conversation": conversation,
                "reply": reply,
                "citation": citation,
                "resolved": resolved,
                "state_json": pretty_json(resolved.get("state")),
                "current_json": pretty_json(resolved.get("current")),
                "quote_json": pretty_json(citation.get("quote")),
                "change_url": reverse(
                    "admin:memory_conversation_change", args=[conversation.pk]
                ),
                "event_url": reverse(
                    "admin:memory_memoryevent_change", args=[citation["event"]]
                )
                if resolved["status"] != "not_found"
                else "",
                "memory_url": reverse("admin:memory_memory_change", args=[memory_id]),
            },
        )
