"""``Idempotency-Key`` on POST: the same key and body get the same answer, once."""

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from advisor.models import IdempotentRequest


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()


def idempotent(view_method):
    """Replay the stored response of a POST retried with the same Idempotency-Key.

    A key reused with another body is refused (422); a retry while the first
    request is still running gets 409.
    """

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 200:
            return Response(
                {
                    "message": "Idempotency-Key must be at most 200 characters.",
                    "extra": {"fields": {"Idempotency-Key": ["too long"]}},
                },
                status=400,
            )
        digest = _digest(request)
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    request_digest=digest,
                )
        except IntegrityError:
            record = IdempotentRequest.objects.get(user=request.user, key=key)
            if record.request_digest != digest:
                return Response(
                    {
                        "message": "This Idempotency-Key was used for another request.",
                        "extra": {"key": key},
                    },
                    status=422,
                )
            if record.status_code is None:
                return Response(
                    {
                        "message": "The request with this Idempotency-Key is running.",
                        "extra": {"key": key},
                    },
                    status=409,
                )
            response = Response(record.response_body, status=record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = view_method(self, request, *args, **kwargs)
        except Exception:
            record.delete()  # nothing was done: the key may be used again
            raise
        if response.status_code >= 500:
            record.delete()
        else:
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
        return response

    return wrapper
