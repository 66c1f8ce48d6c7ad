"""Authentication and permission classes of the REST API.

`Authorization: Bearer <token>` with a personal token (kontor.api.models.ApiToken); the
browsable API also accepts the signed-in session. A read-only token may only read.
"""

import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from kontor.api.actions import TOKEN_PREFIX, hash_key, touch
from kontor.api.models import ApiToken
from kontor.core import fast
from kontor.core.fast.token import read_token
from kontor.core.permissions import remember
from kontor.users.models import Role, Team


def token_for(key: str) -> ApiToken | None:
    """The active (unrevoked, unexpired) token whose secret is `key`, with its user. On the
    fast path (kontor.core.fast.token) the user's roles and teams come in the same statement:
    one query instead of three per request. They are still read per request, so a changed
    role or team applies to the next request."""
    if not key.startswith(TOKEN_PREFIX) or key.count("_") < 2:
        return None
    prefix = key[len(TOKEN_PREFIX) :].split("_", 1)[0]
    roles = team_ids = None
    if fast.on():
        found = read_token(ApiToken, prefix, roles=Role, teams=Team)
        token, roles, team_ids = found if found else (None, None, None)
    else:  # the grants are then read when first asked for (permissions.grants_of)
        token = (
            ApiToken.objects.select_related("user")
            .filter(prefix=prefix, revoked_at__isnull=True)
            .first()
        )
    if token is None or not secrets.compare_digest(token.key_hash, hash_key(key)):
        return None
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None  # the same answer as an unknown token
    if roles is not None:
        remember(token.user, roles, team_ids)
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Bearer <token>."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = token_for(key)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kontor.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from Settings → API tokens.",
        }


class TokenScope(permissions.BasePermission):
    """Signed in; a read-only token may only use safe methods."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if (
            request.method in permissions.SAFE_METHODS
            or token is None
            or not hasattr(token, "can_write")
        ):
            return True
        return token.can_write


class SchemaAccess(permissions.BasePermission):
    """The OpenAPI schema and its docs: signed-in users only, as the schema names the record
    types' fields and filters, custom fields included; everyone when the deployment sets
    KONTOR_API_SCHEMA_PUBLIC."""

    def has_permission(self, request, view):
        if settings.KONTOR_API_SCHEMA_PUBLIC:
            return True
        return bool(request.user and request.user.is_authenticated)
