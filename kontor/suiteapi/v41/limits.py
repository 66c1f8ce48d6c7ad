"""Kontor's API rate limits on the v4_1 endpoint (kontor.suiteapi.limits), answered as
SuiteCRM's resource error."""

from kontor.suiteapi.limits import over_limit
from kontor.suiteapi.v41.errors import ApiError


def check_rate(request, user) -> None:
    """Count this call for `user` (None: the address); ApiError with HTTP 429 when over."""
    wait = over_limit(request, user)
    if wait is not None:
        raise ApiError("resource_management_error", status=429, retry_after=wait)
