"""Per-request set-up: the signed-in user's language, time zone and formats, the change origin,
and a per-request copy of the dropdown lists; the security headers; no caching of what a
signed-in user is shown."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from kontor.core import dropdowns, preferences, user_formats
from kontor.core.context import origin


class UserPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        previous = translation.get_language()
        language = None
        chosen = {}
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            if profile is not None:
                language = profile.language
                translation.activate(language)
                request.LANGUAGE_CODE = language
                timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
                chosen = preferences.formats(user)
        try:
            with origin(), dropdowns.request_copy(), user_formats.chosen(chosen):
                response = self.get_response(request)
        finally:
            # Nothing of this user's settings may leak into what the thread runs next.
            timezone.deactivate()
            translation.activate(previous) if previous else translation.deactivate()
        if language:
            response.headers["Content-Language"] = language
        return response


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (settings.KONTOR_CSP) to responses without one of
    their own, so a page that needs a wider policy (a hosted web form redirecting to the
    company's site) sets its own header and keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.KONTOR_CSP and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.KONTOR_CSP
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in user (pages,
    fragments, exports, the API with a session or a token): record data must stay neither in
    a shared proxy nor on the disk of a browser someone else uses next. Anonymous pages keep
    their own rules, and static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read after the view: the API signs token callers in inside the view (DRF sets the
        # user on this request then).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
