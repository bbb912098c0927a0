"""REST API v1: one view per operation, each scoped to the caller's firm."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from advisor.api.pagination import IdCursorPagination
from advisor.selectors import client_get, client_list


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.CharField()
        firm = serializers.CharField(source="firm.slug")

    @extend_schema(operation_id="me_retrieve", responses=OutputSerializer)
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


class ClientOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    name = serializers.CharField()
    advisor = serializers.CharField(source="advisor.username")
    risk_tolerance = serializers.CharField()
    horizon_years = serializers.IntegerField(allow_null=True)
    objectives = serializers.CharField()
    kyc_status = serializers.CharField()
    kyc_verified_on = serializers.DateField(allow_null=True)


class ClientListApi(APIView):
    @extend_schema(
        operation_id="clients_list",
        parameters=[OpenApiParameter("external_id", str, description="CRM id")],
        responses=ClientOutputSerializer(many=True),
    )
    def get(self, request):
        paginator = IdCursorPagination()
        clients = client_list(user=request.user)
        external_id = request.query_params.get("external_id")
        if external_id:
            clients = clients.filter(external_id=external_id)
        page = paginator.paginate_queryset(clients, request, view=self)
        data = ClientOutputSerializer(page, many=True).data
        return paginator.get_paginated_response(data)


class ClientDetailApi(APIView):
    @extend_schema(operation_id="clients_retrieve", responses=ClientOutputSerializer)
    def get(self, request, client_id: int):
        client = client_get(user=request.user, client_id=client_id)
        if client is None:
            raise Http404
        return Response(ClientOutputSerializer(client).data)
