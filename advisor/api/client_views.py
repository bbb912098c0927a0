"""REST API v1 for clients: list, read, create, change, upsert by CRM id, erase."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from advisor.api.access import client_for, client_record_for
from advisor.api.base import ApiView, StrictSerializer, query_input
from advisor.api.idempotency import idempotent
from advisor.api.outputs import ClientOutputSerializer
from advisor.models import Client, User
from advisor.selectors import (
    client_by_external_id,
    client_list,
    client_record_writable,
    user_by_username,
)
from advisor.services import client_create, client_erase, client_update, client_upsert
from memory.errors import InvalidMemory


class ClientFieldsSerializer(StrictSerializer):
    """A client's record as a CRM writes it; every field optional (PATCH)."""

    name = serializers.CharField(max_length=200)
    external_id = serializers.CharField(
        max_length=120, allow_blank=True, help_text="The CRM's id for this client."
    )
    email = serializers.EmailField(allow_blank=True, max_length=254)
    risk_tolerance = serializers.ChoiceField(
        choices=Client.RiskTolerance.choices, allow_blank=True
    )
    horizon_years = serializers.IntegerField(
        min_value=0, max_value=100, allow_null=True
    )
    objectives = serializers.CharField(
        allow_blank=True, max_length=5000, trim_whitespace=False
    )
    kyc_status = serializers.ChoiceField(choices=Client.KycStatus.choices)
    kyc_verified_on = serializers.DateField(allow_null=True)
    advisor = serializers.CharField(
        max_length=150,
        help_text="The advisor's username (firm administrators assign any).",
    )


def _advisor_named(request, username: str | None) -> User:
    """Return who advises: the caller, or (for administrators) the one named."""
    user = request.user
    if username is None or username == user.username:
        if not user.is_advisor:
            raise InvalidMemory({"advisor": "name the advisor of this client"})
        return user
    if user.role != User.Role.ADMIN:
        raise PermissionDenied("Only a firm administrator assigns another advisor.")
    advisor = user_by_username(firm_id=user.firm_id, username=username)
    if advisor is None or not advisor.is_advisor:
        raise InvalidMemory({"advisor": "is not an advisor of your firm"})
    return advisor


class ClientListApi(ApiView):
    class FilterSerializer(StrictSerializer):
        external_id = serializers.CharField(max_length=120, required=False)

    @extend_schema(
        operation_id="clients_list",
        parameters=[
            OpenApiParameter("external_id", str, description="CRM id"),
        ],
        responses=ClientOutputSerializer(many=True),
    )
    def get(self, request):
        filters = query_input(request, ClientListApi.FilterSerializer, paginated=True)
        clients = client_list(user=request.user).select_related("subject")
        if filters.get("external_id"):
            clients = clients.filter(external_id=filters["external_id"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(clients, request, view=self)
        data = ClientOutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class ClientCreateApi(ApiView):
    class InputSerializer(ClientFieldsSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name, field in self.fields.items():
                field.required = name == "name"

    @extend_schema(
        operation_id="clients_create",
        request=InputSerializer,
        responses={201: ClientOutputSerializer},
    )
    @idempotent
    def post(self, request):
        if not client_record_writable(user=request.user):
            raise PermissionDenied("Only advisors and administrators create clients.")
        serializer = ClientCreateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        advisor = _advisor_named(request, data.pop("advisor", None))
        client = client_create(advisor=advisor, **data)
        return Response(ClientOutputSerializer(client).data, status=201)


class ClientDetailApi(ApiView):
    @extend_schema(operation_id="clients_retrieve", responses=ClientOutputSerializer)
    def get(self, request, client_id: int):
        return Response(ClientOutputSerializer(client_for(request, client_id)).data)


class ClientUpdateApi(ApiView):
    class InputSerializer(ClientFieldsSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                field.required = False

    @extend_schema(
        operation_id="clients_partial_update",
        request=InputSerializer,
        responses=ClientOutputSerializer,
    )
    def patch(self, request, client_id: int):
        client = client_record_for(request, client_id)
        serializer = ClientUpdateApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        advisor = None
        if "advisor" in data:
            advisor = _advisor_named(request, data.pop("advisor"))
        client = client_update(client=client, advisor=advisor, **data)
        return Response(ClientOutputSerializer(client).data)


class ClientUpsertApi(ApiView):
    class InputSerializer(ClientFieldsSerializer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields.pop("external_id")
            for name, field in self.fields.items():
                field.required = name == "name"

    @extend_schema(
        operation_id="clients_upsert",
        request=InputSerializer,
        responses={200: ClientOutputSerializer, 201: ClientOutputSerializer},
        description="Create the client with this CRM id, or update the one with it.",
    )
    def put(self, request, external_id: str):
        if "\x00" in external_id or len(external_id) > 120 or not external_id.strip():
            raise InvalidMemory(
                {"external_id": "must be 1 to 120 characters, without NUL"}
            )
        serializer = ClientUpsertApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        existing = client_by_external_id(
            firm_id=request.user.firm_id, external_id=external_id
        )
        if existing is not None and not client_record_writable(
            user=request.user, client=existing
        ):
            # Another advisor's client: an upsert must not take it over.
            raise PermissionDenied(
                "This CRM id belongs to a client whose record you may not change."
            )
        if existing is None and not client_record_writable(user=request.user):
            raise PermissionDenied("Only advisors and administrators create clients.")
        username = data.pop("advisor", None)
        if existing is not None and username is None:
            advisor = existing.advisor
        else:
            advisor = _advisor_named(request, username)
        client, created = client_upsert(
            firm=request.user.firm, external_id=external_id, advisor=advisor, **data
        )
        return Response(
            ClientOutputSerializer(client).data, status=201 if created else 200
        )


class ClientErasureApi(ApiView):
    class InputSerializer(StrictSerializer):
        reason = serializers.CharField(max_length=2000)

    class OutputSerializer(serializers.Serializer):
        client = ClientOutputSerializer()
        memories_erased = serializers.IntegerField()
        events_redacted = serializers.IntegerField()
        messages_erased = serializers.IntegerField()
        erased_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="clients_erase",
        request=InputSerializer,
        responses=OutputSerializer,
        description="A client's right to be forgotten (compliance only); refused "
        "while a legal hold is in force.",
    )
    @idempotent
    def post(self, request, client_id: int):
        client = client_for(request, client_id)
        if request.user.role != User.Role.COMPLIANCE:
            raise PermissionDenied("Only the firm's compliance officers erase clients.")
        serializer = ClientErasureApi.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client = client_erase(
            client=client,
            requested_by=request.user,
            reason=serializer.validated_data["reason"],
        )
        client = client_for(request, client.pk)
        erasure = client.subject.erasures.order_by("-erased_at").first()
        return Response(
            ClientErasureApi.OutputSerializer(
                {
                    "client": client,
                    "memories_erased": erasure.memories_erased,
                    "events_redacted": erasure.events_redacted,
                    "messages_erased": erasure.messages_erased,
                    "erased_at": erasure.erased_at,
                }
            ).data
        )
