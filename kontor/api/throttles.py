"""Rate limits of the REST API: per token user (or per address when not signed in).

Limits come from the settings KONTOR_API_RATE and KONTOR_API_ANON_RATE ("600/minute"), read on
each request so a deployment (and a test) can change them; counts live in the cache, shared by
every app server when REDIS_URL is set.

Every API address needs a valid token (or session), and DRF checks permissions before throttles:
an anonymous caller, a guessed token or a read-only token that writes is refused before its
request was ever counted. The exception handler (kontor/api/errors.py) therefore counts a
refusal the throttle has not seen (`refusal_throttled`: the address at the anonymous rate, a
signed-in caller at theirs), and answers 429 instead once the caller is over the limit.

A sliding window from two counters per caller (this period's and the last one's, the latter
weighted by how much of it the window still covers) instead of DRF's list of every request's
time: that list was read and written whole on each request, 9,000 entries per worker at 300
requests per second, and two servers writing it at once lost each other's requests.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


class ApiRateThrottle(BaseThrottle):
    scope = "api"

    def __init__(self):
        self.retry_after = None

    def get_rate(self, signed_in: bool) -> str | None:
        if signed_in:
            return getattr(settings, "KONTOR_API_RATE", "1200/minute")
        return getattr(settings, "KONTOR_API_ANON_RATE", "60/minute")

    def cache_key(self, request, signed_in: bool) -> str:
        ident = request.user.pk if signed_in else self.get_ident(request)
        return f"kontor-api-throttle:{'u' if signed_in else 'a'}:{ident}"

    def allow_request(self, request, view):
        request.kontor_throttle_counted = True
        signed_in = bool(request.user and request.user.is_authenticated)
        rate = self.get_rate(signed_in)
        if rate is None:
            return True
        limit, duration = SimpleRateThrottle.parse_rate(self, rate)
        now = time.time()
        period, into = divmod(now, duration)
        key = self.cache_key(request, signed_in)
        current, previous = f"{key}:{int(period)}", f"{key}:{int(period) - 1}"
        counts = cache.get_many([current, previous])
        earlier, recent = counts.get(previous, 0), counts.get(current, 0)
        covered = 1 - into / duration  # the share of the last period still in the window
        if earlier * covered + recent + 1 > limit:  # this request would be one too many
            self.retry_after = self._wait(limit, duration, into, earlier, recent)
            return False
        # add() starts the count (atomic in every backend); incr() counts on from there.
        if not cache.add(current, 1, timeout=2 * duration):
            try:
                cache.incr(current)
            except ValueError:  # expired between add() and incr()
                cache.set(current, 1, timeout=2 * duration)
        return True

    @staticmethod
    def _wait(limit, duration, into, earlier, recent) -> float:
        """Seconds until the window has room for one more request."""
        if recent >= limit:  # this period alone is full: into the next until it weighs less
            return duration - into + duration * (1 - (limit - 1) / recent)
        # the last period's share must shrink below what this one leaves
        needed = 1 - (limit - recent - 1) / earlier
        return max(needed * duration - into, 1.0)

    def wait(self):
        return None if self.retry_after is None else max(1, math.ceil(self.retry_after))


#: Refusals that can happen before DRF checks throttles (authentication, permission classes).
REFUSALS = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


def refusal_throttled(exc, request) -> exceptions.Throttled | None:
    """Count a refused request (`exc`) that no throttle counted yet, for its caller (the
    address when not signed in); the 429 to answer instead when over the limit, else None."""
    if request is None or not isinstance(exc, REFUSALS):
        return None
    if getattr(request, "kontor_throttle_counted", False):
        return None
    throttle = ApiRateThrottle()
    if throttle.allow_request(request, None):
        return None
    return exceptions.Throttled(throttle.wait())
