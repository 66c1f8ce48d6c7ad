"""Kontor's API rate limits for SuiteCRM's two APIs: the same counters as the REST API
(kontor.api.throttles.ApiRateThrottle), per user once known, per client address before; and
failed credentials per client address, so that guessing tokens is refused after as many tries
as a caller who is not signed in may make (KONTOR_API_ANON_RATE).

For the V8 and v4_1 endpoints; each API answers a refusal in its own format.
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from kontor.api.throttles import ApiRateThrottle


class FailureThrottle(ApiRateThrottle):
    """Failed credentials of one client address, at the rate of callers not signed in. A
    counter of its own: an address's valid calls do not use up its allowance of failures,
    and its failures do not block the valid tokens of others behind the same address."""

    def cache_key(self, request, signed_in: bool) -> str:
        return f"kontor-api-throttle:failed:{self.get_ident(request)}"


def over_limit(request, user) -> int | None:
    """Count this call for `user` (None: the address); the seconds to wait when over the
    limit, else None."""
    return _count(ApiRateThrottle(), request, user)


def over_failure_limit(request) -> int | None:
    """Count a failed credential (a bearer token that is unknown, expired or revoked …) for
    the request's address; the seconds to wait when over the limit, else None."""
    return _count(FailureThrottle(), request, None)


def _count(throttle, request, user) -> int | None:
    # The throttle reads only the caller and the address (and proxy headers) of a request.
    caller = SimpleNamespace(
        user=user or AnonymousUser(), META=request.META, headers=request.headers
    )
    if throttle.allow_request(caller, None):
        return None
    return int(throttle.wait() or 1)
