"""Kontor's records in the v4_1 shapes: modules by name with the caller's access, the
query/order_by columns of a module, and entries with their `name_value_list`.

Every read goes through the module's permission-filtered queryset
(kontor.suiteapi.mapping.ApiModule.queryset): a record the caller may not see is answered as
SuiteCRM answers a missing one.
"""

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import Q

from kontor.core import permissions
from kontor.suiteapi.attributes import Attribute, text
from kontor.suiteapi.currencies import CurrencyId, CurrencyPart
from kontor.suiteapi.mapping import ApiModule, api_module
from kontor.suiteapi.references import (
    Custom,
    DurationPart,
    ParentId,
    ParentType,
    RecordRef,
    UserRef,
)
from kontor.suiteapi.v8.counts import list_count_key
from kontor.suiteapi.v41.errors import ApiError
from kontor.suiteapi.v41.query import Column, QueryError, parse_order, parse_where

DEFAULT_PAGE = 20  # SuiteCRM's list_max_entries_per_page
BIGGEST = 2**63 - 1  # the largest integer a database column holds
# Counts up to this are exact on every call; a larger one (a million leads take 100 ms and
# more to count) is kept in the shared cache for COUNT_SECONDS per user and query.
COUNT_EXACT = 10_000
COUNT_SECONDS = 60
# From this offset on, a page reads its ids first (the sort index alone), then their rows.
DEFERRED_OFFSET = 1_000
TEXT_TYPES = {"varchar", "name", "text", "enum", "phone", "url", "email", "multienum", "relate"}
MISSING = "Access to this object is denied since it has been deleted or does not exist"
# What SuiteCRM's read-out encodes in text (its database keeps the decoded text).
_HTML = str.maketrans({'"': "&quot;", "<": "&lt;", ">": "&gt;", "'": "&#039;"})


def module_named(name) -> ApiModule:
    """The module of a v4_1 module name (plural, case-sensitive), or `no_module`."""
    api = api_module(name) if isinstance(name, str) else None
    if api is None or api.name != name:
        raise ApiError("no_module")
    return api


def require(user, api: ApiModule, action: str) -> None:
    """`no_access` unless `user` may `action` records of the module at all. Users are read by
    every signed-in user (some see only themselves: kontor.suiteapi.users) and written through
    no v4_1 call."""
    if api.module is None:
        if action not in ("view", "list"):
            raise ApiError("no_access")
        return
    if not permissions.can(user, action, api.model):
        raise ApiError("no_access")


def allows(user, action: str, record) -> bool:
    """May `user` `action` this record? (No v4_1 call changes a user.)"""
    if api_module("Users").model is type(record):
        return False
    return permissions.allows(user, action, record)


def table_of(api: ApiModule) -> str:
    return api.name.lower()


def _column(api: ApiModule, table: str | None, name: str) -> Column:
    """The Column a query names: `<table>.<col>`, `<table>_cstm.<col>_c` or a bare name."""
    own = table_of(api)
    if table not in (None, own, f"{own}_cstm"):
        raise QueryError(f"unknown table {table}")
    if name == "id":
        return Column(
            lambda op, value: _id_condition(api, op, value),
            lambda: Q(pk__in=[]),
            "pk",
        )
    attribute = api.attributes.get(name)
    if attribute is None or attribute.field is None:
        raise QueryError(f"unknown column {name}")
    custom = isinstance(attribute, Custom)
    if (table == own and custom) or (table == f"{own}_cstm" and not custom):
        raise QueryError(f"{name} is not a column of {table}")

    def compare(op, value):
        if not fits_column(attribute, value):
            raise QueryError(f"{name}: a number beyond the database's integers")
        try:
            return attribute.condition(op, _raw(value))
        except (ValueError, ValidationError) as error:  # not by this operator, or a bad value
            raise QueryError(name) from error

    def empty():
        q = Q(**{f"{attribute.field}__isnull": True})
        return q | Q(**{attribute.field: ""}) if attribute.type in TEXT_TYPES else q

    return Column(compare, empty, attribute.field)


