"""The OAuth2 side of SuiteCRM's V8 API: `POST Api/access_token` with the client credentials,
password and refresh token grants, the bearer check of every V8 route, and logout.

For the V8 views. Tokens are random strings that clients treat as opaque (SuiteCRM's are JWTs,
which its clients never open); only their SHA-256 is stored, with the expiry SuiteCRM fixes
(one hour, one month for the refresh token, which rotates on use). A token acts as its
user, through Kontor's roles and permission filter; an inactive user or client, or a client
an administrator revoked, gets nothing and its tokens stop working. Issuing and revoking
write the administration change log (the client and user, never a secret).
"""

import base64
import binascii
import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kontor.api.models import OAuthClient
from kontor.core import fast
from kontor.core.admin_log import log_admin_change
from kontor.core.fast.token import read_token
from kontor.core.permissions import remember
from kontor.suiteapi.models import AccessToken
from kontor.suiteapi.v8.errors import OAuthError, missing
from kontor.users import signin, two_factor
from kontor.users.models import Role, Team

ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=30)
GRANTS = ("client_credentials", "password", "refresh_token")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_grant(request, params: dict) -> dict:
    """The answer to a token request with the body `params` (plus HTTP Basic client
    credentials); OAuthError on any refusal."""
    grant = _text(params.get("grant_type"))
    if grant not in GRANTS:
        raise OAuthError(
            "unsupported_grant_type", "Check that all required parameters have been provided"
        )
    client_id, secret = _client_credentials(request, params)
    if not client_id:
        raise missing("client_id")
    if not secret:
        raise missing("client_secret")
    scope = _text(params.get("scope")).strip()
    client = OAuthClient.objects.select_related("user").filter(client_id=client_id).first()
    # An unknown client is refused like a wrong secret: SuiteCRM's 500 naming the id tells
    # a caller which ids exist.
    if client is None or not client.verify_secret(secret):
        raise OAuthError("invalid_client")
    if grant != "refresh_token" and (
        client.grant != grant or (grant == "client_credentials" and not client.is_confidential)
    ):
        raise OAuthError("invalid_client")
    if scope:
        raise OAuthError("invalid_scope", f"Check the `{scope}` scope")
    if grant == "client_credentials":
        user = client.user
        if user is None or not user.is_active:
            raise OAuthError("invalid_client")
        return _answer(*issue(client, user, grant=grant, refresh=False))
    if grant == "password":
        return _answer(*issue(client, _signed_in(request, params), grant=grant, refresh=True))
    return _answer(*refresh(client, _text(params.get("refresh_token"))))


def _text(value) -> str:
    """A parameter's text; anything else (a list, a NUL character no column holds) is none."""
    return value if isinstance(value, str) and "\x00" not in value else ""


def _client_credentials(request, params) -> tuple[str, str]:
    """client_id and client_secret from the body, else from HTTP Basic (as SuiteCRM's
    server reads them)."""
    client_id, secret = _text(params.get("client_id")), _text(params.get("client_secret"))
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic " and not (client_id and secret):
        try:
            user, _sep, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            user = password = ""
        client_id, secret = client_id or user, secret or password
    return client_id, secret


def _signed_in(request, params):
    """The user of the password grant: Django's authenticate (Kontor's password checks and
    sign-in throttle: 429 with Retry-After while a user name and address pair must wait).
    This grant cannot ask for a second factor, so a user with two-factor sign-in (or whose role
    requires it) is refused as a wrong password is (docs/access.md, "Machine credentials")."""
    username, password = _text(params.get("username")), _text(params.get("password"))
    if not username:
        raise missing("username")
    if not password:
        raise missing("password")
    wait = signin.claim(request, username)
    if wait:
        refused = OAuthError("invalid_grant", signin.throttled_message(wait), status=429)
        refused.headers["Retry-After"] = str(wait)
        raise refused
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_active and two_factor.password_alone_refused(user):
        # authenticate() accepted the password, so it sent no failure of its own.
        user_login_failed.send(__name__, credentials={"username": username}, request=request)
        user = None
    if user is None or not user.is_active:
        signin.record_failure(request, username)
        raise OAuthError("invalid_grant")
    # Gives back the attempt claimed above: the integration's next token need not wait.
    signin.record_success(request, username)
    return user


