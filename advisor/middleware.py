"""Middleware: the health check, and a clear 503 when the database is away."""

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.views.defaults import server_error as default_server_error

logger = logging.getLogger("advisor.availability")

# How long a client should wait before retrying (seconds): a restart or a
# fail-over of PostgreSQL takes a few.
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_MESSAGE = (
    "The service is briefly unavailable: its database does not answer. "
    "Nothing was lost; retry in a few seconds (with the same Idempotency-Key "
    "for a POST)."
)
UNAVAILABLE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Briefly unavailable</title></head>
<body><h1>Briefly unavailable</h1>
<p>Advisor Twin cannot reach its database just now. Nothing was lost.
Please try again in a few seconds.</p></body></html>
"""


class HealthCheckMiddleware:
    """Answer ``/healthz`` before host validation and the HTTPS redirect.

    Container health checks call it on 127.0.0.1 over plain HTTP; it reports
    whether the database answers, and nothing else.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:  # noqa: BLE001 - any failure means unhealthy
            connection.close_if_unusable_or_obsolete()
            return JsonResponse(
                {"status": "unavailable", "database": "down"}, status=503
            )
        return JsonResponse({"status": "ok", "database": "up"})


def database_unavailable(exc: BaseException | None) -> bool:
    """Say whether an error means the database cannot be reached (not a bug)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # psycopg's own errors, when raised outside Django's wrapper.
    return isinstance(exc, DatabaseError) and "connection" in str(exc).lower()


def unavailable_response(request) -> HttpResponse:
    """Return the 503 a client should see: JSON for the API, a plain page else."""
    # The failed connection is closed now, so the next request connects afresh.
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a dead connection may fail too
        pass
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        response = JsonResponse(
            {"message": UNAVAILABLE_MESSAGE, "extra": {"retry_after": 5}}, status=503
        )
    else:
        response = HttpResponse(UNAVAILABLE_PAGE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a database that does not answer into a clear 503, in any mode.

    A view's error comes here (``process_exception``); one raised by other
    middleware (a session saved on the way out) reaches ``server_error``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        logger.warning(
            "database unavailable during %s %s: %s",
            request.method,
            request.path,
            exception,
        )
        return unavailable_response(request)


def server_error(request, *args, **kwargs):
    """The 500 handler: a database outage is a 503, anything else Django's 500."""
    exception = sys.exc_info()[1]
    if database_unavailable(exception):
        logger.warning("database unavailable during %s: %s", request.path, exception)
        return unavailable_response(request)
    return default_server_error(request, *args, **kwargs)
