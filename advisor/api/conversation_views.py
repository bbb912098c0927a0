"""REST API v1 for conversations: turns with cited replies, branches, rollback.

A client's conversations are reachable by the advisors who may see the client
(and read by the firm's compliance); an analyst's own chat by the analyst (and
read by compliance). Only the advisor, or the analyst themself, takes turns,
retries and rolls back. Anyone else gets a 404, as if nothing were there.
"""

from dataclasses import dataclass

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from advisor.api.access import analyst_for
from advisor.api.analyst_views import AnalystMemoryListApi
from advisor.api.base import ApiView, StrictSerializer
from advisor.api.idempotency import idempotent
from advisor.api.memory_views import (
    MEMORY_FILTER_PARAMETERS,
    ClientMemoryListApi,
    MemoryOutputSerializer,
)
from advisor.api.pagination import IdCursorPagination
from advisor.models import Client
from advisor.selectors import client_get, subject_holder_get
from memory.conversations.branches import (
    conversation_branches,
    conversation_get,
    conversation_import,
    conversation_list,
    message_get,
    message_list,
)
from memory.conversations.messages import conversation_start
from memory.conversations.rollback import conversation_rollback
from memory.conversations.turns import turn_retry, turn_take
from memory.governance.access import subject_access_record
from memory.ledger.replay import citation_resolve, subject_state_as_of_message
from memory.models import Conversation, MemoryKind, MemoryStatus, Subject

API_SURFACE = "api"


@dataclass
class Holder:
    """Whose memory a request reaches, and whether the caller may change it."""

    subject: Subject
    can_write: bool


def _client_holder(request, client_id: int) -> Holder:
    client = client_get(user=request.user, client_id=client_id)
    if client is None:
        raise Http404
    return Holder(client.subject, can_write=request.user.is_advisor)


def _analyst_holder(request, analyst_id: int) -> Holder:
    """The analyst (by the id ``GET /api/v1/analysts/`` lists) whose memory the
    user reads: the analyst themself, or compliance; only the analyst writes."""
    profile = analyst_for(request, analyst_id)
    return Holder(profile.subject, can_write=profile.user_id == request.user.pk)


def _conversation_holder(request, conversation_id: int) -> tuple[Conversation, Holder]:
    conversation = conversation_get(conversation_id=conversation_id)
    if conversation is None:
        raise Http404
    holder = subject_holder_get(user=request.user, subject_id=conversation.subject_id)
    if holder is None:
        raise Http404
    if isinstance(holder, Client):  # their advisors take turns
        can_write = request.user.is_advisor
    else:  # an analyst: only they speak in their own chat
        can_write = holder.user_id == request.user.pk
    return conversation, Holder(conversation.subject, can_write)


def _writable(holder: Holder) -> None:
    if not holder.can_write:
        raise exceptions.PermissionDenied(
            "You may read this conversation, not write to it: only the client's "
            "advisor, or the analyst in their own chat, takes turns and rolls back."
        )


def _log(request, subject: Subject) -> None:
    subject_access_record(subject=subject, user_id=request.user.pk, surface=API_SURFACE)


def _speaker(user) -> str:
    return (user.get_full_name() or user.username)[:120]


# --- Serializers -------------------------------------------------------------------


class CitationSerializer(serializers.Serializer):
    memory = serializers.IntegerField()
    version = serializers.IntegerField()
    event = serializers.IntegerField()
    sequence = serializers.IntegerField(required=False)
    hash = serializers.CharField()
    kind = serializers.CharField(required=False)
    subject = serializers.IntegerField(required=False)
    quote = serializers.JSONField(required=False, allow_null=True)


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)
    role = serializers.CharField()
    speaker = serializers.CharField()
    speaker_role = serializers.CharField()
    text = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    status = serializers.CharField()
    author = serializers.CharField(source="author_label")
    citations = CitationSerializer(many=True)
    operations = serializers.JSONField()
    failed = serializers.SerializerMethodField()
    failure_reason = serializers.CharField()

    def get_failed(self, message) -> bool:
        return bool(message.failure_reason)


