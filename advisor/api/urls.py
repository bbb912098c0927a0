from django.urls import path

from . import memory_views, views

app_name = "api"

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path("clients/", views.ClientListApi.as_view(), name="client-list"),
    path(
        "clients/<int:client_id>/",
        views.ClientDetailApi.as_view(),
        name="client-detail",
    ),
    path(
        "clients/<int:client_id>/memories/",
        memory_views.ClientMemoryListApi.as_view(),
        name="client-memories",
    ),
    path(
        "clients/<int:client_id>/memories/search/",
        memory_views.ClientMemorySearchApi.as_view(),
        name="client-memory-search",
    ),
    path(
        "clients/<int:client_id>/transcripts/",
        memory_views.ClientTranscriptImportApi.as_view(),
        name="client-transcript-import",
    ),
    path(
        "imports/<int:job_id>/",
        memory_views.ImportJobDetailApi.as_view(),
        name="import",
    ),
]
