"""Writes of the API's own tables: create and revoke personal tokens.

For the token page of the user settings and the `create_api_token` command. A token is shown
once, when it is created; only its hash is kept. Both verbs write an entry of the
administration change log (area "api_token"): a token grants access, so who made or revoked
whose token is kept — with its name, prefix and access, never the key or its hash.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.api.models import ApiToken
from kontor.core import permissions
from kontor.core.admin_log import log_admin_change

TOKEN_PREFIX = "kontor_"
#: The lifetimes offered at creation, in days (None: never expires), and the default.
LIFETIMES = (30, 90, 365, None)
DEFAULT_LIFETIME = 90


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(
    user,
    *,
    name: str,
    scope: str = ApiToken.Scope.WRITE,
    days: int | None = DEFAULT_LIFETIME,
    actor,
) -> tuple[ApiToken, str]:
    """A new token of `user`, made by `actor`: the user, an admin, or None for the operator's
    `create_api_token` command, valid for `days` (one of `LIFETIMES`; None: until revoked).
    Returns (token row, the secret to show once)."""
    _check_actor(user, actor)
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose read or read and write access.")})
    if days not in LIFETIMES:
        raise ValidationError({"days": _("Choose 30, 90 or 365 days, or never.")})
    now = timezone.now()
    prefix = secrets.token_hex(6)
    key = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=prefix,
        key_hash=hash_key(key),
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=days) if days else None,
    )
    _log(token, actor, gettext_noop("API token created"))
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> bool:
    """Revoke `token` (for good) as `actor` (its user or an admin); False when it was revoked
    already."""
    _check_actor(token.user, actor)
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _log(token, actor, gettext_noop("API token revoked"))
    return True


def _check_actor(user, actor) -> None:
    if actor is not None and actor.pk != user.pk and not permissions.is_admin(actor):
        raise PermissionDenied


def _log(token: ApiToken, actor, summary: str) -> None:
    log_admin_change(
        actor=actor,
        area="api_token",
        target=f"{token.user.get_username()}: {token.name}",
        summary=summary,
        detail={
            "user": token.user.get_username(),
            "prefix": token.prefix,
            "scope": token.scope,
            "expires": token.expires_at.isoformat() if token.expires_at else None,
        },
    )


def touch(token: ApiToken) -> None:
    """Remember when a token was last used, at most once a minute (a write per request would
    halve the API's throughput)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
