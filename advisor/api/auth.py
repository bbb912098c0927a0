"""API tokens: who a request is, and what its token lets it do.

Tokens are ``djangorestframework-api-key`` keys (``prefix.secret``, only the
SHA-512 digest stored), each owned by a user whose rights it carries, narrowed
by its scope: a read-only token may only read.

A verified token is remembered by its key's digest for
``API_TOKEN_CACHE_SECONDS`` (5 by default; 0 turns it off), in each process:
a revocation, an expiry date moved earlier, a user made inactive or their
rights changed (role, team, the firm's sharing) elsewhere (another process, the
admin) take effect within that many seconds, and a revocation through
``api_tokens_revoke`` at once in the process that made it. An expired
token is refused as soon as it expires, remembered or not.
"""

import copy
import hashlib
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from advisor.models import ApiToken

KEYWORD = "Token"
# How often a token's ``last_used_at`` is written: not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_CACHE_SECONDS = 5.0

# {key digest: (monotonic time it was verified, token with its user and firm)}
_verified: dict[str, tuple[float, ApiToken]] = {}
_verified_lock = threading.Lock()
_clock = time.monotonic


def verified_tokens_forget() -> None:
    """Forget every remembered token: the next request of each is verified anew."""
    with _verified_lock:
        _verified.clear()


def _cache_seconds() -> float:
    return float(getattr(settings, "API_TOKEN_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def _remembered(digest: str) -> ApiToken | None:
    entry = _verified.get(digest)
    if entry is None:
        return None
    verified_at, token = entry
    if _clock() - verified_at > _cache_seconds():
        with _verified_lock:
            if _verified.get(digest) is entry:
                del _verified[digest]
        return None
    return token


def _remember(digest: str, token: ApiToken) -> None:
    if _cache_seconds() <= 0:
        return
    with _verified_lock:
        # Keys never verified again are dropped, so the map stays small.
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[digest] = (_clock(), token)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <prefix.secret>``: an issued, unrevoked, unexpired
    token of an active user."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: give 'Token <key>' with no spaces in the key."
            )
        try:
            key = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        prefix, dot, _ = key.partition(".")
        if not dot or not prefix or len(key) > 150 or "\x00" in key:
            raise exceptions.AuthenticationFailed("Invalid token.")
        digest = hashlib.sha512(key.encode()).hexdigest()
        token = _remembered(digest)
        if token is None:
            token = self._verify(key, prefix)
            _remember(digest, token)
        if token.has_expired:
            raise exceptions.AuthenticationFailed("This token has expired.")
        now = timezone.now()
        if (
            token.last_used_at is None
            or now - token.last_used_at > LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        # Each request gets its own copies: a view may not change another's user.
        request_token = copy.copy(token)
        user = copy.copy(token.user)
        ApiToken._meta.get_field("user").set_cached_value(request_token, user)
        return user, request_token

    def _verify(self, key: str, prefix: str) -> ApiToken:
        token = (
            ApiToken.objects.filter(prefix=prefix, revoked=False)
            .select_related("user", "user__firm")
            .first()
        )
        if token is None or not token.is_valid(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.has_expired:
            raise exceptions.AuthenticationFailed("This token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's user is inactive.")
        return token

    def authenticate_header(self, request):
        return KEYWORD


class TokenScopePermission(permissions.BasePermission):
    """A read-only token reads; only a read-write token (or a session) writes."""

    message = "This token is read-only: it may not change anything."

    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in permissions.SAFE_METHODS
        return True


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "advisor.api.auth.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, as issued by `issue_api_token`.",
        }
