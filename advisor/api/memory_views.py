"""REST API v1 for memories: list, search, record, read, correct, retract, review.

Also transcript imports and their progress. Every read of a subject's memory is
logged for compliance; every change is a ledger event caused by the request.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from advisor.api.access import client_for, client_subject_for, memory_for
from advisor.api.base import (
    ApiView,
    JsonObjectField,
    StrictSerializer,
    api_cause,
    query_input,
)
from advisor.api.idempotency import idempotent
from advisor.api.outputs import MemoryOutputSerializer, memory_output, with_freshness
from advisor.api.pagination import IdCursorPagination
from memory.conversations.imports import transcript_import
from memory.errors import InvalidMemory, NotFound
from memory.governance.access import subject_access_record
from memory.ledger.states import SNAPSHOT_FIELDS, SNAPSHOT_TIMES
from memory.models import (
    ImportJob,
    MemoryKind,
    MemorySource,
    MemoryStatus,
    SpeakerRole,
)
from memory.readings.freshness import stale_memory_ids
from memory.recall.search import memory_search
from memory.selectors import (
    import_job_get,
    memory_get,
    memory_history,
    memory_lineage,
    memory_list_changed,
    memory_source_messages,
)
from memory.services import (
    memory_approve,
    memory_record,
    memory_reject,
    memory_retract,
    memory_supersede,
    memory_update,
)

SEMANTIC_KINDS = [(k, label) for k, label in MemoryKind.choices if k != "episode"]


def memories_page(request, view, memories):
    """Serialise one cursor page of memories, each with its market freshness."""
    paginator = IdCursorPagination()
    page = with_freshness(paginator.paginate_queryset(memories, request, view=view))
    return paginator.get_paginated_response(
        MemoryOutputSerializer(page, many=True).data
    )


class MemoryFilterSerializer(StrictSerializer):
    kind = serializers.MultipleChoiceField(choices=MemoryKind.choices, required=False)
    status = serializers.MultipleChoiceField(
        choices=MemoryStatus.choices, required=False
    )
    stale = serializers.BooleanField(required=False, allow_null=True, default=None)
    changed_since = serializers.DateTimeField(required=False)


MEMORY_FILTER_PARAMETERS = [
    OpenApiParameter("kind", str, many=True, description="Memory kinds"),
    OpenApiParameter("status", str, many=True, description="Default: active"),
    OpenApiParameter(
        "stale",
        bool,
        description="Only memories whose market reading is stale "
        "(true) or not stale (false)",
    ),
    OpenApiParameter(
        "changed_since", str, description="ISO date-time: changed at or after it"
    ),
]


def filtered_memories(request, subject, filters: dict):
    stale = filters.get("stale")
    stale_ids = None if stale is None else stale_memory_ids(subject_id=subject.pk)
    return memory_list_changed(
        subject=subject,
        kinds=sorted(filters.get("kind") or []) or None,
        statuses=sorted(filters.get("status") or []) or [MemoryStatus.ACTIVE],
        changed_since=filters.get("changed_since"),
        memory_ids=stale_ids if stale else None,
        exclude_ids=stale_ids if stale is False else None,
    )


class ClientMemoryListApi(ApiView):
    @extend_schema(
        operation_id="client_memories_list",
        parameters=MEMORY_FILTER_PARAMETERS,
        responses=MemoryOutputSerializer(many=True),
    )
    def get(self, request, client_id: int):
        client = client_for(request, client_id)
        filters = query_input(
            request, MemoryFilterSerializer, lists=("kind", "status"), paginated=True
        )
        memories = filtered_memories(request, client.subject, filters)
        subject_access_record(
            subject=client.subject, user_id=request.user.pk, surface="api"
        )
        return memories_page(request, self, memories)


class MemoryInputSerializer(StrictSerializer):
    """A new memory: its kind, words and payload (validated per kind)."""

    kind = serializers.ChoiceField(choices=SEMANTIC_KINDS)
    text = serializers.CharField(max_length=10_000)
    payload = JsonObjectField(
        default=dict, help_text="Structured fields of the kind (see the README)."
    )
    key = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text='The slot it fills, e.g. "holding:AAPL:ira".',
    )
    importance = serializers.FloatField(min_value=0, max_value=1, required=False)
    confidence = serializers.FloatField(min_value=0, max_value=1, required=False)
    valid_from = serializers.DateTimeField(required=False)
    status = serializers.ChoiceField(
        choices=[MemoryStatus.ACTIVE, MemoryStatus.PROPOSED],
        default=MemoryStatus.ACTIVE,
    )
    supersedes = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the active memory this one replaces in the world.",
    )


def record_memory(request, subject, data: dict):
    """Record (or, superseding, replace) a memory from an API request."""
    data = dict(data)
    cause = api_cause(request)
    supersedes = data.pop("supersedes", None)
    fields = {"author_user_id": request.user.pk, **data}
    kind, text, payload = fields.pop("kind"), fields.pop("text"), fields.pop("payload")
    if supersedes is not None:
        old = memory_get(subject=subject, memory_id=supersedes)
        if old is None:
            raise InvalidMemory({"supersedes": "is not a memory of this subject"})
        if old.kind != kind:
            raise InvalidMemory({"supersedes": f"is a {old.kind}, not a {kind}"})
        if fields.pop("status") != MemoryStatus.ACTIVE:
            raise InvalidMemory({"status": "a superseding memory is active"})
        return memory_supersede(
            memory=old,
            cause=cause,
            text=text,
            payload=payload,
            source=MemorySource.API,
            **fields,
        )
    return memory_record(
        subject=subject,
        kind=kind,
        text=text,
        payload=payload,
        cause=cause,
        source=MemorySource.API,
        **fields,
    )


class ClientMemoryCreateApi(ApiView):
    @extend_schema(
        operation_id="client_memories_create",
        request=MemoryInputSerializer,
        responses={201: MemoryOutputSerializer},
    )
    @idempotent
    def post(self, request, client_id: int):
        client = client_for(request, client_id, write=True)
        serializer = MemoryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        memory = record_memory(request, client.subject, serializer.validated_data)
        memory = with_freshness(
            [memory_get(subject=client.subject, memory_id=memory.pk)]
        )
        return Response(MemoryOutputSerializer(memory[0]).data, status=201)


class HitOutputSerializer(serializers.Serializer):
    memory = MemoryOutputSerializer()
    score = serializers.FloatField()
    breakdown = serializers.JSONField()
    provenance = serializers.JSONField()
    freshness = serializers.JSONField(allow_null=True)


class SearchResultsSerializer(serializers.Serializer):
    results = HitOutputSerializer(many=True)


class ClientMemorySearchApi(ApiView):
    class InputSerializer(StrictSerializer):
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
        responses=SearchResultsSerializer,
    )
    def get(self, request, client_id: int):
        subject = client_subject_for(request, client_id)
        data = query_input(
            request, ClientMemorySearchApi.InputSerializer, lists=("kind",)
        )
        hits = memory_search(
            subject=subject,
            query=data["q"],
            kinds=sorted(data.get("kind") or []) or None,
            as_of=data.get("as_of"),
            limit=data["limit"],
            include_house_views=data["house_views"],
        )
        for hit in hits:
            hit.memory.freshness = hit.freshness
        subject_access_record(subject=subject, user_id=request.user.pk, surface="api")
        return Response({"results": [hit_output(hit) for hit in hits]})


def hit_output(hit) -> dict:
    """Return what ``HitOutputSerializer(hit).data`` returns (see ``memory_output``)."""
    return {
        "memory": memory_output(hit.memory),
        "score": float(hit.score),
        "breakdown": hit.breakdown,
        "provenance": hit.provenance,
        "freshness": hit.freshness,
    }


class SourceMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField(source="conversation_id")
    external_id = serializers.CharField()
    speaker = serializers.CharField()
    speaker_role = serializers.CharField()
    occurred_at = serializers.DateTimeField()


class MemoryDetailOutputSerializer(MemoryOutputSerializer):
    subject_kind = serializers.CharField(source="subject.kind")
    source_messages = SourceMessageSerializer(many=True, default=list)


class MemoryDetailApi(ApiView):
    @extend_schema(
        operation_id="memories_retrieve", responses=MemoryDetailOutputSerializer
    )
    def get(self, request, memory_id: int):
        memory = memory_for(request, memory_id)
        subject_access_record(
            subject=memory.subject, user_id=request.user.pk, surface="api"
        )
        return Response(detail_of(memory))


def detail_of(memory) -> dict:
    (memory,) = with_freshness([memory])
    memory.source_messages_list = memory_source_messages(memory_ids=[memory.pk]).get(
        memory.pk, []
    )
    data = MemoryDetailOutputSerializer(memory).data
    data["source_messages"] = SourceMessageSerializer(
        memory.source_messages_list, many=True
    ).data
    return data


class MemoryUpdateApi(ApiView):
    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=10_000, required=False)
        payload = JsonObjectField(required=False)
        key = serializers.CharField(max_length=200, required=False, allow_blank=True)
        importance = serializers.FloatField(min_value=0, max_value=1, required=False)
        confidence = serializers.FloatField(min_value=0, max_value=1, required=False)
        valid_from = serializers.DateTimeField(required=False)
        reason = serializers.CharField(
            max_length=1000, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="memories_partial_update",
        request=InputSerializer,
        responses=MemoryDetailOutputSerializer,
        description="Correct a memory in place: a new version, with its ledger event.",
    )
    def patch(self, request, memory_id: int):
        memory = memory_for(request, memory_id, write=True)
        serializer = MemoryUpdateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        memory = memory_update(
            memory=memory,
            cause=api_cause(request),
            text=data.pop("text", None),
            payload=data.pop("payload", None),
            reason=data.pop("reason", ""),
            **data,
        )
        return Response(detail_of(memory_for(request, memory.pk)))


class MemoryRetractApi(ApiView):
    class InputSerializer(StrictSerializer):
        reason = serializers.CharField(max_length=1000)

    @extend_schema(
        operation_id="memories_retract",
        parameters=[
            OpenApiParameter(
                "reason", str, description="Why (or give it in a JSON body)"
            )
        ],
        request=InputSerializer,
        responses={200: MemoryDetailOutputSerializer},
        description="Delete is retract: the memory stays in history, no longer true.",
    )
    def delete(self, request, memory_id: int):
        memory = memory_for(request, memory_id, write=True)
        body = request.data if request.data else {}
        if not body and "reason" in request.query_params:
            body = query_input(request, MemoryRetractApi.InputSerializer)
        serializer = MemoryRetractApi.InputSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        memory = memory_retract(
            memory=memory,
            cause=api_cause(request),
            reason=serializer.validated_data["reason"],
        )
        return Response(detail_of(memory_for(request, memory.pk)))


DIFFED = [name for name in SNAPSHOT_FIELDS + SNAPSHOT_TIMES if name != "version"]


def _diff(before: dict | None, after: dict | None) -> dict:
    """Return {field: {"from", "to"}} for each field an event changed."""
    before, after = before or {}, after or {}
    names = DIFFED + ["reading", "source_message_ids"]
    return {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in names
        if (name in before or name in after) and before.get(name) != after.get(name)
    }


class VersionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    action = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    version = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    cause = serializers.DictField()
    reason = serializers.CharField()
    redacted = serializers.BooleanField()
    changes = serializers.DictField(allow_null=True)
    hash = serializers.CharField()


def version_of(event) -> dict:
    after = event.after or {}
    return {
        "id": event.pk,
        "sequence": event.sequence,
        "action": event.action,
        "occurred_at": event.occurred_at,
        "version": after.get("version"),
        "status": after.get("status"),
        "cause": {
            "type": event.cause_type,
            "user_id": event.cause_user_id,
            "message_id": event.cause_message_id,
            "ref": event.cause_ref,
        },
        "reason": event.reason,
        "redacted": event.redacted_at is not None,
        "changes": None
        if event.redacted_at is not None
        else _diff(event.before, event.after),
        "hash": event.hash,
    }


class MemoryHistoryApi(ApiView):
    class OutputSerializer(serializers.Serializer):
        memory = serializers.IntegerField()
        lineage = serializers.ListField(child=serializers.IntegerField())
        next = serializers.CharField(allow_null=True)
        previous = serializers.CharField(allow_null=True)
        results = VersionOutputSerializer(many=True)

    class FilterSerializer(StrictSerializer):
        pass

    @extend_schema(
        operation_id="memories_history",
        parameters=[
            OpenApiParameter("cursor", str, description="From the previous page"),
            OpenApiParameter("page_size", int, description="At most 500"),
        ],
        responses=OutputSerializer,
        description="Every version of a memory, oldest first: each change's diff, "
        "cause and reason, and the memories it superseded or was superseded by.",
    )
    def get(self, request, memory_id: int):
        memory = memory_for(request, memory_id)
        query_input(request, MemoryHistoryApi.FilterSerializer, paginated=True)
        paginator = self.pagination_class()
        events = paginator.paginate_queryset(
            memory_history(memory=memory), request, view=self
        )
        subject_access_record(
            subject=memory.subject, user_id=request.user.pk, surface="api"
        )
        response = paginator.get_paginated_response(
            VersionOutputSerializer([version_of(e) for e in events], many=True).data
        )
        response.data = {
            "memory": memory.pk,
            "lineage": [m.pk for m in memory_lineage(memory=memory)],
            **response.data,
        }
        return response


class MemoryApproveApi(ApiView):
    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=10_000, required=False)
        payload = JsonObjectField(required=False)

    @extend_schema(
        operation_id="memories_approve",
        request=InputSerializer,
        responses=MemoryDetailOutputSerializer,
        description="Apply a proposed memory (optionally edited). A proposal to "
        "record supersedes what holds its slot; a proposal to retract "
        "(proposal_action retract) retracts it.",
    )
    @idempotent
    def post(self, request, memory_id: int):
        memory = memory_for(request, memory_id, write=True)
        serializer = MemoryApproveApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        memory = memory_approve(
            memory=memory, cause=api_cause(request), **serializer.validated_data
        )
        return Response(detail_of(memory_for(request, memory.pk)))


class MemoryRejectApi(ApiView):
    class InputSerializer(StrictSerializer):
        reason = serializers.CharField(
            max_length=1000, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="memories_reject",
        request=InputSerializer,
        responses=MemoryDetailOutputSerializer,
    )
    @idempotent
    def post(self, request, memory_id: int):
        memory = memory_for(request, memory_id, write=True)
        serializer = MemoryRejectApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        memory = memory_reject(
            memory=memory,
            cause=api_cause(request),
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(detail_of(memory_for(request, memory.pk)))


class ImportJobOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportJob.Status.choices)
    fully_indexed = serializers.BooleanField()
    conversation = serializers.IntegerField(source="conversation_id")
    turns_total = serializers.IntegerField()
    turns_stored = serializers.IntegerField()
    turns_skipped = serializers.IntegerField()
    turns_embedded = serializers.IntegerField()
    turns_extracted = serializers.IntegerField()
    progress = serializers.SerializerMethodField(
        help_text="Fraction of the work done: storing, embedding and extracting."
    )
    error = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_progress(self, job) -> float:
        if job.fully_indexed or job.status == ImportJob.Status.FAILED:
            return 1.0
        stored = job.turns_stored
        total = max(job.turns_total - job.turns_skipped, 1)
        done = (
            stored + min(job.turns_embedded, stored) + min(job.turns_extracted, stored)
        )
        return round(min(done / (3 * total), 0.99), 4)


SPEAKER_ROLES = [
    SpeakerRole.CLIENT,
    SpeakerRole.ADVISOR,
    SpeakerRole.ANALYST,
    SpeakerRole.ASSISTANT,
]


class TurnSerializer(StrictSerializer):
    speaker = serializers.CharField(
        max_length=120, help_text='Who spoke, as the CRM names them ("Dana Reyes").'
    )
    role = serializers.ChoiceField(
        choices=SPEAKER_ROLES,
        required=False,
        help_text="Who the speaker is in the conversation; it, never the name, "
        "decides whose memory a statement is. Required unless the speaker is "
        'literally named by a role ("client").',
    )
    text = serializers.CharField(max_length=100_000)
    occurred_at = serializers.DateTimeField()
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, trim_whitespace=False
    )

    def validate(self, attrs):
        if (
            "role" not in attrs
            and attrs["speaker"].strip().lower() not in SPEAKER_ROLES
        ):
            raise serializers.ValidationError(
                {
                    "role": "is required: client, advisor, analyst or assistant "
                    "(a speaker's name does not say it)"
                }
            )
        return attrs


class ClientTranscriptImportApi(ApiView):
    class InputSerializer(StrictSerializer):
        title = serializers.CharField(max_length=200, required=False, allow_blank=True)
        external_id = serializers.CharField(
            max_length=200, required=False, allow_blank=True
        )
        turns = TurnSerializer(many=True, allow_empty=False, max_length=50_000)

    @extend_schema(
        operation_id="client_transcripts_import",
        request=InputSerializer,
        responses={202: ImportJobOutputSerializer},
        description="Store the turns (each with its speaker and role), then embed "
        "and extract them in the background: follow the job at /imports/{id}/ "
        "until fully_indexed. Turns whose external_id was imported are skipped.",
    )
    @idempotent
    def post(self, request, client_id: int):
        client = client_for(request, client_id, write=True)
        serializer = ClientTranscriptImportApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = transcript_import(
            subject=client.subject,
            turns=[dict(turn) for turn in data["turns"]],
            title=data.get("title", ""),
            conversation_external_id=data.get("external_id", ""),
            requested_by_id=request.user.pk,
        )
        response = Response(ImportJobOutputSerializer(job).data, status=202)
        response["Location"] = f"/api/v1/imports/{job.pk}/"
        return response


class ImportJobDetailApi(ApiView):
    @extend_schema(operation_id="imports_retrieve", responses=ImportJobOutputSerializer)
    def get(self, request, job_id: int):
        job = import_job_get(job_id=job_id)
        if job is None or job.subject.tenant_id != request.user.firm_id:
            raise NotFound("Not found.")
        client = getattr(job.subject, "client", None)
        if client is None:
            raise NotFound("Not found.")
        client_for(request, client.pk)
        return Response(ImportJobOutputSerializer(job).data)
