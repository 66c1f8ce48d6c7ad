"""An API token with its user and the user's roles and teams in one statement (a fast path of
kontor.core.fast, used on every API request by kontor.api.auth and by the SuiteCRM V8 API's
bearer check, kontor.suiteapi.v8.tokens).

The ORM reads the token with its user by `select_related` and the grants need two more
queries (roles, teams); building that query cost more per request than running it. Here one
hand-written statement, worked out once per process and prepared once per PostgreSQL
connection, reads all of it; each column is converted as the ORM converts it (dates, yes/no on
SQLite). The password hash and timestamps no request needs are left out: they stay deferred
and load on first access. With the fast paths off kontor.api.auth takes the ORM query.

The caller names its models: core knows no app.
"""

import json

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models.expressions import Col

from kontor.core.fast.prepared import execute

_lookups: dict = {}
_NOT_READ = frozenset(
    {"created_at", "modified_at", "password", "last_login", "date_joined", "secret_hash"}
)


def read_token(token_model, value: str, *, roles, teams, key="prefix", unrevoked=True, joined=()):
    """(token with its user set, the user's roles as JSON text [[is_admin, grants], …], the
    user's team ids) of the token of `token_model` whose `key` field is `value` (only an
    unrevoked one with `unrevoked`), or None.

    `roles` is the role model (fields `is_admin`, `grants`, many-to-many `users`), `teams` the
    team model (many-to-many `members`); `token_model` has `user`, `key` and `revoked_at`.
    `joined` names further foreign keys of the token (required ones) read in the same
    statement and set on the token."""
    connection = connections[router.db_for_read(token_model)]
    sql, parts = _lookup(connection, token_model, roles, teams, key, unrevoked, tuple(joined))
    with connection.cursor() as cursor:
        execute(cursor, sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    token = None
    start = 0
    for name, model, attnames, readers in parts:
        found = _instance(model, attnames, readers, row[start : start + len(attnames)], connection)
        start += len(attnames)
        if token is None:
            token = found
        else:
            setattr(token, name, found)
    role_rows = row[-2] if isinstance(row[-2], str) else json.dumps(row[-2] or [])
    team_rows = row[-1]
    team_rows = json.loads(team_rows) if isinstance(team_rows, str) else team_rows
    return token, role_rows, [team for (team,) in team_rows or []]


def _lookup(connection, token_model, role_model, team_model, key, unrevoked, joined):
    """(SQL, readers) of the token lookup on `connection`, worked out once per process."""
    cache_key = (connection.alias, token_model, role_model, team_model, key, unrevoked, joined)
    found = _lookups.get(cache_key)
    if found is not None:
        return found
    q = connection.ops.quote_name
    user_model = get_user_model()
    token_meta, user_meta = token_model._meta, user_model._meta
    user_id = f"t.{q(token_meta.get_field('user').column)}"
    if connection.vendor == "postgresql":
        rows = "JSON_AGG(JSON_BUILD_ARRAY({}))::text"
    else:
        rows = "JSON_GROUP_ARRAY(JSON_ARRAY({}))"
    tables = [(None, "t", token_model), ("user", "u", user_model)]
    joins = f"JOIN {q(user_meta.db_table)} u ON u.{q(user_meta.pk.column)} = {user_id} "
    for i, name in enumerate(joined):
        field = token_meta.get_field(name)
        model, alias = field.related_model, f"j{i}"
        tables.append((name, alias, model))
        joins += (
            f"JOIN {q(model._meta.db_table)} {alias} "
            f"ON {alias}.{q(model._meta.pk.column)} = t.{q(field.column)} "
        )
    parts, columns = [], []
    for name, alias, model in tables:
        fields = [f for f in model._meta.concrete_fields if f.attname not in _NOT_READ]
        readers = [(f, Col(alias, f)) for f in fields]
        readers = [
            (col, connection.ops.get_db_converters(col) + f.get_db_converters(connection))
            for f, col in readers
        ]
        parts.append((name, model, [f.attname for f in fields], readers))
        columns += [f"{alias}.{q(f.column)}" for f in fields]

    def of_user(through, select: str, join: str = "") -> str:
        """Aggregated rows of `through` (user ↔ other) for the token's user; OTHER in
        `select`/`join` stands for the column of the other side."""
        meta = through._meta
        mine = next(f for f in meta.fields if f.related_model is user_model)
        other = next(f for f in meta.fields if f.is_relation and f is not mine)
        return (
            f"(SELECT {rows.format(select)} FROM {q(meta.db_table)} m {join} WHERE "
            f"m.{q(mine.column)} = {user_id})"
        ).replace("OTHER", q(other.column))

    role = role_model._meta
    roles = of_user(
        role.get_field("users").remote_field.through,
        f"r.{q(role.get_field('is_admin').column)}, r.{q(role.get_field('grants').column)}",
        f"JOIN {q(role.db_table)} r ON r.{q(role.pk.column)} = m.OTHER",
    )
    teams = of_user(team_model._meta.get_field("members").remote_field.through, "m.OTHER")
    sql = (
        f"SELECT {', '.join([*columns, roles, teams])} FROM {q(token_meta.db_table)} t {joins}"
        f"WHERE t.{q(token_meta.get_field(key).column)} = %s"
    )
    if unrevoked:
        sql += f" AND t.{q(token_meta.get_field('revoked_at').column)} IS NULL"
    found = _lookups[cache_key] = (sql, parts)
    return found


def _instance(model, attnames, readers, values, connection):
    converted = []
    for value, (col, converters) in zip(values, readers, strict=True):
        for convert in converters:
            value = convert(value, col, connection)
        converted.append(value)
    return model.from_db(connection.alias, attnames, converted)
