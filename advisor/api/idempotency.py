"""``Idempotency-Key`` on POST: the same key and body get the same answer, once.

Two guarantees, from two mechanisms:

- **Once.** The key's record, the work and the stored answer commit in one
  transaction, or not at all: a request cut off mid-way (its database
  restarted, its process killed) leaves no trace, so its retry does the work,
  once; a request that did the work always left its answer to replay.
- **No waiting in line.** While a request runs it holds a PostgreSQL advisory
  lock named by its user and key, on its own connection; a retry that finds the
  lock held gets 409 with ``Retry-After`` at once. A dead request's lock goes
  with its connection.

A 5xx answer commits nothing: the key may be used again.
"""

import functools
import hashlib
import json

from django.db import IntegrityError, connection, transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from advisor.models import IdempotentRequest

MAX_KEY = 200
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Retry-safe POST: the same key and body get the first answer.",
)


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    return hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()


def _lock_id(user_id: int, key: str) -> int:
    digest = hashlib.blake2b(f"idempotency:{user_id}:{key}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _try_lock(lock_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
        return cursor.fetchone()[0]


def _unlock(lock_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


def _refused(status: int, message: str, key: str, field_error: str | None = None):
    extra = {"key": key}
    if field_error:
        extra = {"fields": {"Idempotency-Key": [field_error]}}
    return Response({"message": message, "extra": extra}, status=status)


def idempotent(view_method):
    """Replay the stored response of a POST retried with the same Idempotency-Key.

    A key reused with another body is refused (422); a retry while the first
    request is still running gets 409; a retry after the first died runs again.
    """

    @extend_schema(parameters=[IDEMPOTENCY_KEY])
    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        raw = request.headers.get("Idempotency-Key")
        if raw is None or not raw.strip():
            return view_method(self, request, *args, **kwargs)
        key = raw.strip()
        if len(key) > MAX_KEY or "\x00" in key or not key.isprintable():
            return _refused(
                400,
                f"Idempotency-Key must be printable and at most {MAX_KEY} characters.",
                key[:MAX_KEY],
                field_error=f"must be printable text of at most {MAX_KEY} characters",
            )
        digest = _digest(request)
        lock_id = _lock_id(request.user.pk, key)
        if not _try_lock(lock_id):
            response = _refused(
                409, "The request with this Idempotency-Key is running.", key
            )
            response["Retry-After"] = "1"
            return response
        try:
            return _run_once(self, request, view_method, key, digest, args, kwargs)
        finally:
            _unlock(lock_id)

    return wrapper


class _Undone(Exception):
    """Carries a response whose work must not commit (a 5xx)."""

    def __init__(self, response):
        self.response = response


def _run_once(view, request, view_method, key, digest, args, kwargs):
    record = IdempotentRequest.objects.filter(user=request.user, key=key).first()
    if record is not None:
        if record.request_digest != digest:
            return _refused(
                422, "This Idempotency-Key was used for another request.", key
            )
        if record.status_code is not None:
            return _replayed(record)
    try:
        with transaction.atomic():
            if record is not None:
                # Unanswered and unlocked: left by a request that died mid-way
                # before key and answer were committed together. It did nothing.
                record.delete()
            record = IdempotentRequest.objects.create(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path,
                request_digest=digest,
            )
            response = view_method(view, request, *args, **kwargs)
            if response.status_code >= 500:
                raise _Undone(response)
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
    except _Undone as undone:
        return undone.response
    except IntegrityError:
        # Another request committed this key without its lock (an older
        # version's record): its answer stands.
        record = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if record is None or record.status_code is None:
            raise
        if record.request_digest != digest:
            return _refused(
                422, "This Idempotency-Key was used for another request.", key
            )
        return _replayed(record)
    return response


def _replayed(record: IdempotentRequest) -> Response:
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response
