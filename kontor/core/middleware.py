"""Per-request set-up: the signed-in user's language and time zone, the change origin, and a
per-request copy of the dropdown lists."""

import zoneinfo

from django.utils import timezone, translation

from kontor.core import dropdowns
from kontor.core.context import origin


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        previous = translation.get_language()
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None:
                language = profile.language
                translation.activate(language)
                request.LANGUAGE_CODE = language
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
        try:
            with origin(), dropdowns.request_copy():
                response = self.get_response(request)
        finally:
            # Nothing of this user's settings may leak into what the thread runs next.
            timezone.deactivate()
            translation.activate(previous) if previous else translation.deactivate()
        if language:
            response.headers["Content-Language"] = language
        return response
