"""Sign-in with a lock-out: repeated failed attempts for one username (or from one client
address) block further attempts for a while, with a translated message.

Counters live in Django's cache, which is Redis in a deployment, so every app server sees the
same count; a successful sign-in clears the username's counter.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


def _keys(request, username: str) -> list[tuple[str, int]]:
    address = (request.META.get("REMOTE_ADDR") or "-") if request else "-"
    return [
        (f"kontor:signin:user:{username.strip().lower()}", settings.KONTOR_SIGNIN_MAX_FAILURES),
        (f"kontor:signin:addr:{address}", settings.KONTOR_SIGNIN_MAX_FAILURES_PER_ADDRESS),
    ]


def is_locked(request, username: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(request, username))


def record_failure(request, username: str) -> None:
    for key, _limit in _keys(request, username):
        # add() starts the window; incr() keeps its expiry, so the lock ends on time.
        if not cache.add(key, 1, settings.KONTOR_SIGNIN_LOCK_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, settings.KONTOR_SIGNIN_LOCK_SECONDS)


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing to check passwords while the account is locked."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if is_locked(self.request, username):
            minutes = max(1, settings.KONTOR_SIGNIN_LOCK_SECONDS // 60)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-ins. Try again in %(minutes)d minute.",
                    "Too many failed sign-ins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            record_failure(self.request, username)
            raise
        cache.delete(_keys(self.request, username)[0][0])
        return cleaned
