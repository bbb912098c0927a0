"""Throttles: a budget per token and per user, answered with ``Retry-After``."""

from rest_framework import throttling

from advisor.models import ApiToken


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests made with one token (each token its own budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(throttling.UserRateThrottle):
    """Requests of one user, by every token and session of theirs together."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Requests without credentials, by address."""
