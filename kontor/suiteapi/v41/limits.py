"""Kontor's API rate limits on the v4_1 endpoint: the same counters as the REST API
(kontor.api.throttles.ApiRateThrottle), per user once the session is known, per client
address before it."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from kontor.api.throttles import ApiRateThrottle
from kontor.suiteapi.v41.errors import ApiError


def check_rate(request, user) -> None:
    """Count this call for `user` (None: the address); ApiError with HTTP 429 when over."""
    throttle = ApiRateThrottle()
    # The throttle reads only the caller and the address (and proxy headers) of a request.
    caller = SimpleNamespace(
        user=user or AnonymousUser(), META=request.META, headers=request.headers
    )
    if not throttle.allow_request(caller, None):
        raise ApiError("resource_management_error", status=429, retry_after=throttle.wait())
