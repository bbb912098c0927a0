"""One error shape for the whole API: {"message": ..., "extra": {...}}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from memory.errors import MemoryEngineError


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        flat = {}
        for name, value in detail.items():
            nested = _fields(value)
            if (
                isinstance(value, dict | list)
                and nested
                and not isinstance(value, list)
            ):
                flat.update(
                    {
                        name if key == "non_field_errors" else f"{name}.{key}": msgs
                        for key, msgs in nested.items()
                    }
                )
            else:
                flat[name] = [
                    str(item)
                    for item in (value if isinstance(value, list) else [value])
                ]
        return flat
    return {}


def exception_handler(exc, context):
    """Turn domain errors and DRF's into the API's one error shape."""
    if isinstance(exc, MemoryEngineError):
        return Response({"message": exc.message, "extra": exc.extra}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _fields(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": [str(item) for item in exc.detail]}
        )
        first = next(iter(fields.items()), ("input", ["is invalid"]))
        response.data = {
            "message": f"Invalid {first[0]}: {first[1][0]}",
            "extra": {"fields": fields},
        }
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"message": str(detail), "extra": {}}
    return response
