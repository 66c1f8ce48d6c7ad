"""The record routes of SuiteCRM's V8 API: list, read, create, update and delete.

For SuiteCRM clients. Every call runs as the token's user through the permission filter: a
hidden record answers exactly as a missing one ("… module with id … is not found"), a refused
verb as SuiteCRM's ACL refusal. Lists page with OFFSET like SuiteCRM (deep pages through the
ids first, so the sort index is walked without loading rows). `total-pages` comes from a
count of what the user may see, kept 60 seconds in the shared cache per user and query, so
paging through a big table counts it once a minute rather than on every page; a page that is
not full needs no count at all (it is the last one).
"""

import hashlib
import math

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet

from kontor.core import permissions
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.references import Row
from kontor.suiteapi.v8 import writes
from kontor.suiteapi.v8.counts import list_count_key
from kontor.suiteapi.v8.documents import (
    EMPTY_MESSAGE,
    api_path,
    message,
    resource,
    shown_attributes,
)
from kontor.suiteapi.v8.endpoint import endpoint
from kontor.suiteapi.v8.errors import V8Error, access_denied, not_found, respond
from kontor.suiteapi.v8.params import check_keys, list_query, php_query, read_fields
from kontor.suitecrm.ids import is_uuid_shaped

COUNT_SECONDS = 60
#: From this offset on a page is found through its ids first (a deferred join)
DEFERRED_OFFSET = 1000


def list_module(name: str):
    """The module of a list or create route; SuiteCRM's words for an unknown one."""
    module = api_module(name)
    if module is None:
        raise V8Error(f"Module {name} does not exist")
    return module


def record_module(name: str):
    module = api_module(name)
    if module is None:
        raise V8Error(f"Module with name {name} is not found")
    return module


def check_id(record_id: str) -> None:
    if not (record_id.isdigit() or is_uuid_shaped(record_id)):
        raise V8Error(f'The option "id" with value "{record_id}" is invalid.')


def may_read(module, user) -> None:
    """SuiteCRM's module-level ACL check of a read."""
    if module.module is not None and not permissions.can(user, "view", module.model):
        raise access_denied()


def default_order(module) -> list[str]:
    if module.module is None:
        return ["username", "pk"]
    sort = module.module.default_sort
    sign = "-" if sort.startswith("-") else ""
    return [sort, f"{sign}pk"]


def page_of(queryset, order: list, offset: int, size: int, columns=None) -> list:
    """One page of `queryset` in `order` (as `Row`s of `columns` when given); deep pages
    through their ids first, in a sub-query of the same statement (the sort index walked to
    the offset without reading rows, then only the page's rows by their keys)."""
    ordered = queryset.order_by(*order)
    if offset >= DEFERRED_OFFSET:
        ids = ordered.values("pk")[offset : offset + size]
        ordered, offset = queryset.filter(pk__in=ids).order_by(*order), 0
    if columns is None:
        return list(ordered[offset : offset + size])
    found = ordered.values_list(*columns)[offset : offset + size]
    return [Row(dict(zip(columns, values, strict=True))) for values in found]


def row_columns(module, names=None):
    """The columns of a list of `module` read as rows (None: model instances, for users)."""
    return module.row_columns(names) if module.module is not None else None


def total(queryset, user, module, seen: int, full: bool, key: str | None = None) -> int:
    """How many records the list's query finds. A page that is not full ends the list, so
    `seen` (the offset plus its rows) is the total; otherwise a count, kept a minute in the
    shared cache for this user and query (never less than what the page has shown): under
    `key` when given (kontor.suiteapi.v8.counts), else under the query's SQL."""
    if not full:
        return seen
    cache_key = key or _sql_key(queryset, user, module)
    if cache_key is None:  # a condition that matches nothing (an empty list of ids)
        return seen
    found = cache.get(cache_key)
    if found is None:
        found = queryset.count()
        cache.set(cache_key, found, COUNT_SECONDS)
    return max(found, seen)