class BranchOutputSerializer(serializers.Serializer):
    leaf = serializers.IntegerField()
    active = serializers.BooleanField()
    length = serializers.IntegerField()
    forked_from = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    last_at = serializers.DateTimeField()


class ConversationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject_kind = serializers.CharField(source="subject.kind")
    title = serializers.CharField()
    origin = serializers.CharField()
    external_id = serializers.CharField()
    head = serializers.IntegerField(source="head_id", allow_null=True)
    started_at = serializers.DateTimeField()


class ImportStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    fully_indexed = serializers.BooleanField()
    turns_total = serializers.IntegerField()
    turns_embedded = serializers.IntegerField()
    turns_extracted = serializers.IntegerField()


class TurnOutputSerializer(serializers.Serializer):
    message = MessageOutputSerializer()
    reply = MessageOutputSerializer()
    operations = serializers.JSONField()
    retry = serializers.CharField(allow_null=True)


def _turn_data(result) -> dict:
    reply = result.reply
    retry = (
        f"/api/v1/conversations/{reply.conversation_id}/messages/{reply.pk}/retry/"
        if result.failed
        else None
    )
    return TurnOutputSerializer(
        {
            "message": result.message,
            "reply": reply,
            "operations": result.operations,
            "retry": retry,
        }
    ).data


# --- Conversations of a client or an analyst ---------------------------------------


