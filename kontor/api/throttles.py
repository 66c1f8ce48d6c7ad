"""Rate limits of the REST API: per token user (or per address when not signed in).

Limits come from the settings KONTOR_API_RATE and KONTOR_API_ANON_RATE ("600/minute"), read on
each request so a deployment (and a test) can change them; counts live in the cache, shared by
every app server when REDIS_URL is set.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        if self.is_signed_in:
            return getattr(settings, "KONTOR_API_RATE", "1200/minute")
        return getattr(settings, "KONTOR_API_ANON_RATE", "60/minute")

    def allow_request(self, request, view):
        self.is_signed_in = bool(request.user and request.user.is_authenticated)
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if self.is_signed_in else self.get_ident(request)
        return f"kontor-api-throttle:{'u' if self.is_signed_in else 'a'}:{ident}"

    def __init__(self):
        # The rate is read per request (allow_request), not once at start-up.
        self.is_signed_in = False