def _sql_key(queryset, user, module) -> str | None:
    try:
        sql, sql_params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    key = hashlib.sha256(f"{user.pk}|{module.name}|{sql}|{sql_params!r}".encode()).hexdigest()
    return f"kontor:suiteapi:v8:count:{key}"


def links_of(request, number: int, pages: int) -> dict:
    """first/prev/next/last: SuiteCRM sets prev and first from page 2 on, next and last while
    a later page exists."""
    links = {"first": None, "prev": None, "next": None, "last": None}
    if number > 1:
        links["first"] = link_to(request, 1)
        links["prev"] = link_to(request, number - 1)
    if number + 1 <= pages:
        links["next"] = link_to(request, number + 1)
        links["last"] = link_to(request, pages)
    return links


def link_to(request, number: int) -> str:
    """The request's own path and query string with page[number] set inside the page group,
    brackets and values unencoded, as SuiteCRM rebuilds them."""
    params = php_query(request.META.get("QUERY_STRING", ""))
    page = params.get("page") if isinstance(params.get("page"), dict) else {}
    params["page"] = {**page, "number": str(number)}
    return f"{api_path(request)}?{'&'.join(_flat(params))}"


def _flat(params: dict, prefix: str = ""):
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            yield from _flat(value, name)
        else:
            yield f"{name}={value}"


@endpoint(("GET",))
def module_list(call, moduleName):
    module = list_module(moduleName)
    may_read(module, call.user)
    query = list_query(module, call.params)
    queryset = module.queryset(call.user, "list", query.fields, deleted=query.deleted)
    queryset = queryset.filter(query.condition)
    offset = (query.number - 1) * query.size if query.number else 0
    order = query.order or default_order(module)
    rows = page_of(queryset, order, offset, query.size, row_columns(module, query.fields))
    if not rows:
        return respond(message(EMPTY_MESSAGE))
    prepared = module.prepare(rows, call.user)
    path = api_path(call.request)
    shown = shown_attributes(module, query.fields)
    data = []
    for r in rows:
        own = f"{path}/{module.suitecrm_id(r, prepared)}"
        data.append(resource(module, r, prepared, own, query.fields, shown))
    if not query.paginated:
        return respond({"data": data})
    full = len(rows) == query.size
    key = list_count_key(call.user, module, query.condition, query.deleted) if full else None
    count = total(queryset, call.user, module, offset + len(rows), full, key)
    pages = math.ceil(count / query.size)
    return respond(
        {
            "meta": {"total-pages": pages, "records-on-this-page": len(data)},
            "data": data,
            "links": links_of(call.request, query.number, pages),
        }
    )


@endpoint(("GET", "DELETE"), write=("DELETE",))
def module_record(call, moduleName, id):
    module = record_module(moduleName)
    check_id(id)
    if call.request.method == "DELETE":
        check_keys(call.params, ("id", "moduleName"))
        record = writes.remove(module, id, call.user)
        sid = module.suitecrm_id(record)
        return respond(message(f"Record with id {sid} is deleted"))
    check_keys(call.params, ("fields", "id", "moduleName"))
    fields = read_fields(module, call.params.get("fields"))
    may_read(module, call.user)
    record = module.find(call.user, id, "view")
    if record is None:
        raise not_found(module.name, id)
    return respond({"data": shown(call, module, record, fields, api_path(call.request))})


def shown(call, module, record, fields=None, path=""):
    """A record as the user sees it: one just read, or one just saved (its values are the
    stored ones: the action validated and normalized them before writing)."""
    prepared = module.prepare([record], call.user)
    return resource(module, record, prepared, path, fields)


@endpoint(("POST", "PATCH"), write=("POST", "PATCH"))
def module_collection(call):
    update = call.request.method == "PATCH"
    module, record_id, attributes = writes.document(call.params, update=update)
    kind = call.params["data"]["type"]
    if update:
        record = writes.update(module, record_id, attributes, call.user)
    else:
        record = writes.create(module, record_id, attributes, call.user, kind)
    sid = module.suitecrm_id(record)
    document = {"data": shown(call, module, record, path=f"{api_path(call.request)}/{sid}")}
    return respond(document, status=201)
