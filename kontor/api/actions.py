"""Writes of the API's own tables: create and revoke personal tokens.

For the token page of the user settings and the `create_api_token` command. A token is shown
once, when it is created; only its hash is kept.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from kontor.api.models import ApiToken

TOKEN_PREFIX = "kontor_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(
    user, *, name: str, scope: str = ApiToken.Scope.WRITE, actor
) -> tuple[ApiToken, str]:
    """A new token of `user`; returns (token row, the secret to show once)."""
    prefix = secrets.token_hex(6)
    key = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API",
        prefix=prefix,
        key_hash=hash_key(key),
        scope=scope,
    )
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, actor) -> bool:
    """Revoke `token` (for good); False when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return True


def touch(token: ApiToken) -> None:
    """Remember when a token was last used, at most once a minute (a write per request would
    halve the API's throughput)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