def fits_column(attribute, value) -> bool:
    """Can `value` be compared with (or written to) an integer column of `attribute` (a user
    id, a number)? A number past 64 bits would fail in the database instead."""
    if not (isinstance(attribute, UserRef) or attribute is None or attribute.type == "int"):
        return True
    try:
        return abs(Decimal(_raw(value).strip() or "0")) <= BIGGEST
    except (InvalidOperation, AttributeError, TypeError):
        return True  # not a number: the attribute refuses it its own way


def _raw(value):
    """A query's number as the text SuiteCRM's MySQL would compare."""
    return value if isinstance(value, str) else format(value, "f")


def _id_condition(api: ApiModule, op: str, value) -> Q:
    if op not in ("eq", "neq"):
        raise QueryError("id compares only with = and !=")
    if api.module is None and not fits_column(None, value):  # users have integer ids
        raise QueryError("a number beyond the database's integers")
    pk = api.kontor_pk(_raw(value))
    q = Q(pk=pk) if pk is not None else Q(pk__in=[])
    return ~q if op == "neq" else q


def where(api: ApiModule, query) -> Q:
    """The Q of a client's `query`, or SuiteCRM's `no_access` for what is not accepted."""
    if query is not None and not isinstance(query, str):
        raise ApiError("no_access")
    try:
        return parse_where(query, lambda table, name: _column(api, table, name))
    except QueryError:
        raise ApiError("no_access") from None


def ordering(api: ApiModule, order_by) -> list[str]:
    """The ORM ordering of `order_by`, oldest first by default; `no_access` when refused."""
    if order_by is not None and not isinstance(order_by, str):
        raise ApiError("no_access")
    try:
        paths = parse_order(order_by, lambda table, name: _column(api, table, name))
    except QueryError:
        raise ApiError("no_access") from None
    default = ["date_entered"] if api.module is not None else ["date_joined"]
    return [*(paths or default), "pk"]


def chosen(api: ApiModule, select_fields: list[str]) -> list[str]:
    """The names an entry shows: "id" and every attribute, or the known ones of
    `select_fields` in the client's order."""
    attributes = api.attributes
    if not select_fields:
        return ["id", *attributes]
    return [n for n in dict.fromkeys(select_fields) if n == "id" or n in attributes]


def columns(api: ApiModule, attributes: dict, names: list[str]) -> list[str] | None:
    """The columns that the attributes `names` and `ApiModule.prepare` read, or None when one
    of them is computed from more (a related record's name): then a row loads every column.
    A lead has sixty; a page of 100 that shows eight builds its rows three times faster."""
    needed = {"id", "deleted"}
    for attribute in attributes.values():  # what prepare reads of every row
        if isinstance(attribute, UserRef | RecordRef):
            needed.add(attribute.field)
        elif isinstance(attribute, ParentId | ParentType):
            needed |= {"parent_type", "parent_id"}
    for name in names:
        attribute = attributes.get(name)
        if name == "id" or isinstance(attribute, UserRef | RecordRef | ParentId | ParentType):
            continue
        if type(attribute) is Attribute:
            needed.add(attribute.field.split("__")[0])
        elif isinstance(attribute, Custom):
            needed.add("custom")
        elif isinstance(attribute, DurationPart):
            needed.add("duration_minutes")
        elif isinstance(attribute, CurrencyId | CurrencyPart):
            needed.add("currency")
        elif name in ("name", "full_name") and api.person:
            needed |= {"first_name", "last_name"}
        else:
            return None
    return sorted(needed)


def records(api: ApiModule, user, action: str, names: list[str], deleted: bool = False, lean=False):
    """The records `user` may `action` (the deleted ones too when `deleted`), reading what
    the attributes `names` need; `lean`: no other column (rows read only for entries)."""
    queryset = _records(api, user, action, names, deleted)
    only = columns(api, api.attributes, names) if lean and api.module is not None else None
    return queryset.only(*only) if only else queryset


