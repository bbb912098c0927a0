"""REST API v1: who the caller is, and the answer for a path the API has not."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from advisor.api.base import ApiView
from advisor.models import ApiToken


class MeApi(ApiView):
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        role = serializers.CharField()
        firm = serializers.CharField(source="firm.slug")
        token_scope = serializers.CharField(
            allow_null=True, help_text="read or read_write; null for a session"
        )

    @extend_schema(operation_id="me_retrieve", responses=OutputSerializer)
    def get(self, request):
        token = request.auth if isinstance(request.auth, ApiToken) else None
        request.user.token_scope = token.scope if token else None
        return Response(MeApi.OutputSerializer(request.user).data)


@extend_schema(exclude=True)
class UnknownPathApi(ApiView):
    """A path under /api/v1/ that names no operation: 404, in the error shape."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No such API endpoint.")

    get = post = put = patch = delete = options = head = http_method_not_allowed
