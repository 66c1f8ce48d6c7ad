"""Authentication and permission classes of the REST API.

`Authorization: Bearer <token>` with a personal token (kontor.api.models.ApiToken); the
browsable API also accepts the signed-in session. A read-only token may only read.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from kontor.api.actions import token_for, touch


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
        return {"type": "http", "scheme": "bearer",
                "description": "A personal API token from Settings → API tokens."}


class TokenScope(permissions.BasePermission):
    """Signed in; a read-only token may only use safe methods."""

    message = _("This token may only read.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if request.method in permissions.SAFE_METHODS or token is None or \
                not hasattr(token, "can_write"):
            return True
        return token.can_write
