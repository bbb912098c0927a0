"""API tokens: who a request is, and what its token lets it do.

Tokens are ``djangorestframework-api-key`` keys (``prefix.secret``, only the
SHA-512 digest stored), each owned by a user whose rights it carries, narrowed
by its scope: a read-only token may only read.
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from advisor.models import ApiToken

KEYWORD = "Token"
# How often a token's ``last_used_at`` is written: not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
        now = timezone.now()
        if (
            token.last_used_at is None
            or now - token.last_used_at > LAST_USED_RESOLUTION
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

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
