"""What every API view shares: strict input, clean query strings, one error shape.

- ``StrictSerializer`` refuses fields it does not know, by name.
- ``ApiView`` refuses NUL characters anywhere in the query string and bodies
  larger than ``API_MAX_BODY_BYTES``, before a view runs.
- ``query_input`` validates a query string with a serializer, refusing
  parameters the operation does not take.
- ``by_method`` serves one path with one view per operation (GET and PATCH of
  ``/clients/{id}/``...), each keeping its own serializers.
"""

import uuid
from collections.abc import Mapping
from functools import cache

from django.conf import settings
from rest_framework import exceptions, serializers
from rest_framework.views import APIView

from advisor.api.pagination import IdCursorPagination
from memory.ledger.chain import Cause

PAGINATION_PARAMS = ("cursor", "page_size")


def _unknown(names, known) -> dict:
    return {
        str(name)[:64]: ["is not a field of this request"]
        for name in sorted(map(str, set(names) - set(known)))
    }


class StrictSerializer(serializers.Serializer):
    """A serializer that names every field it was given but does not know."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = _unknown(
                data, [name for name, f in self.fields.items() if not f.read_only]
            )
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class ApiView(APIView):
    """The base of every API operation; lists page by cursor."""

    pagination_class = IdCursorPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        nul = {
            str(name).replace("\x00", "\\x00")[:64]: ["must not contain NUL characters"]
            for name, values in request.query_params.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
        if nul:
            raise serializers.ValidationError(nul)
        length = request.META.get("CONTENT_LENGTH") or "0"
        limit = getattr(settings, "API_MAX_BODY_BYTES", 64 * 1024 * 1024)
        if length.isdigit() and int(length) > limit:
            raise PayloadTooLarge(
                f"The request body is larger than {limit // (1024 * 1024)} MB."
            )


@cache
def _field_names(serializer_class: type[serializers.Serializer]) -> tuple[str, ...]:
    # A query serializer's fields are declared on its class: building them (a deep
    # copy of each) once per class, not once more per request, is enough.
    return tuple(serializer_class().fields)


def query_input(
    request,
    serializer_class: type[serializers.Serializer],
    *,
    lists: tuple[str, ...] = (),
    paginated: bool = False,
) -> dict:
    """Validate the query string with ``serializer_class``; return its data.

    Parameters named in ``lists`` may repeat (``?kind=goal&kind=view``) or hold
    commas (``?symbols=AAPL,MSFT``); any parameter the operation does not take is
    refused by name.
    """
    fields = _field_names(serializer_class)
    known = set(fields) | ({*PAGINATION_PARAMS} if paginated else set())
    unknown = _unknown(request.query_params.keys(), known)
    if unknown:
        raise serializers.ValidationError(unknown)
    data = {}
    for name in fields:
        if name not in request.query_params:
            continue
        if name in lists:
            data[name] = [
                item.strip()
                for value in request.query_params.getlist(name)
                for item in value.split(",")
                if item.strip()
            ]
        else:
            values = request.query_params.getlist(name)
            if len(values) > 1:
                raise serializers.ValidationError({name: ["must be given once"]})
            data[name] = values[0]
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def by_method(name: str, *views: type[APIView]) -> type[APIView]:
    """Return one view serving a path with each operation's view, by method.

    Each operation keeps its own handler, serializers and schema; a handler
    names its serializers through its own class (``ClientUpdateApi.Input...``).
    """
    methods = [
        method
        for view in views
        for method in view.http_method_names
        if getattr(view, method, None) not in (None, getattr(APIView, method, None))
    ]
    if len(methods) != len(set(methods)):
        raise ValueError(f"{name}: two operations answer the same method")
    # No docstring of its own: each operation's schema says what it does.
    return type(name, views, {"__doc__": ""})


MAX_JSON_DEPTH = 8
MAX_JSON_KEY = 100


def _json_problem(value, depth: int = 0) -> str | None:
    if depth > MAX_JSON_DEPTH:
        return f"nests deeper than {MAX_JSON_DEPTH} levels"
    if isinstance(value, str):
        return "must not contain NUL characters" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return "must not contain NUL characters"
            if len(key) > MAX_JSON_KEY:
                return f"has a key longer than {MAX_JSON_KEY} characters"
            problem = _json_problem(item, depth + 1)
            if problem:
                return problem
    if isinstance(value, list):
        for item in value:
            problem = _json_problem(item, depth + 1)
            if problem:
                return problem
    return None


class JsonObjectField(serializers.DictField):
    """A JSON object whose keys and text PostgreSQL can store (no NUL), bounded."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problem = _json_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


def api_cause(request):
    """Return the cause the ledger records for a change made through the API."""
    request_id = (request.headers.get("X-Request-Id") or "").strip()[:100]
    if not request_id or "\x00" in request_id:
        request_id = uuid.uuid4().hex
    return Cause.api(request.user.pk, f"api:{request_id}")