@transaction.atomic
def issue(client, user, *, grant: str, refresh: bool) -> tuple[AccessToken, str, str | None]:
    """A new access token (with a refresh token for `refresh`) of `client` acting as `user`:
    (row, access token, refresh token or None), the secrets only here."""
    access, refresh_token = secrets.token_urlsafe(40), None
    now = timezone.now()
    row = AccessToken(
        token_hash=digest(access),
        client=client,
        user=user,
        created_at=now,
        expires_at=now + ACCESS_LIFETIME,
    )
    if refresh:
        refresh_token = secrets.token_urlsafe(48)
        row.refresh_hash, row.refresh_expires_at = digest(refresh_token), now + REFRESH_LIFETIME
    row.save()
    _log(row, user, gettext_noop("SuiteCRM API token issued"), grant)
    return row, access, refresh_token


def refresh(client, refresh_token: str) -> tuple[AccessToken, str, str | None]:
    """A new token pair for a refresh token of `client`; the old pair is revoked."""
    if not refresh_token:
        raise missing("refresh_token")
    with transaction.atomic():
        old = (
            AccessToken.objects.select_for_update()
            .select_related("user")
            .filter(refresh_hash=digest(refresh_token))
            .first()
        )
        if old is None:
            raise OAuthError("invalid_refresh_token", "Cannot decrypt the refresh token")
        if old.client_id != client.pk:
            raise OAuthError("invalid_refresh_token", "Token is not linked to client")
        if old.revoked_at is not None or not old.user.is_active:
            raise OAuthError("invalid_refresh_token", "Token has been revoked")
        if old.refresh_expires_at is None or old.refresh_expires_at <= timezone.now():
            raise OAuthError("invalid_refresh_token", "Token has expired")
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        return issue(client, old.user, grant="refresh_token", refresh=True)


def _answer(row: AccessToken, access: str, refresh_token: str | None) -> dict:
    body = {
        "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
        "access_token": access,
    }
    if refresh_token:
        body["refresh_token"] = refresh_token
    return body


def bearer(request) -> AccessToken:
    """The valid token of the request's `Authorization: Bearer` header, with its user and
    client; OAuthError access_denied (401) otherwise."""
    header = request.headers.get("Authorization", "")
    if not header:
        raise OAuthError("access_denied", 'Missing "Authorization" header')
    scheme, _sep, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise OAuthError("access_denied", "Access token could not be verified")
    token = stored_token(digest(value))
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        raise OAuthError("access_denied", "Access token could not be verified")
    if token.revoked_at is not None or not token.client.active:
        raise OAuthError("access_denied", "Access token has been revoked")
    return token


def stored_token(token_hash: str) -> AccessToken | None:
    """The token row of `token_hash` with its user and client. On the fast path
    (kontor.core.fast.token) the user's roles and teams come in the same statement, one
    prepared query instead of three per request; they are still read per request, so a
    changed role or team applies to the next one."""
    if not fast.on():  # the grants are then read when first asked for
        return (
            AccessToken.objects.select_related("user", "client")
            .filter(token_hash=token_hash)
            .first()
        )
    found = read_token(
        AccessToken,
        token_hash,
        roles=Role,
        teams=Team,
        key="token_hash",
        unrevoked=False,
        joined=("client",),
    )
    if found is None:
        return None
    token, roles, team_ids = found
    remember(token.user, roles, team_ids)
    return token


@transaction.atomic
def logout(token: AccessToken) -> None:
    """Revoke `token` (and its refresh token) for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _log(token, token.user, gettext_noop("SuiteCRM API token revoked"), "logout")


def _log(token: AccessToken, actor, summary: str, grant: str) -> None:
    log_admin_change(
        actor=actor,
        area="api_token",
        target=f"SuiteCRM API: {token.client.client_id}",
        summary=summary,
        detail={
            "client": token.client.client_id,
            "user": token.user.get_username(),
            "grant": grant,
        },
    )
