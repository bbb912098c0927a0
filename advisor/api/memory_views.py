"""REST API v1 for a client's memory: list, search, transcript import."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor.api.idempotency import idempotent
from advisor.api.pagination import IdCursorPagination
from advisor.selectors import client_get
from memory.conversations.imports import transcript_import
from memory.governance.access import subject_access_record
from memory.models import MemoryKind, MemoryStatus
from memory.recall.search import memory_search
from memory.selectors import import_job_get, memory_list


def _client_or_404(request, client_id: int):
    client = client_get(user=request.user, client_id=client_id)
    if client is None:
        raise Http404
    return client


class MemoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    key = serializers.CharField()
    text = serializers.CharField()
    payload = serializers.JSONField()
    status = serializers.CharField()
    importance = serializers.FloatField()
    confidence = serializers.FloatField()
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_to = serializers.DateTimeField(allow_null=True)
    recorded_at = serializers.DateTimeField()
    source = serializers.CharField()
    author_label = serializers.CharField()
    version = serializers.IntegerField()
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    reading = serializers.JSONField()


class ClientMemoryListApi(APIView):
    class FilterSerializer(serializers.Serializer):
        kind = serializers.MultipleChoiceField(
            choices=MemoryKind.choices, required=False
        )
        status = serializers.MultipleChoiceField(
            choices=MemoryStatus.choices, required=False
        )

    @extend_schema(
        operation_id="client_memories_list",
        parameters=[
            OpenApiParameter("kind", str, many=True, description="Memory kinds"),
            OpenApiParameter("status", str, many=True, description="Default: active"),
        ],
        responses=MemoryOutputSerializer(many=True),
    )
    def get(self, request, client_id: int):
        client = _client_or_404(request, client_id)
        filters = self.FilterSerializer(
            data={
                "kind": request.query_params.getlist("kind"),
                "status": request.query_params.getlist("status"),
            }
        )
        filters.is_valid(raise_exception=True)
        memories = memory_list(
            subject=client.subject,
            kinds=sorted(filters.validated_data.get("kind") or []) or None,
            statuses=sorted(filters.validated_data.get("status") or [])
            or [MemoryStatus.ACTIVE],
        )
        subject_access_record(
            subject=client.subject, user_id=request.user.pk, surface="api"
        )
        paginator = IdCursorPagination()
        page = paginator.paginate_queryset(memories, request, view=self)
        data = MemoryOutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class HitOutputSerializer(serializers.Serializer):
    memory = MemoryOutputSerializer()
    score = serializers.FloatField()
    breakdown = serializers.JSONField()
    provenance = serializers.JSONField()
    freshness = serializers.JSONField(allow_null=True)


class ClientMemorySearchApi(APIView):
    class InputSerializer(serializers.Serializer):
        q = serializers.CharField(max_length=2000)
        kind = serializers.MultipleChoiceField(
            choices=MemoryKind.choices, required=False
        )
        as_of = serializers.DateTimeField(required=False)
        limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
        house_views = serializers.BooleanField(default=False)

    @extend_schema(
        operation_id="client_memories_search",
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str, many=True),
            OpenApiParameter("as_of", str, description="ISO date-time"),
            OpenApiParameter("limit", int),
            OpenApiParameter("house_views", bool),
        ],
        responses=HitOutputSerializer(many=True),
    )
    def get(self, request, client_id: int):
        client = _client_or_404(request, client_id)
        params = {key: request.query_params.get(key) for key in request.query_params}
        params["kind"] = request.query_params.getlist("kind")
        serializer = self.InputSerializer(data=params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        hits = memory_search(
            subject=client.subject,
            query=data["q"],
            kinds=sorted(data.get("kind") or []) or None,
            as_of=data.get("as_of"),
            limit=data["limit"],
            include_house_views=data["house_views"],
        )
        subject_access_record(
            subject=client.subject, user_id=request.user.pk, surface="api"
        )
        return Response({"results": HitOutputSerializer(hits, many=True).data})


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    fully_indexed = serializers.BooleanField()
    conversation = serializers.IntegerField(source="conversation_id")
    turns_total = serializers.IntegerField()
    turns_stored = serializers.IntegerField()
    turns_skipped = serializers.IntegerField()
    turns_embedded = serializers.IntegerField()
    turns_extracted = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ClientTranscriptImportApi(APIView):
    class InputSerializer(serializers.Serializer):
        class TurnSerializer(serializers.Serializer):
            speaker = serializers.CharField(max_length=120)
            role = serializers.ChoiceField(
                choices=["user", "assistant", "system"], required=False
            )
            text = serializers.CharField()
            occurred_at = serializers.DateTimeField()
            external_id = serializers.CharField(
                max_length=200, required=False, allow_blank=True, trim_whitespace=False
            )

        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        external_id = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )
        turns = TurnSerializer(many=True, allow_empty=False, max_length=50_000)

    @extend_schema(
        operation_id="client_transcripts_import",
        request=InputSerializer,
        responses={202: ImportJobOutputSerializer},
    )
    @idempotent
    def post(self, request, client_id: int):
        client = _client_or_404(request, client_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = transcript_import(
            subject=client.subject,
            turns=[dict(turn) for turn in data["turns"]],
            title=data.get("title", ""),
            conversation_external_id=data.get("external_id", ""),
            requested_by_id=request.user.pk,
        )
        return Response(ImportJobOutputSerializer(job).data, status=202)


class ImportJobDetailApi(APIView):
    @extend_schema(operation_id="imports_retrieve", responses=ImportJobOutputSerializer)
    def get(self, request, job_id: int):
        job = import_job_get(job_id=job_id)
        if job is None:
            raise Http404
        client = getattr(job.subject, "client", None)
        if client is None or client_get(user=request.user, client_id=client.pk) is None:
            raise Http404
        return Response(ImportJobOutputSerializer(job).data)
