"""REST API v1: the changes feed, for a CRM that polls rather than takes webhooks."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from advisor.api.base import ApiView, StrictSerializer, query_input
from advisor.changes import feed_events_data
from advisor.selectors import visible_subject_ids
from memory.ledger.feed import START, FeedPosition, memory_events_after


class CursorField(serializers.CharField):
    """A feed cursor: checked as text, then read as the position it names."""

    def run_validation(self, data=serializers.empty):
        text = super().run_validation(data)
        try:
            return FeedPosition.decode(text)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error


class FeedCauseSerializer(serializers.Serializer):
    type = serializers.CharField()
    user_id = serializers.IntegerField(allow_null=True)
    message_id = serializers.IntegerField(allow_null=True)
    ref = serializers.CharField()


class FeedEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    cursor = serializers.CharField(help_text="Resume after this event")
    type = serializers.ChoiceField(
        choices=[
            "memory.changed",
            "memory.proposed",
            "memory.reviewed",
            "memory.refreshed",
        ]
    )
    action = serializers.CharField()
    sequence = serializers.IntegerField()
    subject_id = serializers.IntegerField()
    client_external_id = serializers.CharField(allow_null=True)
    memory_id = serializers.IntegerField(allow_null=True)
    memory_kind = serializers.CharField(allow_null=True)
    occurred_at = serializers.DateTimeField()
    cause = FeedCauseSerializer()


class MemoryEventListApi(ApiView):
    class FilterSerializer(StrictSerializer):
        after = CursorField(max_length=80, required=False)
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)

    class OutputSerializer(serializers.Serializer):
        results = FeedEventSerializer(many=True)
        next = serializers.CharField(help_text="Give it as ?after= for what follows")
        has_more = serializers.BooleanField()

    @extend_schema(
        operation_id="memory_events_list",
        parameters=[
            OpenApiParameter(
                "after", str, description="A cursor from an earlier page (or event)"
            ),
            OpenApiParameter("limit", int, description="1 to 1000 (default 100)"),
        ],
        responses=OutputSerializer,
        description="Ledger events of your firm (of the subjects you see), in "
        "transaction order, never skipping one that committed late. Thin: no "
        "content. Poll with ?after=<next>.",
    )
    def get(self, request):
        filters = query_input(request, MemoryEventListApi.FilterSerializer)
        page = memory_events_after(
            tenant_id=request.user.firm_id,
            after=filters.get("after") or START,
            limit=filters["limit"],
            subject_ids=visible_subject_ids(user=request.user),
        )
        # Rows are plain values already: serialising each through DRF fields
        # would cost more than reading them.
        return Response(
            {
                "results": feed_events_data(page.events),
                "next": page.next.encode(),
                "has_more": page.has_more,
            }
        )
