from django.urls import path

from . import views, views_analyst, views_imports, views_memory

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<int:client_id>/", views.client_detail, name="client-detail"),
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
