"""Per-request set-up: the signed-in user's language and time zone, and the change origin."""

import zoneinfo

from django.utils import timezone, translation

from kontor.core.context import origin


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
            if profile is not None:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
        try:
            with origin():
                return self.get_response(request)
        finally:
            timezone.deactivate()
