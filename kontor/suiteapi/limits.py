"""Kontor's API rate limits for SuiteCRM's two APIs: the same counters as the REST API
(kontor.api.throttles.ApiRateThrottle), per user once known, per client address before."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from kontor.api.throttles import ApiRateThrottle


def over_limit(request, user) -> int | None:
    """Count this call for `user` (None: the address); the seconds to wait when over the
    limit, else None. Each API answers the refusal in its own format."""
    throttle = ApiRateThrottle()
    # The throttle reads only the caller and the address (and proxy headers) of a request.
    caller = SimpleNamespace(
        user=user or AnonymousUser(), META=request.META, headers=request.headers
    )
    if throttle.allow_request(caller, None):
        return None
    return int(throttle.wait() or 1)
