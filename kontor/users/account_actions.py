"""Writes to a user's own account: their password and their signed-in sessions.

Each action writes its entry of the account audit trail (kontor/users/audit.py) in the same
transaction. A new password signs out every other session of the user: the one that changed it
stays signed in (with a new key), a reset by e-mail leaves none.
"""

from django.contrib.auth import logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.db import transaction

from kontor.core import permissions
from kontor.users import reset, sessions
from kontor.users.account_models import UserSession
from kontor.users.audit import Kind, record_event
from kontor.users.client import client_address, short_user_agent


@transaction.atomic
def change_own_password(request, new_password: str) -> int:
    """Set the signed-in user's password (the form checked the old one and the validators),
    keep this session signed in and sign out the others; how many were signed out."""
    user = request.user
    user.set_password(new_password)
    user.save(update_fields=["password"])
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    sessions.rekey_current(request, old_key)
    others = UserSession.objects.filter(user=user)
    ended = sessions.end_sessions(others.exclude(key_hash=sessions.current_hash(request)))
    record_event(Kind.PASSWORD_CHANGED, request=request, user=user)
    return ended


def request_reset(request, email: str) -> None:
    """Queue the reset mail for `email` (when not throttled); the answer is the same for a
    known, an unknown and a throttled address."""
    if not reset.allowed(request, email):
        return
    arguments = (email.strip()[:254], client_address(request), short_user_agent(request))
    transaction.on_commit(lambda: reset.send_reset_mail.enqueue(*arguments))


@transaction.atomic
def complete_reset(request, user, new_password: str) -> int:
    """Set `user`'s password from a reset link (the view checked the token) and sign out
    every session of theirs; how many others. When this browser is signed in as `user`, it
    is signed out too (properly: it gets a fresh empty session)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    rows = UserSession.objects.filter(user=user).exclude(key_hash=sessions.current_hash(request))
    ended = sessions.end_sessions(rows)
    record_event(Kind.RESET_COMPLETED, request=request, user=user)
    if request.user.is_authenticated and request.user.pk == user.pk:
        logout(request)
    return ended


@transaction.atomic
def end_session(user, pk: int, *, actor, request=None) -> bool:
    """Sign out session `pk` of `user` (by that user, or an admin); False when it is gone."""
    if actor is None or (actor.pk != user.pk and not permissions.is_admin(actor)):
        raise PermissionDenied
    row = UserSession.objects.filter(user=user, pk=pk).first()
    if row is None:
        return False
    if request is not None and row.key_hash == sessions.current_hash(request):
        # This browser's own session: a sign-out, so the response carries a fresh session
        # instead of saving the one just deleted.
        logout(request)
        return True
    sessions.end_sessions([row])
    record_event(Kind.SESSION_REVOKED, request=request, user=user, actor=actor)
    return True


@transaction.atomic
def end_other_sessions(request) -> int:
    """Sign out every session of the signed-in user but this one; how many."""
    others = UserSession.objects.filter(user=request.user)
    others = others.exclude(key_hash=sessions.current_hash(request))
    ended = sessions.end_sessions(others)
    if ended:
        record_event(Kind.SESSION_REVOKED, request=request, user=request.user)
    return ended