class ConversationCreateInputSerializer(StrictSerializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


def _conversation_create(request, holder: Holder) -> Response:
    _writable(holder)
    serializer = ConversationCreateInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    conversation = conversation_start(
        subject=holder.subject,
        title=serializer.validated_data.get("title", ""),
        origin=Conversation.Origin.API,
        created_by_id=request.user.pk,
    )
    return Response(ConversationOutputSerializer(conversation).data, status=201)


def _conversation_page(request, view, holder: Holder) -> Response:
    paginator = IdCursorPagination()
    conversations = conversation_list(subject=holder.subject).select_related("subject")
    page = paginator.paginate_queryset(conversations, request, view=view)
    return paginator.get_paginated_response(
        ConversationOutputSerializer(page, many=True).data
    )


class ClientConversationListApi(ApiView):
    @extend_schema(
        operation_id="client_conversations_list",
        responses=ConversationOutputSerializer(many=True),
    )
    def get(self, request, client_id: int):
        return _conversation_page(request, self, _client_holder(request, client_id))


class ClientConversationCreateApi(ApiView):
    @extend_schema(
        operation_id="client_conversations_create",
        request=ConversationCreateInputSerializer,
        responses={201: ConversationOutputSerializer},
    )
    @idempotent
    def post(self, request, client_id: int):
        return _conversation_create(request, _client_holder(request, client_id))


class ClientConversationsApi(ClientConversationListApi, ClientConversationCreateApi):
    """``/clients/{id}/conversations/``: list (GET) and start one (POST)."""


class AnalystConversationListApi(ApiView):
    @extend_schema(
        operation_id="analyst_conversations_list",
        responses=ConversationOutputSerializer(many=True),
    )
    def get(self, request, analyst_id: int):
        return _conversation_page(request, self, _analyst_holder(request, analyst_id))


class AnalystConversationCreateApi(ApiView):
    @extend_schema(
        operation_id="analyst_conversations_create",
        request=ConversationCreateInputSerializer,
        responses={201: ConversationOutputSerializer},
    )
    @idempotent
    def post(self, request, analyst_id: int):
        return _conversation_create(request, _analyst_holder(request, analyst_id))


class AnalystConversationsApi(AnalystConversationListApi, AnalystConversationCreateApi):
    """``/analysts/{id}/conversations/``: list (GET) and start one (POST)."""


# --- One conversation --------------------------------------------------------------


class ConversationDetailApi(ApiView):
    @extend_schema_serializer(component_name="ConversationDetail")
    class OutputSerializer(ConversationOutputSerializer):
        branches = BranchOutputSerializer(many=True)
        transcript_import = ImportStatusSerializer(allow_null=True)

    @extend_schema(operation_id="conversations_retrieve", responses=OutputSerializer)
    def get(self, request, conversation_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        _log(request, holder.subject)
        data = ConversationOutputSerializer(conversation).data
        data["branches"] = BranchOutputSerializer(
            conversation_branches(conversation=conversation), many=True
        ).data
        job = conversation_import(conversation=conversation)
        data["transcript_import"] = ImportStatusSerializer(job).data if job else None
        return Response(data)


class ConversationMessageListApi(ApiView):
    class FilterSerializer(serializers.Serializer):
        branch = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(
        operation_id="conversation_messages_list",
        parameters=[
            OpenApiParameter(
                "branch", int, description="A branch's leaf message (default: head)"
            )
        ],
        responses=MessageOutputSerializer(many=True),
    )
    def get(self, request, conversation_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        filters = ConversationMessageListApi.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        messages = message_list(
            conversation=conversation, branch=filters.validated_data.get("branch")
        )
        _log(request, holder.subject)
        return Response(
            {
                "conversation": conversation.pk,
                "head": conversation.head_id,
                "results": MessageOutputSerializer(messages, many=True).data,
            }
        )


class ConversationTurnApi(ApiView):
    @extend_schema_serializer(component_name="TurnInput")
    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=10_000)

    @extend_schema(
        operation_id="conversation_messages_create",
        request=InputSerializer,
        responses={201: TurnOutputSerializer},
    )
    @idempotent
    def post(self, request, conversation_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        _writable(holder)
        serializer = ConversationTurnApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = turn_take(
            conversation=conversation,
            text=serializer.validated_data["text"],
            user_id=request.user.pk,
            speaker=_speaker(request.user),
        )
        return Response(_turn_data(result), status=201)


class ConversationMessagesApi(ConversationMessageListApi, ConversationTurnApi):
    """``/conversations/{id}/messages/``: read a branch (GET), take a turn (POST)."""


class MessageRetryApi(ApiView):
    @extend_schema(
        operation_id="conversation_messages_retry",
        request=None,
        responses={201: TurnOutputSerializer},
    )
    @idempotent
    def post(self, request, conversation_id: int, message_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        _writable(holder)
        reply = message_get(subject=holder.subject, message_id=message_id)
        if reply is None or reply.conversation_id != conversation.pk:
            raise Http404
        result = turn_retry(reply=reply, user_id=request.user.pk)
        return Response(_turn_data(result), status=201)


class MessageCitationListApi(ApiView):
    @extend_schema_serializer(component_name="ResolvedCitation")
    class OutputSerializer(serializers.Serializer):
        memory = serializers.IntegerField(allow_null=True)
        version = serializers.IntegerField(allow_null=True)
        event = serializers.IntegerField(allow_null=True)
        hash = serializers.CharField(allow_null=True)
        status = serializers.CharField()
        verified = serializers.BooleanField()
        state = serializers.JSONField(allow_null=True)
        current = serializers.JSONField(allow_null=True)
        digest = serializers.CharField(allow_null=True)
        erasure = serializers.JSONField(allow_null=True)

    @extend_schema(
        operation_id="conversation_message_citations_list",
        responses=OutputSerializer(many=True),
    )
    def get(self, request, conversation_id: int, message_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        reply = message_get(subject=holder.subject, message_id=message_id)
        if reply is None or reply.conversation_id != conversation.pk:
            raise Http404
        _log(request, holder.subject)
        resolved = [
            citation_resolve(citation=citation, tenant_id=holder.subject.tenant_id)
            for citation in reply.citations
        ]
        return Response(
            {
                "message": reply.pk,
                "results": MessageCitationListApi.OutputSerializer(
                    resolved, many=True
                ).data,
            }
        )


class ConversationRollbackApi(ApiView):
    @extend_schema_serializer(component_name="RollbackInput")
    class InputSerializer(StrictSerializer):
        to_message = serializers.IntegerField(min_value=1)
        preview = serializers.BooleanField(default=False)

    @extend_schema_serializer(component_name="RollbackReport")
    class OutputSerializer(serializers.Serializer):
        conversation = serializers.IntegerField()
        to_message = serializers.IntegerField()
        head = serializers.IntegerField()
        preview = serializers.BooleanField()
        noop = serializers.BooleanField()
        rolled_back_messages = serializers.ListField(child=serializers.IntegerField())
        reverted = serializers.JSONField()
        conflicts = serializers.JSONField()

    @extend_schema(
        operation_id="conversations_rollback",
        request=InputSerializer,
        responses=OutputSerializer,
    )
    @idempotent
    def post(self, request, conversation_id: int):
        conversation, holder = _conversation_holder(request, conversation_id)
        _writable(holder)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = conversation_rollback(
            conversation=conversation,
            to_message=serializer.validated_data["to_message"],
            user_id=request.user.pk,
            preview=serializer.validated_data["preview"],
        )
        _log(request, holder.subject)
        return Response(self.OutputSerializer(report.as_dict()).data)


# --- Memory as of a message ----------------------------------------------------------


class MemoryStateOutputSerializer(serializers.Serializer):
    """A memory as the ledger records it at a moment (time travel): the fields of
    ``MemoryOutputSerializer``, from the ledger's state."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    key = serializers.CharField()
    text = serializers.CharField()
    payload = serializers.JSONField()
    status = serializers.CharField()
    importance = serializers.FloatField()
    confidence = serializers.FloatField()
    valid_from = serializers.CharField(allow_null=True)
    valid_to = serializers.CharField(allow_null=True)
    recorded_at = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    author_label = serializers.CharField()
    version = serializers.IntegerField()
    superseded_by = serializers.IntegerField(source="superseded_by_id", allow_null=True)
    reading = serializers.JSONField(default=dict)


class AsOfMessageFilterSerializer(serializers.Serializer):
    as_of_message = serializers.IntegerField(min_value=1)
    kind = serializers.MultipleChoiceField(choices=MemoryKind.choices, required=False)
    status = serializers.MultipleChoiceField(
        choices=MemoryStatus.choices, required=False
    )


AS_OF_PARAMETER = OpenApiParameter(
    "as_of_message",
    int,
    description="The memory as the conversation stood at this message (any branch)",
)


def _as_of_message(request, subject: Subject) -> Response:
    filters = AsOfMessageFilterSerializer(
        data={
            "as_of_message": request.query_params.get("as_of_message"),
            "kind": request.query_params.getlist("kind"),
            "status": request.query_params.getlist("status"),
        }
    )
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    message = message_get(subject=subject, message_id=data["as_of_message"])
    if message is None:
        raise exceptions.ValidationError(
            {"as_of_message": ["is not a message of this subject"]}
        )
    statuses = sorted(data.get("status") or []) or [MemoryStatus.ACTIVE]
    states = subject_state_as_of_message(message=message, statuses=statuses)
    kinds = set(data.get("kind") or [])
    rows = [
        {**state, "reading": state.get("reading") or {}}
        for _, state in sorted(states.items())
        if not kinds or state["kind"] in kinds
    ]
    _log(request, subject)
    return Response(
        {
            "as_of_message": message.pk,
            "next": None,
            "previous": None,
            "results": MemoryStateOutputSerializer(rows, many=True).data,
        }
    )


class ClientMemoryListAsOfApi(ClientMemoryListApi):
    """A client's memories, now or (``?as_of_message=``) as of a message."""

    @extend_schema(
        operation_id="client_memories_list",
        parameters=[*MEMORY_FILTER_PARAMETERS, AS_OF_PARAMETER],
        responses=MemoryOutputSerializer(many=True),
    )
    def get(self, request, client_id: int):
        if "as_of_message" not in request.query_params:
            return super().get(request, client_id)
        return _as_of_message(request, _client_holder(request, client_id).subject)


class AnalystMemoryListAsOfApi(AnalystMemoryListApi):
    """An analyst's own memories, now or (``?as_of_message=``) as of a message."""

    @extend_schema(
        operation_id="analyst_memories_list",
        parameters=[*MEMORY_FILTER_PARAMETERS, AS_OF_PARAMETER],
        responses=MemoryOutputSerializer(many=True),
    )
    def get(self, request, analyst_id: int):
        if "as_of_message" not in request.query_params:
            return super().get(request, analyst_id)
        return _as_of_message(request, _analyst_holder(request, analyst_id).subject)
