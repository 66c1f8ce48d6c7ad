"""The sign-in backend: Django's username and password check, with the session's user loaded
together with their profile.

Every signed-in request reads the user of its session and then, for the language, time zone,
formats and the top bar's order (kontor.core.middleware, kontor.core.navigation), the user's
profile: one query with the profile joined instead of two. A user without a profile row reads
as one (`getattr(user, "profile", None)` is None), as before.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend

#: The backend a session names when it was signed in before this one was Kontor's.
DJANGO_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = f"{__name__}.ModelBackendWithProfile"


class ModelBackendWithProfile(ModelBackend):
    """ModelBackend whose session user comes with `user.profile` joined."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("profile").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def adopt_session(session) -> None:
    """Let a session signed in with Django's own backend name this one, before its user is
    read: Django signs out a session whose backend is no longer configured, and an upgrade
    should sign nobody out. The password check and the user are the same."""
    if session.get(BACKEND_SESSION_KEY) == DJANGO_BACKEND:
        session[BACKEND_SESSION_KEY] = BACKEND
