from django.urls import path, re_path

from . import (
    analyst_views,
    client_views,
    conversation_views,
    feed_views,
    market_views,
    memory_views,
    views,
    webhook_views,
)
from .base import by_method

app_name = "api"

urlpatterns = [
    path("me/", views.MeApi.as_view(), name="me"),
    path(
        "clients/",
        by_method(
            "ClientsApi", client_views.ClientListApi, client_views.ClientCreateApi
        ).as_view(),
        name="client-list",
    ),
    path(
        "clients/<int:client_id>/",
        by_method(
            "ClientApi", client_views.ClientDetailApi, client_views.ClientUpdateApi
        ).as_view(),
        name="client-detail",
    ),
    path(
        "clients/<int:client_id>/memories/",
        by_method(
            "ClientMemoriesApi",
            # The memory list, and (?as_of_message=) the memory as of a message.
            conversation_views.ClientMemoryListAsOfApi,
            memory_views.ClientMemoryCreateApi,
        ).as_view(),
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
    # --- the CRM integration (issue 12) ---
    path(
        "clients/external/<str:external_id>/",
        client_views.ClientUpsertApi.as_view(),
        name="client-upsert",
    ),
    path(
        "clients/<int:client_id>/erasure/",
        client_views.ClientErasureApi.as_view(),
        name="client-erasure",
    ),
    path(
        "memories/<int:memory_id>/",
        by_method(
            "MemoryApi",
            memory_views.MemoryDetailApi,
            memory_views.MemoryUpdateApi,
            memory_views.MemoryRetractApi,
        ).as_view(),
        name="memory",
    ),
    path(
        "memories/<int:memory_id>/history/",
        memory_views.MemoryHistoryApi.as_view(),
        name="memory-history",
    ),
    path(
        "memories/<int:memory_id>/approve/",
        memory_views.MemoryApproveApi.as_view(),
        name="memory-approve",
    ),
    path(
        "memories/<int:memory_id>/reject/",
        memory_views.MemoryRejectApi.as_view(),
        name="memory-reject",
    ),
    path("analysts/", analyst_views.AnalystListApi.as_view(), name="analysts"),
    path(
        "analysts/<int:analyst_id>/memories/",
        by_method(
            "AnalystMemoriesApi",
            # The memory list, and (?as_of_message=) the memory as of a message.
            conversation_views.AnalystMemoryListAsOfApi,
            analyst_views.AnalystMemoryCreateApi,
        ).as_view(),
        name="analyst-memories",
    ),
    path(
        "analysts/<int:analyst_id>/views/",
        analyst_views.AnalystViewListApi.as_view(),
        name="analyst-views",
    ),
    path(
        "analysts/<int:analyst_id>/house-views/",
        by_method(
            "AnalystHouseViewsApi",
            analyst_views.AnalystHouseViewListApi,
            analyst_views.AnalystHouseViewPublishApi,
        ).as_view(),
        name="analyst-house-views",
    ),
    path(
        "analysts/<int:analyst_id>/house-views/<int:memory_id>/",
        analyst_views.AnalystHouseViewWithdrawApi.as_view(),
        name="analyst-house-view",
    ),
    path("house-views/", analyst_views.HouseViewListApi.as_view(), name="house-views"),
    path("quotes/", market_views.QuoteListApi.as_view(), name="quotes"),
    path("alerts/", market_views.AlertListApi.as_view(), name="alerts"),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        market_views.AlertAcknowledgeApi.as_view(),
        name="alert-acknowledge",
    ),
    path(
        "memory-events/", feed_views.MemoryEventListApi.as_view(), name="memory-events"
    ),
    path(
        "webhooks/",
        by_method(
            "WebhooksApi", webhook_views.WebhookListApi, webhook_views.WebhookCreateApi
        ).as_view(),
        name="webhooks",
    ),
    path(
        "webhooks/<int:subscription_id>/",
        by_method(
            "WebhookApi",
            webhook_views.WebhookDetailApi,
            webhook_views.WebhookUpdateApi,
            webhook_views.WebhookDeleteApi,
        ).as_view(),
        name="webhook",
    ),
    path(
        "webhooks/<int:subscription_id>/rotate-secret/",
        webhook_views.WebhookSecretRotateApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        "webhooks/<int:subscription_id>/deliveries/",
        webhook_views.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
]

# Keep last: any other path under /api/v1/ answers 404 in the error shape.
urlpatterns.append(re_path(r"^.*$", views.UnknownPathApi.as_view()))
