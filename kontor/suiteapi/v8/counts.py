"""What the count behind a V8 list's `total-pages` is cached under, for kontor.suiteapi.v8.records.

A list keeps its count a minute per user and query. Keying it by the query's SQL meant
compiling the count query on every full page only to look the count up (about 1 ms of a
15 ms list of 100 leads). Here the key is what decides the SQL: the user, the module, the
trash or not, the user's reach and teams for listing (the permission filter), and the filter
condition, written out from its values. A condition holding anything else (an expression, a
subquery) has no such key, and the caller falls back to the SQL.
"""

import datetime
import decimal
import hashlib
import uuid

from django.db.models import Model, Q

from kontor.core import permissions

_PLAIN = (str, int, float, bool, decimal.Decimal, datetime.date, uuid.UUID, type(None))


def list_count_key(user, module, condition: Q, deleted: bool) -> str | None:
    """The cache key of the count of `module`'s list for `user` with `condition` (the
    trash with `deleted`); None when the condition cannot be written out."""
    if module.module is None:  # users: their own visibility rule, keyed by the SQL
        return None
    written = _written(condition)
    if written is None:
        return None
    action = "delete" if deleted else "list"
    reach = permissions.scope(user, action, module.model)
    teams = sorted(permissions.grants_of(user).team_ids) if reach == "team" else []
    text = f"{user.pk}|{module.name}|{deleted}|{reach}|{teams}|{written}"
    return "kontor:suiteapi:v8:count-q:" + hashlib.sha256(text.encode()).hexdigest()


def _written(node) -> str | None:
    """`node` (a Q or a lookup pair) as text that differs whenever its SQL would; None for a
    part that is not a plain lookup of plain values."""
    if isinstance(node, Q):
        parts = [_written(child) for child in node.children]
        if any(part is None for part in parts):
            return None
        return f"{'NOT ' if node.negated else ''}{node.connector}({','.join(parts)})"
    if not (isinstance(node, tuple) and len(node) == 2 and isinstance(node[0], str)):
        return None
    lookup, value = node
    value = _value(value)
    return None if value is None else f"{lookup}={value}"


def _value(value) -> str | None:
    if isinstance(value, Model):
        value = value.pk
    if isinstance(value, _PLAIN):
        return f"{type(value).__name__}:{value!r}"
    if isinstance(value, list | tuple | set | frozenset):
        items = [_value(item) for item in value]
        if any(item is None for item in items):
            return None
        return f"[{','.join(sorted(items) if isinstance(value, set | frozenset) else items)}]"
    return None
