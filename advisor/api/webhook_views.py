"""REST API v1 for webhook subscriptions: a firm's receivers and their deliveries.

Firm administrators manage them; compliance reads them. The signing secret is
shown when a subscription is created (and when it is rotated), never again.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from advisor.api.base import ApiView, StrictSerializer, query_input
from advisor.api.idempotency import idempotent
from advisor.models import User
from advisor.webhooks.models import EventType, WebhookSubscription
from advisor.webhooks.selectors import (
    subscription_deliveries,
    subscription_get,
    subscription_list,
)
from advisor.webhooks.services import (
    subscription_create,
    subscription_delete,
    subscription_secret_rotate,
    subscription_update,
)


def _readable(request) -> None:
    if not request.user.is_compliance:
        raise PermissionDenied("Firm administrators and compliance see webhooks.")


def _manageable(request) -> None:
    if request.user.role != User.Role.ADMIN:
        raise PermissionDenied("Only a firm administrator manages webhooks.")


def _subscription(request, subscription_id: int) -> WebhookSubscription:
    subscription = subscription_get(
        firm_id=request.user.firm_id, subscription_id=subscription_id
    )
    if subscription is None:
        raise Http404
    return subscription


class SubscriptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    description = serializers.CharField()
    event_types = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    consecutive_failures = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class SubscriptionWithSecretSerializer(SubscriptionOutputSerializer):
    secret = serializers.CharField(
        help_text="Verify each delivery's signature with it; shown only now."
    )


class EventTypesField(serializers.ListField):
    child = serializers.ChoiceField(choices=EventType.choices)

    def __init__(self, **kwargs):
        super().__init__(min_length=1, max_length=len(EventType.choices), **kwargs)


class WebhookListApi(ApiView):
    @extend_schema(
        operation_id="webhooks_list", responses=SubscriptionOutputSerializer(many=True)
    )
    def get(self, request):
        _readable(request)
        query_input(request, StrictSerializer, paginated=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            subscription_list(firm_id=request.user.firm_id), request, view=self
        )
        return paginator.get_paginated_response(
            SubscriptionOutputSerializer(page, many=True).data
        )


class WebhookCreateApi(ApiView):
    class InputSerializer(StrictSerializer):
        url = serializers.URLField(max_length=500)
        event_types = EventTypesField()
        description = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="webhooks_create",
        request=InputSerializer,
        responses={201: SubscriptionWithSecretSerializer},
    )
    @idempotent
    def post(self, request):
        _manageable(request)
        serializer = WebhookCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = subscription_create(
            firm=request.user.firm, created_by=request.user, **serializer.validated_data
        )
        return Response(SubscriptionWithSecretSerializer(subscription).data, status=201)


class WebhookDetailApi(ApiView):
    @extend_schema(
        operation_id="webhooks_retrieve", responses=SubscriptionOutputSerializer
    )
    def get(self, request, subscription_id: int):
        _readable(request)
        subscription = _subscription(request, subscription_id)
        return Response(SubscriptionOutputSerializer(subscription).data)


class WebhookUpdateApi(ApiView):
    class InputSerializer(StrictSerializer):
        url = serializers.URLField(max_length=500, required=False)
        event_types = EventTypesField(required=False)
        description = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )
        is_active = serializers.BooleanField(
            required=False, help_text="true turns a disabled subscription on again"
        )

    @extend_schema(
        operation_id="webhooks_partial_update",
        request=InputSerializer,
        responses=SubscriptionOutputSerializer,
    )
    def patch(self, request, subscription_id: int):
        _readable(request)
        subscription = _subscription(request, subscription_id)
        _manageable(request)
        serializer = WebhookUpdateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = subscription_update(
            subscription=subscription, **serializer.validated_data
        )
        return Response(SubscriptionOutputSerializer(subscription).data)


class WebhookDeleteApi(ApiView):
    @extend_schema(operation_id="webhooks_destroy", responses={204: None})
    def delete(self, request, subscription_id: int):
        _readable(request)
        subscription = _subscription(request, subscription_id)
        _manageable(request)
        subscription_delete(subscription=subscription)
        return Response(status=204)


class WebhookSecretRotateApi(ApiView):
    class InputSerializer(StrictSerializer):
        pass

    @extend_schema(
        operation_id="webhooks_rotate_secret",
        request=InputSerializer,
        responses=SubscriptionWithSecretSerializer,
    )
    @idempotent
    def post(self, request, subscription_id: int):
        _readable(request)
        subscription = _subscription(request, subscription_id)
        _manageable(request)
        WebhookSecretRotateApi.InputSerializer(data=request.data).is_valid(
            raise_exception=True
        )
        subscription = subscription_secret_rotate(subscription=subscription)
        return Response(SubscriptionWithSecretSerializer(subscription).data)


class AttemptOutputSerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    duration_ms = serializers.IntegerField()
    status_code = serializers.IntegerField(allow_null=True)
    succeeded = serializers.BooleanField()
    error = serializers.CharField()


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message_id = serializers.CharField()
    event_type = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status_code = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempt_log = AttemptOutputSerializer(many=True)


class WebhookDeliveryListApi(ApiView):
    @extend_schema(
        operation_id="webhooks_deliveries_list",
        responses=DeliveryOutputSerializer(many=True),
        description="Deliveries to this subscription, with every attempt's status.",
    )
    def get(self, request, subscription_id: int):
        _readable(request)
        subscription = _subscription(request, subscription_id)
        query_input(request, StrictSerializer, paginated=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            subscription_deliveries(subscription=subscription), request, view=self
        )
        return paginator.get_paginated_response(
            DeliveryOutputSerializer(page, many=True).data
        )
