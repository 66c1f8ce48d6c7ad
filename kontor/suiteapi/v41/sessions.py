"""v4_1 sessions: the id `login` answers and every later call sends as `session`.

The id is a random string given to the client once; Kontor keeps only its SHA-256
(`Session.key_hash`). A session ends at `logout`, after `KONTOR_SUITEAPI_SESSION_IDLE` seconds
unused (default 1440, PHP's session lifetime, which SuiteCRM's sessions follow) or at the
latest `KONTOR_SUITEAPI_SESSION_MAX` seconds after login (default one day), and with its user's
deactivation.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kontor.core import fast
from kontor.core.fast.token import read_token
from kontor.core.permissions import remember
from kontor.suiteapi.models import Session
from kontor.suiteapi.v41.errors import ApiError
from kontor.users.models import Role, Team

# The last use is written at most this often: not one UPDATE per call.
TOUCH_EVERY = timedelta(seconds=60)


def _idle() -> timedelta:
    return timedelta(seconds=getattr(settings, "KONTOR_SUITEAPI_SESSION_IDLE", 1440))


def _longest() -> timedelta:
    return timedelta(seconds=getattr(settings, "KONTOR_SUITEAPI_SESSION_MAX", 86400))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user, application: str = "") -> str:
    """A new session of `user`; returns its id (26 lower-case characters, like PHP's)."""
    key = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(26))
    now = timezone.now()
    Session.objects.create(
        key_hash=hash_key(key),
        user=user,
        application=(application or "")[:255],
        created_at=now,
        last_used_at=now,
        expires_at=min(now + _idle(), now + _longest()),
    )
    return key


def find(key) -> Session:
    """The live session of `key` with its user, or ApiError("invalid_session")."""
    if not isinstance(key, str) or not key or len(key) > 128:
        raise ApiError("invalid_session")
    session = _stored(hash_key(key))
    now = timezone.now()
    if session is None or session.expires_at <= now or not session.user.is_active:
        raise ApiError("invalid_session")
    if now - session.last_used_at >= TOUCH_EVERY:
        expires = min(now + _idle(), session.created_at + _longest())
        Session.objects.filter(pk=session.pk).update(last_used_at=now, expires_at=expires)
        session.last_used_at, session.expires_at = now, expires
    return session


def _stored(key_hash: str) -> Session | None:
    """The unended session of `key_hash` with its user. On the fast path
    (kontor.core.fast.token) the user's roles and teams come in the same statement, one
    prepared query instead of two per call; they are still read per call, so a changed role
    or team applies to the next one."""
    if not fast.on():  # the grants are then read when first asked for
        found = Session.objects.select_related("user").filter(key_hash=key_hash)
        return found.filter(ended_at__isnull=True).first()
    found = read_token(Session, key_hash, roles=Role, teams=Team, key="key_hash", unrevoked=False)
    if found is None or found[0].ended_at is not None:
        return None
    session, roles, team_ids = found
    remember(session.user, roles, team_ids)
    return session


def end(session: Session) -> None:
    Session.objects.filter(pk=session.pk).update(ended_at=timezone.now())
