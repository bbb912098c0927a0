from django.urls import path

from . import (
    views,
    views_analyst,
    views_chat,
    views_imports,
    views_memory,
    views_rollback,
)

# The chat's pages, for a client (under clients/<id>/) and for the analyst's own
# memory (under analyst/chat/): the same views, the same names after the prefix.
CHAT_ROUTES = [
    ("", views_chat.conversations_view, "conversations"),
    ("<int:conversation_id>/", views_chat.conversation_view, "conversation"),
    ("<int:conversation_id>/messages/", views_chat.turn_view, "turn"),
    (
        "<int:conversation_id>/messages/<int:message_id>/retry/",
        views_chat.retry_view,
        "retry",
    ),
    (
        "<int:conversation_id>/messages/<int:message_id>/extraction/",
        views_chat.extraction_view,
        "extraction",
    ),
    (
        "<int:conversation_id>/messages/<int:message_id>/rollback/",
        views_rollback.rollback_view,
        "rollback",
    ),
    (
        "<int:conversation_id>/messages/<int:message_id>/citations/<int:memory_id>/",
        views_rollback.citation_view,
        "citation",
    ),
    (
        "<int:conversation_id>/branches/<int:leaf_id>/",
        views_rollback.branch_view,
        "branch",
    ),
]


def chat_urls(prefix: str, name: str) -> list:
    return [
        path(f"{prefix}{route}", view, name=f"{name}-{label}")
        for route, view, label in CHAT_ROUTES
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<int:client_id>/", views_chat.client_view, name="client-detail"),
    *chat_urls("clients/<int:client_id>/conversations/", "client"),
    path(
        "clients/<int:client_id>/memory/",
        views_chat.client_view,
        name="client-memory-panel",
    ),
    *chat_urls("analyst/chat/", "analyst"),
    path(
        "analyst/memory/",
        views_chat.analyst_panel_view,
        name="analyst-memory-panel",
    ),
    path(
        "clients/<int:client_id>/memories/<int:memory_id>/edit/",
        views_memory.memory_edit,
        name="memory-edit",
    ),
    path(
        "clients/<int:client_id>/memories/<int:memory_id>/retract/",
        views_memory.memory_retract_view,
        name="memory-retract",
    ),
    path(
        "clients/<int:client_id>/memories/<int:memory_id>/approve/",
        views_memory.memory_approve_view,
        name="memory-approve",
    ),
    path(
        "clients/<int:client_id>/memories/<int:memory_id>/reject/",
        views_memory.memory_reject_view,
        name="memory-reject",
    ),
    path(
        "clients/<int:client_id>/alerts/<int:alert_id>/acknowledge/",
        views_memory.client_alert_acknowledge,
        name="alert-acknowledge",
    ),
    path(
        "clients/<int:client_id>/imports/new/",
        views_imports.transcript_import_view,
        name="transcript-import",
    ),
    path(
        "clients/<int:client_id>/imports/<int:job_id>/",
        views_imports.transcript_import_progress,
        name="transcript-import-progress",
    ),
    path(
        "analyst/charts/<str:symbol>.json",
        views_analyst.chart_json,
        name="analyst-chart",
    ),
    path(
        "analyst/alerts/<int:alert_id>/acknowledge/",
        views_analyst.analyst_alert_acknowledge,
        name="analyst-alert-acknowledge",
    ),
    path(
        "views/<int:memory_id>/publish/",
        views_analyst.view_publish_toggle,
        name="view-publish",
    ),
]
