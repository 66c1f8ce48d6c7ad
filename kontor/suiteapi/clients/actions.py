"""Writes of the V8 API's OAuth2 clients: create and revoke, for administrators (the
administration page) and operators (`kontor create_oauth_client`).

A client's secret is shown once, when it is created; only its hex SHA-256 is kept, as SuiteCRM
keeps it, so clients moved from SuiteCRM and new ones authenticate alike. Both verbs write an
entry of the administration change log (area "oauth_client") naming the client, its grant and
the user it acts as, never the secret or its hash. Revoking is for good: the client
authenticates nothing more, and the access tokens it was given stop working.
"""

import hashlib
import secrets
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kontor.api.models import OAuthClient
from kontor.core import permissions
from kontor.core.admin_log import log_admin_change
from kontor.suiteapi.models import AccessToken

ID_MAX = OAuthClient._meta.get_field("client_id").max_length


def hash_secret(secret: str) -> str:
    """SuiteCRM's stored form of a client secret: the lower-case hex SHA-256."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_client(
    *,
    name: str,
    grant: str,
    user=None,
    client_id: str = "",
    secret: str = "",
    actor,
) -> tuple[OAuthClient, str]:
    """A new client as `actor` (an administrator, or None for the operator's command).

    `user` is who a client-credentials client acts as (required then); a password client's
    tokens act as whoever signs in, so `user` only notes its owner there. Without
    `client_id` a new UUID is chosen, without `secret` a random one. Returns (client, the
    secret to show once); raises ValidationError on bad input and writes nothing then.
    """
    _check_actor(actor)
    client_id, secret = client_id.strip(), secret or secrets.token_urlsafe(32)
    errors = {}
    if grant not in OAuthClient.Grant.values:
        errors["grant"] = [_("Choose the password or the client credentials grant.")]
    if grant == OAuthClient.Grant.CLIENT_CREDENTIALS and (user is None or not user.is_active):
        errors["user"] = [_("Choose the active user this client acts as.")]
    if len(client_id) > ID_MAX:
        errors["client_id"] = [_("A client id has at most %(n)d characters.") % {"n": ID_MAX}]
    if len(secret) < 8:
        errors["secret"] = [_("A client secret has at least 8 characters.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        client_id = client_id or str(uuid.uuid4())
        if OAuthClient.objects.filter(client_id=client_id).exists():
            raise ValidationError({"client_id": [_("A client with this id exists already.")]})
        now = timezone.now()
        client = OAuthClient.objects.create(
            client_id=client_id,
            name=name.strip()[:255] or client_id,
            secret_hash=hash_secret(secret),
            grant=grant,
            user=user,
            created_at=now,
            modified_at=now,
        )
        _log(client, actor, gettext_noop("OAuth2 client created"))
    return client, secret


def revoke_client(client: OAuthClient, *, actor) -> bool:
    """Revoke `client` as the administrator `actor`, with the access tokens it was given;
    False when it was revoked already (nothing written)."""
    _check_actor(actor)
    with transaction.atomic():
        locked = OAuthClient.objects.select_for_update().get(pk=client.pk)
        if not locked.active:
            return False
        now = timezone.now()
        OAuthClient.objects.filter(pk=client.pk).update(active=False, modified_at=now)
        ended = AccessToken.objects.filter(client=client, revoked_at__isnull=True).update(
            revoked_at=now
        )
        client.active, client.modified_at = False, now
        _log(client, actor, gettext_noop("OAuth2 client revoked"), tokens_revoked=ended)
    return True


def _check_actor(actor) -> None:
    if actor is not None and not permissions.is_admin(actor):
        raise PermissionDenied


def _log(client: OAuthClient, actor, summary: str, **extra) -> None:
    log_admin_change(
        actor=actor,
        area="oauth_client",
        target=f"{client.name} ({client.client_id})",
        summary=summary,
        detail={
            "client_id": client.client_id,
            "name": client.name,
            "grant": client.grant,
            "user": client.user.get_username() if client.user else None,
            **extra,
        },
    )