def _records(api: ApiModule, user, action: str, names: list[str], deleted: bool):
    if not deleted or api.module is None:
        return api.queryset(user, action, names)
    # The module's queryset on every row, the trash included (SuiteCRM's deleted=1): the live
    # ones `user` may `action`, the trashed ones if `user` may delete them (the trash's rule).
    attributes = api.attributes
    selects = sorted({s for n in names if n in attributes for s in attributes[n].select})
    if permissions.scope(user, "delete", api.model) == permissions.scope(user, action, api.model):
        queryset = api.model.with_deleted.visible_to(user, action)
    else:
        live = api.model.objects.visible_to(user, action)
        trashed = api.model.with_deleted.filter(deleted=True).visible_to(user, "delete")
        queryset = api.model.with_deleted.filter(
            Q(pk__in=live.values("pk")) | Q(pk__in=trashed.values("pk"))
        )
    queryset = queryset.select_related(*selects)
    aliases = {
        a.field: a.definition.expression() for a in attributes.values() if isinstance(a, Custom)
    }
    return queryset.alias(**aliases) if aliases else queryset


def page(queryset, order: list[str], start: int, size: int) -> list:
    """The rows `start` to `start + size` of `queryset` in `order`."""
    ordered = queryset.order_by(*order)
    if start < DEFERRED_OFFSET:
        return list(ordered[start : start + size])
    ids = list(ordered.values_list("pk", flat=True)[start : start + size])
    rows = {r.pk: r for r in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def total(queryset, user, api: ApiModule, condition: Q | None = None, deleted=False) -> int:
    """How many rows `queryset` holds: exact up to COUNT_EXACT, else counted at most once a
    minute per user and query (SuiteCRM's clients page with it; they do not audit it).
    `condition`: the client's query that filtered the module's live records, which keys the
    cache without compiling the SQL (kontor.suiteapi.v8.counts); else the SQL keys it."""
    queryset = queryset.order_by()
    try:
        key = _count_key(queryset, user, api, condition, deleted)
    except EmptyResultSet:  # a condition no row can match (an id that does not exist)
        return 0
    found = cache.get(key)
    if found is not None:
        return found
    capped = queryset[: COUNT_EXACT + 1].count()
    if capped <= COUNT_EXACT:
        return capped
    found = queryset.count()
    cache.set(key, found, COUNT_SECONDS)
    return found


def _count_key(queryset, user, api: ApiModule, condition: Q | None, deleted) -> str:
    # v4_1's trash is the live records and the deleted ones (V8's only the deleted ones):
    # its count is keyed by its SQL, and the prefix keeps the two APIs' keys apart.
    written = None
    if condition is not None and not deleted:
        written = list_count_key(user, api, condition, False)
    if written is not None:
        return f"kontor:suiteapi:v41:{written}"
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{user.pk}|{api.name}|{sql}|{params!r}".encode()).hexdigest()
    return f"kontor:suiteapi:v41:count:{digest}"


def _renderer(attribute):
    """A function (record, prepared) → the attribute's SuiteCRM text, HTML-encoded; a plain
    column skips the attribute's generic path walk (a page of 100 leads renders 6,000)."""
    if type(attribute) is Attribute and "__" not in attribute.field:
        column = attribute.field

        def plain(record, prepared):
            return text(getattr(record, column)).translate(_HTML)

        return plain
    return lambda record, prepared: attribute.text(record, prepared).translate(_HTML)


def entries(api: ApiModule, rows, prepared: dict, names: list[str]) -> list[dict]:
    """{"id", "module_name", "name_value_list"} of each of `rows` with the attributes `names`."""
    attributes = api.attributes
    shown = [(n, None if n == "id" else _renderer(attributes[n])) for n in names]
    found = []
    for record in rows:
        sid = api.suitecrm_id(record, prepared)
        values = {
            name: {"name": name, "value": sid if render is None else render(record, prepared)}
            for name, render in shown
        }
        found.append({"id": sid, "module_name": api.name, "name_value_list": values or []})
    return found


def entry(api: ApiModule, record, prepared: dict, names: list[str]) -> dict:
    """The entry of one record (see `entries`)."""
    return entries(api, [record], prepared, names)[0]


def missing_entry(api: ApiModule, requested) -> dict:
    """SuiteCRM's entry for an id that does not exist or may not be seen."""
    return {
        "id": requested,
        "module_name": api.name,
        "name_value_list": [
            {"name": "warning", "value": MISSING},
            {"name": "deleted", "value": "1"},
        ],
    }
