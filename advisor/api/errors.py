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
            elif isinstance(value, list) and any(
                isinstance(item, dict) for item in value
            ):
                # A list of nested objects (turns): name each by its index.
                for index, item in enumerate(value):
                    for key, msgs in _fields(item).items():
                        flat[f"{name}.{index}.{key}"] = msgs
            else:
                flat[name] = [
                    str(item)
                    for item in (value if isinstance(value, list) else [value])
                ]
        return flat
    return {}


def _message(exc) -> str:
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    return str(detail)


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
    elif isinstance(exc, exceptions.ParseError):
        response.data = {
            "message": f"The request body is not valid JSON: {_message(exc)}",
            "extra": {"fields": {"body": [_message(exc)]}},
        }
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {
            "message": _message(exc),
            "extra": {"fields": {"Content-Type": ["must be application/json"]}},
        }
    elif isinstance(exc, exceptions.Throttled):
        response.data = {
            "message": _message(exc),
            "extra": {"retry_after": exc.wait and int(exc.wait + 0.999)},
        }
    else:
        response.data = {"message": _message(exc), "extra": {}}
    return response
