"""Removing the V8 tokens and v4_1 sessions that can no longer be used, for operators
(`kontor purge_suiteapi_sessions`; the workers run it daily, docs/scheduling.md).

Nothing reads a row past its expiry: a token is refused once its access token has expired and
it has no refresh token left, a session once its `expires_at` has passed (a logged-out session
has one too, at most `KONTOR_SUITEAPI_SESSION_IDLE` seconds after its last use). Rows still
within their lifetime stay, revoked or logged out ones included, so a replayed revoked refresh
token keeps its answer ("Token has been revoked") until it would have expired anyway.
"""

from django.db.models import Q
from django.utils import timezone

from kontor.suiteapi.models import AccessToken, Session


def expired_tokens(now=None):
    """V8 token rows whose access token and refresh token (if any) have both expired."""
    now = now or timezone.now()
    refresh_over = Q(refresh_expires_at__isnull=True) | Q(refresh_expires_at__lte=now)
    return AccessToken.objects.filter(refresh_over, expires_at__lte=now)


def expired_sessions(now=None):
    """v4_1 sessions past their expiry."""
    return Session.objects.filter(expires_at__lte=now or timezone.now())


def purge(now=None) -> tuple[int, int]:
    """Delete the expired V8 tokens and v4_1 sessions; (tokens, sessions) deleted."""
    now = now or timezone.now()
    _total, tokens = expired_tokens(now).delete()
    _total, sessions = expired_sessions(now).delete()
    return tokens.get(AccessToken._meta.label, 0), sessions.get(Session._meta.label, 0)
