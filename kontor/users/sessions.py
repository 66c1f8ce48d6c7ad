"""A user's signed-in sessions: recorded at sign-in, seen now and then, signed out on request.

Every sign-in through Django's `login()` (the sign-in page, and any later step that ends in it)
writes one `UserSession` row; `SessionActivityMiddleware` moves its "last seen" forward at most
every `SEEN_EVERY` seconds and never writes to the session itself (which would stretch its
fixed lifetime): each process remembers which sessions it has seen lately (`_seen_here`, a
bounded dict: nothing another server needs), and past that a cache `add` lets one request of
all servers write the row. Signing a session out deletes it from
the session store (database or cache, whichever `SESSION_ENGINE` is), so its browser is signed
out on its next request, and deletes its row.

Deleting a session from the store needs its key, and a key is a sign-in: the row keeps the key
only sealed with the SECRET_KEY (kontor.core.sealing: `cryptography`'s Fernet). A copy of the
database (a backup) signs nobody in; with the SECRET_KEY, one could forge reset links anyway.
Unsealing tries SECRET_KEY_FALLBACKS too and checks the result against the stored hash, so
sessions stay revocable across a key rotation.
"""

import hashlib
import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kontor.core import sealing
from kontor.users import backends
from kontor.users.account_models import UserSession
from kontor.users.client import client_address, short_user_agent

#: Seconds between two updates of a session's "last seen".
SEEN_EVERY = 300
SEALED_FOR = "kontor.users.sessions.key"
SEEN_PREFIX = "kontor:seen:"
#: key hash → when this process last saw that session (time.monotonic()); cleared when full.
_seen_here: dict[str, float] = {}
SEEN_HERE_MAX = 10_000


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def seal(session_key: str) -> str:
    """The session key sealed with the SECRET_KEY (kontor.core.sealing)."""
    return sealing.seal(session_key, purpose=SEALED_FOR)


def unseal(row: UserSession) -> str | None:
    """The session key of `row`, or None when no current or fallback SECRET_KEY opens it."""
    key = sealing.unseal(row.sealed_key, purpose=SEALED_FOR)
    return key if key is not None and key_hash(key) == row.key_hash else None


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _expiry(request):
    return timezone.now() + timedelta(seconds=request.session.get_expiry_age())


def record_sign_in(request, user) -> UserSession | None:
    """Write the row of the session `user` has just signed in with (after `login()` gave it
    its new key), and drop the rows of every expired session."""
    session_key = request.session.session_key
    if not session_key:
        return None
    now = timezone.now()
    UserSession.objects.filter(expires__lt=now).delete()
    row, _created = UserSession.objects.update_or_create(
        key_hash=key_hash(session_key),
        defaults={
            "user": user,
            "sealed_key": seal(session_key),
            "created": now,
            "last_seen": now,
            "expires": _expiry(request),
            "address": client_address(request),
            "user_agent": short_user_agent(request),
        },
    )
    _seen_here[row.key_hash] = time.monotonic()
    cache.set(SEEN_PREFIX + row.key_hash, 1, SEEN_EVERY)
    return row


def forget_session(request) -> None:
    """Drop the row of the request's session (signed out by its own user)."""
    if request.session.session_key:
        UserSession.objects.filter(key_hash=key_hash(request.session.session_key)).delete()


def rekey_current(request, old_key: str | None) -> None:
    """Move the row of the request's session to its new key (after `cycle_key`, which a
    password change does to keep its own session)."""
    new_key = request.session.session_key
    if not old_key or not new_key or old_key == new_key:
        return
    UserSession.objects.filter(key_hash=key_hash(old_key)).update(
        key_hash=key_hash(new_key), sealed_key=seal(new_key)
    )


def end_sessions(rows) -> int:
    """Delete the sessions of `rows` from the session store and their rows; how many."""
    rows = list(rows)
    for row in rows:
        session_key = unseal(row)
        if session_key:
            _store(session_key).delete()
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def sessions_of(user):
    return UserSession.objects.filter(user=user, expires__gte=timezone.now())


def current_hash(request) -> str:
    key = request.session.session_key
    return key_hash(key) if key else ""


def forget_seen(digest: str) -> None:
    """Let the next request of session `digest` write "last seen" (as SEEN_EVERY seconds on)."""
    _seen_here.pop(digest, None)
    cache.delete(SEEN_PREFIX + digest)


def touch(request) -> None:
    """Move "last seen" of the request's session forward, at most every SEEN_EVERY seconds;
    a session signed in before sessions were recorded gets its row here."""
    digest = current_hash(request)
    if not digest:
        return
    moment = time.monotonic()
    if moment - _seen_here.get(digest, -SEEN_EVERY) < SEEN_EVERY:
        return
    if len(_seen_here) >= SEEN_HERE_MAX:
        _seen_here.clear()
    _seen_here[digest] = moment
    if not cache.add(SEEN_PREFIX + digest, 1, SEEN_EVERY):
        return  # another process wrote it lately
    now = timezone.now()
    values = {"last_seen": now, "address": client_address(request)}
    with transaction.atomic():
        updated = UserSession.objects.filter(key_hash=digest).update(**values)
        # A session ended during this request (a reset, a sign-out elsewhere) gets no row.
        if not updated and request.session.exists(request.session.session_key):
            UserSession.objects.create(
                user=request.user,
                key_hash=digest,
                sealed_key=seal(request.session.session_key),
                created=now,
                expires=_expiry(request),
                user_agent=short_user_agent(request),
                **values,
            )


class SessionActivityMiddleware:
    """Keeps "last seen" of signed-in sessions (after AuthenticationMiddleware), and moves a
    session of Django's own sign-in backend to Kontor's (kontor.users.backends)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None:
            backends.adopt_session(session)  # before the lazy user is read
        response = self.get_response(request)
        # After the view: a sign-in or sign-out in this request has settled the session.
        # The session cookie first: a request without one never loads a user here.
        if session is not None and session.session_key and request.user.is_authenticated:
            touch(request)
        return response
