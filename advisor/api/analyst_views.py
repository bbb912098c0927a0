"""REST API v1 for analysts: their memory, their views with readings, house views."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from advisor.api.access import analyst_for, analyst_of_firm
from advisor.api.base import ApiView, StrictSerializer, api_cause, query_input
from advisor.api.idempotency import idempotent
from advisor.api.memory_views import (
    MEMORY_FILTER_PARAMETERS,
    MemoryFilterSerializer,
    MemoryInputSerializer,
    filtered_memories,
    memories_page,
    record_memory,
)
from advisor.api.outputs import MemoryOutputSerializer, with_freshness
from advisor.selectors import analyst_list
from memory.errors import NotFound
from memory.governance.access import subject_access_record
from memory.models import MemoryKind, MemoryStatus
from memory.selectors import house_views, memory_get
from memory.services import view_publish


class AnalystOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    coverage_symbols = serializers.ListField(child=serializers.CharField())
    coverage_sectors = serializers.ListField(child=serializers.CharField())


class AnalystListApi(ApiView):
    @extend_schema(
        operation_id="analysts_list",
        responses=AnalystOutputSerializer(many=True),
    )
    def get(self, request):
        query_input(request, StrictSerializer, paginated=True)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            analyst_list(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(
            AnalystOutputSerializer(page, many=True).data
        )


class AnalystMemoryListApi(ApiView):
    @extend_schema(
        operation_id="analyst_memories_list",
        parameters=MEMORY_FILTER_PARAMETERS,
        responses=MemoryOutputSerializer(many=True),
        description="The analyst's own memory (the analyst, and compliance).",
    )
    def get(self, request, analyst_id: int):
        analyst = analyst_for(request, analyst_id)
        filters = query_input(
            request, MemoryFilterSerializer, lists=("kind", "status"), paginated=True
        )
        memories = filtered_memories(request, analyst.subject, filters)
        subject_access_record(
            subject=analyst.subject, user_id=request.user.pk, surface="api"
        )
        return memories_page(request, self, memories)


class AnalystMemoryCreateApi(ApiView):
    @extend_schema(
        operation_id="analyst_memories_create",
        request=MemoryInputSerializer,
        responses={201: MemoryOutputSerializer},
    )
    @idempotent
    def post(self, request, analyst_id: int):
        analyst = analyst_for(request, analyst_id, write=True)
        serializer = MemoryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        memory = record_memory(request, analyst.subject, serializer.validated_data)
        (memory,) = with_freshness(
            [memory_get(subject=analyst.subject, memory_id=memory.pk)]
        )
        return Response(MemoryOutputSerializer(memory).data, status=201)


class AnalystViewListApi(ApiView):
    class FilterSerializer(StrictSerializer):
        status = serializers.MultipleChoiceField(
            choices=MemoryStatus.choices, required=False
        )

    @extend_schema(
        operation_id="analyst_views_list",
        parameters=[
            OpenApiParameter("status", str, many=True, description="Default: active"),
        ],
        responses=MemoryOutputSerializer(many=True),
        description="The analyst's views with their live readings: price when "
        "stated, last price, move, distance to target, freshness.",
    )
    def get(self, request, analyst_id: int):
        analyst = analyst_for(request, analyst_id)
        filters = query_input(
            request,
            AnalystViewListApi.FilterSerializer,
            lists=("status",),
            paginated=True,
        )
        memories = filtered_memories(
            request, analyst.subject, {"kind": [MemoryKind.VIEW], **filters}
        )
        subject_access_record(
            subject=analyst.subject, user_id=request.user.pk, surface="api"
        )
        return memories_page(request, self, memories)


class AnalystHouseViewListApi(ApiView):
    @extend_schema(
        operation_id="analyst_house_views_list",
        responses=MemoryOutputSerializer(many=True),
        description="The analyst's views published as the firm's house views "
        "(every user of the firm reads them).",
    )
    def get(self, request, analyst_id: int):
        analyst = analyst_of_firm(request, analyst_id)
        query_input(request, StrictSerializer, paginated=True)
        views = house_views(
            tenant_id=request.user.firm_id, subject_id=analyst.subject_id
        )
        return memories_page(request, self, views)


class AnalystHouseViewPublishApi(ApiView):
    class InputSerializer(StrictSerializer):
        memory_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    @extend_schema(
        operation_id="analyst_house_views_publish",
        request=InputSerializer,
        responses={201: MemoryOutputSerializer},
        description="Publish one of the analyst's active views as a house view.",
    )
    @idempotent
    def post(self, request, analyst_id: int):
        analyst = analyst_for(request, analyst_id, write=True)
        serializer = AnalystHouseViewPublishApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        view = memory_get(
            subject=analyst.subject,
            memory_id=serializer.validated_data["memory_id"],
            kinds=[MemoryKind.VIEW],
        )
        if view is None:
            raise NotFound(
                "The analyst has no such view.",
                extra={"fields": {"memory_id": ["is not a view of this analyst"]}},
            )
        view = view_publish(memory=view, cause=api_cause(request), publish=True)
        (view,) = with_freshness(
            [memory_get(subject=analyst.subject, memory_id=view.pk)]
        )
        return Response(MemoryOutputSerializer(view).data, status=201)


class AnalystHouseViewWithdrawApi(ApiView):
    @extend_schema(
        operation_id="analyst_house_views_withdraw",
        responses={200: MemoryOutputSerializer},
        description="Withdraw a house view: it stays the analyst's view.",
    )
    def delete(self, request, analyst_id: int, memory_id: int):
        analyst = analyst_for(request, analyst_id, write=True)
        view = memory_get(
            subject=analyst.subject, memory_id=memory_id, kinds=[MemoryKind.VIEW]
        )
        if view is None or view.published_at is None:
            raise NotFound("The analyst has no such house view.")
        view = view_publish(memory=view, cause=api_cause(request), publish=False)
        (view,) = with_freshness(
            [memory_get(subject=analyst.subject, memory_id=view.pk)]
        )
        return Response(MemoryOutputSerializer(view).data)


class HouseViewListApi(ApiView):
    @extend_schema(
        operation_id="house_views_list",
        responses=MemoryOutputSerializer(many=True),
        description="Every house view of the firm.",
    )
    def get(self, request):
        query_input(request, StrictSerializer, paginated=True)
        return memories_page(request, self, house_views(tenant_id=request.user.firm_id))
