"""Throttles: a budget per token and per user, answered with ``Retry-After``.

Each budget is counted in two fixed windows of the rate's length, the current
one and the one before it, and a request is let through while the current
count plus the previous window's count, weighted by the share of the previous
window still inside the sliding one (rounded up), is under the budget (the
"sliding window counter"). That costs the same few cache operations however
large the budget is, where DRF's default keeps (and pickles, on every request)
a list of every request's time inside the window: at 2,400 a minute, 2,400
floats read and written back per request.
"""

import math

from rest_framework import throttling

from advisor.models import ApiToken


class WindowCounterThrottle(throttling.SimpleRateThrottle):
    """A ``SimpleRateThrottle`` counted in two windows rather than a list of times."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current_key = f"{self.key}:{window}"
        previous_key = f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current_key, previous_key])
        self.current = counts.get(current_key, 0)
        self.previous = counts.get(previous_key, 0)
        self.elapsed = self.now - window * self.duration
        if self._estimate(self.elapsed) >= self.num_requests:
            return self.throttle_failure()
        # Kept for two windows: the next one still weighs this one's count.
        if not self.cache.add(current_key, 1, timeout=2 * self.duration + 1):
            try:
                self.cache.incr(current_key)
            except ValueError:  # expired between the two calls
                self.cache.add(current_key, 1, timeout=2 * self.duration + 1)
        return True

    def _estimate(self, elapsed: float) -> int:
        share = max(0.0, 1 - elapsed / self.duration)
        return math.ceil(self.previous * share) + self.current

    def wait(self):
        """Return the seconds until a request would be let through again."""
        if self.current >= self.num_requests:
            # Not before the next window, where this one's count then decays.
            until_next = self.duration - self.elapsed
            share = max(0.0, 1 - (self.num_requests - 1) / self.current)
            return until_next + share * self.duration
        room = self.num_requests - self.current  # what the previous must fall under
        share = (room - 1) / self.previous if self.previous else 0.0
        return max(1.0, (1 - share) * self.duration - self.elapsed)


class TokenRateThrottle(WindowCounterThrottle):
    """Requests made with one token (each token its own budget)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UserRateThrottle(WindowCounterThrottle, throttling.UserRateThrottle):
    """Requests of one user, by every token and session of theirs together."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(WindowCounterThrottle, throttling.AnonRateThrottle):
    """Requests without credentials, by address."""
