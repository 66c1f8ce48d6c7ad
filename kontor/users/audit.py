"""The account audit trail: who signed in, failed, signed out, changed or reset a password,
signed a session out, from which address and browser (Administration → Sign-ins).

Sign-ins, failures and sign-outs arrive through Django's auth signals, so every path that
signs in with `login()` or checks a password with `authenticate()` is recorded, the sign-in
page and the SuiteCRM API logins alike; the account actions (kontor/users/account_actions.py)
record the rest. An entry holds the user name as typed, never a password or a reset token.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.utils import timezone

from kontor.users import sessions
from kontor.users.account_models import AccountEvent
from kontor.users.client import client_address, short_user_agent

Kind = AccountEvent.Kind
#: Entries removed per transaction by `prune`: short locks, bounded memory.
PRUNE_BATCH = 5000


def record_event(
    kind: str,
    *,
    request=None,
    user=None,
    username: str = "",
    actor=None,
    address: str | None = None,
    user_agent: str | None = None,
):
    """Write one entry of the account audit trail (in the caller's transaction); the address
    and browser are the request's unless given (a background task has no request)."""
    if user is not None and not username:
        username = user.get_username()
    if address is None:
        address = client_address(request) if request is not None else ""
    return AccountEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or "")[:150],
        address=address[:64],
        user_agent=(short_user_agent(request) if user_agent is None else user_agent)[:200],
        actor=actor if actor is not None and actor != user else None,
    )


def prune(days: int | None = None) -> int:
    """Remove the entries older than `days` (KONTOR_ACCOUNT_AUDIT_DAYS; 0 keeps everything),
    oldest first, in batches of PRUNE_BATCH, each its own transaction; returns how many.
    For operators (`kontor prune_account_audit`): the trail is personal data with a purpose
    that ends, and grows with every sign-in."""
    days = settings.KONTOR_ACCOUNT_AUDIT_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = timezone.now() - timedelta(days=days)
    removed = 0
    while True:
        with transaction.atomic():
            batch = list(
                AccountEvent.objects.filter(at__lt=cutoff)
                .order_by("at")
                .values_list("pk", flat=True)[:PRUNE_BATCH]
            )
            if not batch:
                return removed
            removed += AccountEvent.objects.filter(pk__in=batch).delete()[0]


def _signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    sessions.record_sign_in(request, user)
    record_event(Kind.SIGNED_IN, request=request, user=user)


def _signed_out(sender, request, user, **kwargs):
    if request is None or user is None or not hasattr(request, "session"):
        return
    sessions.forget_session(request)
    record_event(Kind.SIGNED_OUT, request=request, user=user)


def _failed(sender, credentials, request=None, **kwargs):
    username_field = get_user_model().USERNAME_FIELD
    username = str(credentials.get(username_field) or credentials.get("username") or "")
    user = get_user_model()._default_manager.filter(**{username_field: username}).first()
    record_event(Kind.SIGN_IN_FAILED, request=request, user=user, username=username)


def connect() -> None:
    """Listen to Django's auth signals (called once from UsersConfig.ready)."""
    user_logged_in.connect(_signed_in, dispatch_uid="kontor.users.audit.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="kontor.users.audit.signed_out")
    user_login_failed.connect(_failed, dispatch_uid="kontor.users.audit.failed")
