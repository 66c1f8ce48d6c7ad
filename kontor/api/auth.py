"""Authentication and permission classes of the REST API.

`Authorization: Bearer <token>` with a personal token (kontor.api.models.ApiToken); the
browsable API also accepts the signed-in session. A read-only token may only read.
"""

import json
import secrets

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from kontor.api.actions import TOKEN_PREFIX, hash_key, touch
from kontor.api.models import ApiToken
from kontor.core import prepared
from kontor.core.permissions import remember

_lookups: dict = {}
_NOT_READ = frozenset({"created_at", "password", "last_login", "date_joined"})


def _lookup(connection):
    """(SQL, readers) of the token lookup on `connection`, worked out once per process.

    One statement reads the token, its user and the user's roles and teams: building that
    query with the ORM cost more per request than running it. The readers convert each column
    as the ORM would (dates, yes/no on SQLite)."""
    found = _lookups.get(connection.alias)
    if found is not None:
        return found
    from kontor.users.models import Role, Team

    q = connection.ops.quote_name
    token_meta, user_meta = ApiToken._meta, get_user_model()._meta
    user_id = f"t.{q(token_meta.get_field('user').column)}"
    if connection.vendor == "postgresql":
        rows = "JSON_AGG(JSON_BUILD_ARRAY({}))::text"
    else:
        rows = "JSON_GROUP_ARRAY(JSON_ARRAY({}))"
    parts = []
    for alias, model in (("t", ApiToken), ("u", get_user_model())):
        # Not read: timestamps no request needs and the password hash (each date is parsed in
        # Python); they stay deferred and load on first access.
        fields = [f for f in model._meta.concrete_fields if f.attname not in _NOT_READ]
        readers = [(f, Col(alias, f)) for f in fields]
        readers = [
            (col, connection.ops.get_db_converters(col) + f.get_db_converters(connection))
            for f, col in readers
        ]
        parts.append(
            (
                model,
                [f.attname for f in fields],
                readers,
                [f"{alias}.{q(f.column)}" for f in fields],
            )
        )

    def of_user(through, other: str, select: str, join: str) -> str:
        meta = through._meta
        return (
            f"(SELECT {rows.format(select)} FROM {q(meta.db_table)} m {join} WHERE "
            f"m.{q(meta.get_field('user').column)} = {user_id})"
        ).replace("OTHER", q(meta.get_field(other).column))

    role = Role._meta
    roles = of_user(
        Role.users.through,
        "role",
        f"r.{q('is_admin')}, r.{q('grants')}",
        f"JOIN {q(role.db_table)} r ON r.{q(role.pk.column)} = m.OTHER",
    )
    teams = of_user(Team.members.through, "team", "m.OTHER", "")
    columns = ", ".join([*parts[0][3], *parts[1][3], roles, teams])
    sql = (
        f"SELECT {columns} FROM {q(token_meta.db_table)} t JOIN {q(user_meta.db_table)} u "
        f"ON u.{q(user_meta.pk.column)} = {user_id} "
        f"WHERE t.{q(token_meta.get_field('prefix').column)} = %s "
        f"AND t.{q(token_meta.get_field('revoked_at').column)} IS NULL"
    )
    found = _lookups[connection.alias] = (sql, [part[:3] for part in parts])
    return found


def _instance(model, attnames, readers, values, connection):
    converted = []
    for value, (col, converters) in zip(values, readers, strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, attnames, converted)


def _decoded(value):
    return json.loads(value) if isinstance(value, str) else value


def token_for(key: str) -> ApiToken | None:
    """The active token whose secret is `key`, with its user, whose roles and teams are read
    in the same statement: one query instead of three per request. They are still read per
    request, so a changed role or team applies to the next request."""
    if not key.startswith(TOKEN_PREFIX) or key.count("_") < 2:
        return None
    prefix = key[len(TOKEN_PREFIX) :].split("_", 1)[0]
    connection = connections[router.db_for_read(ApiToken)]
    sql, parts = _lookup(connection)
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    (token_model, token_names, token_readers), (user_model, user_names, user_readers) = parts
    split = len(token_names)
    token = _instance(token_model, token_names, token_readers, row[:split], connection)
    if not secrets.compare_digest(token.key_hash, hash_key(key)):
        return None
    token.user = _instance(
        user_model, user_names, user_readers, row[split : split + len(user_names)], connection
    )
    roles = row[-2] if isinstance(row[-2], str) else json.dumps(row[-2] or [])
    remember(token.user, roles, [team for (team,) in _decoded(row[-1]) or []])
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
