from django.urls import path

from . import conversation_views, memory_views, views

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
        # The memory list, and (?as_of_message=) the memory as of a message.
        conversation_views.ClientMemoryListAsOfApi.as_view(),
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
    # Conversations: turns with cited replies, branches, rollback (issue 11).
    path(
        "clients/<int:client_id>/conversations/",
        conversation_views.ClientConversationsApi.as_view(),
        name="client-conversations",
    ),
    path(
        "analysts/<int:analyst_id>/conversations/",
        conversation_views.AnalystConversationsApi.as_view(),
        name="analyst-conversations",
    ),
    path(
        "analysts/<int:analyst_id>/memories/",
        conversation_views.AnalystMemoryListApi.as_view(),
        name="analyst-memories",
    ),
    path(
        "conversations/<int:conversation_id>/",
        conversation_views.ConversationDetailApi.as_view(),
        name="conversation",
    ),
    path(
        "conversations/<int:conversation_id>/messages/",
        conversation_views.ConversationMessagesApi.as_view(),
        name="conversation-messages",
    ),
    path(
        "conversations/<int:conversation_id>/messages/<int:message_id>/retry/",
        conversation_views.MessageRetryApi.as_view(),
        name="conversation-message-retry",
    ),
    path(
        "conversations/<int:conversation_id>/messages/<int:message_id>/citations/",
        conversation_views.MessageCitationListApi.as_view(),
        name="conversation-message-citations",
    ),
    path(
        "conversations/<int:conversation_id>/rollback/",
        conversation_views.ConversationRollbackApi.as_view(),
        name="conversation-rollback",
    ),
]
