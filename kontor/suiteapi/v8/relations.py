"""The relationship routes of SuiteCRM's V8 API: the records a link reaches, linking and
unlinking, for SuiteCRM clients.

Both ends go through the permission filter: a hidden source is not found, a hidden related
record is neither listed nor linkable; linking needs edit rights on the record it writes
(kontor.suiteapi.v8.links says which).
"""

import math

from kontor.core import permissions
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v8 import links
from kontor.suiteapi.v8.documents import attributes, message, shown_attributes
from kontor.suiteapi.v8.endpoint import endpoint
from kontor.suiteapi.v8.errors import V8Error, access_denied, not_found, respond
from kontor.suiteapi.v8.params import DEFAULT_ROWS, check_keys, read_filter, read_page, read_sort
from kontor.suiteapi.v8.records import (
    check_id,
    default_order,
    links_of,
    may_read,
    page_of,
    record_module,
    row_columns,
    total,
)


def _source(call, moduleName, id):
    module = record_module(moduleName)
    check_id(id)
    may_read(module, call.user)
    record = module.find(call.user, id, "view")
    if record is None:
        raise not_found(module.name, id)
    return module, record


def _link(module, name: str):
    found = links.link(module.name, name)
    if found is None:
        raise V8Error(f"Cannot load relationship {name} for {module.object_name} module")
    return found


@endpoint(("GET", "POST"), write=("POST",))
def relationship(call, moduleName, id, linkFieldName):
    if call.request.method == "POST":
        return _add(call, moduleName, id, linkFieldName)
    check_keys(call.params, ("filter", "id", "linkFieldName", "moduleName", "page", "sort"))
    module, source = _source(call, moduleName, id)
    li = _link(module, linkFieldName)
    other = api_module(li.module)
    size, number = read_page(call.params.get("page"))
    condition, deleted = read_filter(other, call.params.get("filter"))
    order = read_sort(other, call.params.get("sort")) or default_order(other)
    queryset = links.related(li, source, other.queryset(call.user, "list", deleted=deleted))
    queryset = queryset.filter(condition)
    rows_per_page = size or DEFAULT_ROWS
    offset = (number - 1) * rows_per_page if number else 0
    rows = page_of(queryset, order, offset, rows_per_page, row_columns(other))
    if not rows:
        text = (
            f"There is no relationship set in {module.object_name} module with "
            f"{linkFieldName} link field"
        )
        return respond(message(text))
    prepared = other.prepare(rows, call.user)
    shown = shown_attributes(other)
    data = []
    for row in rows:
        sid = other.suitecrm_id(row, prepared)
        data.append(
            {
                "type": other.object_name,
                "id": sid,
                "attributes": attributes(other, row, prepared, shown=shown),
                "links": {"self": f"V8/module/{other.object_name}/{sid}"},
            }
        )
    count = total(queryset, call.user, other, offset + len(rows), len(rows) == rows_per_page)
    pages = math.ceil(count / rows_per_page)
    document = {
        "meta": {"total-records": count, "total-pages": pages, "records-on-this-page": len(data)},
        "data": data,
    }
    if size is not None:
        document["links"] = links_of(call.request, number, pages)
    return respond(document)


def _related(call, li_module: str | None):
    """The related record named by the body `{"data":{"type","id"}}`, visible to the user."""
    check_keys(call.params, ("data", "id", "linkFieldName", "moduleName"))
    data = call.params.get("data")
    if not isinstance(data, dict):
        raise V8Error('The required option "data" is missing.')
    check_keys(data, ("id", "type"))
    kind, related_id = data.get("type"), data.get("id")
    if not isinstance(kind, str) or not isinstance(related_id, str):
        raise V8Error('The option "data" with value array is invalid.')
    other = api_module(kind)
    if other is None:
        raise V8Error(f"Module {kind} does not exist")
    check_id(related_id)
    target = other.find(call.user, related_id, "view")
    if target is None:
        raise not_found(other.name, related_id)
    return other, target


def _may_write(call, li, source, target) -> None:
    written = links.edited_record(li, source, target)
    if not li.writable or not permissions.allows(call.user, "edit", written):
        raise access_denied()


def _add(call, moduleName, id, linkFieldName):
    module, source = _source(call, moduleName, id)
    li = _link(module, linkFieldName)
    other, target = _related(call, li.module)
    if other.name != li.module:
        raise V8Error(
            f"Cannot create relationship {linkFieldName} between module "
            f"{module.object_name} and {other.object_name}"
        )
    _may_write(call, li, source, target)
    links.add(li, source, target, actor=call.user)
    sid, rid = module.suitecrm_id(source), other.suitecrm_id(target)
    text = (
        f"{other.name} record with id {rid} has been related to {module.name} record with "
        f"id {sid} using link {linkFieldName}"
    )
    meta = {
        "sourceModule": module.name,
        "sourceModuleLabel": str(module.module.verbose_name_plural)
        if module.module
        else module.name,
        "sourceId": sid,
        "relatedModule": other.name,
        "relatedModuleLabel": str(other.module.verbose_name_plural) if other.module else other.name,
        "relatedId": rid,
        "relationshipLink": linkFieldName,
    }
    return respond(message(text, **meta), status=201)


@endpoint(("POST",), write=("POST",))
def relationship_any(call, moduleName, id):
    """Link through the first link between the two modules."""
    module, source = _source(call, moduleName, id)
    other, target = _related(call, None)
    li = links.between(module.name, other.name)
    if li is None:
        raise V8Error(
            f"Link field has not found in {module.object_name} to determine relationship "
            f"for {other.object_name}"
        )
    _may_write(call, li, source, target)
    links.add(li, source, target, actor=call.user)
    text = (
        f"{other.object_name} with id {other.suitecrm_id(target)} has been added to "
        f"{module.object_name} with id {module.suitecrm_id(source)}"
    )
    return respond(message(text), status=201)


@endpoint(("DELETE",), write=("DELETE",))
def relationship_delete(call, moduleName, id, linkFieldName, relatedBeanId):
    check_keys(call.params, ("id", "linkFieldName", "moduleName", "relatedBeanId"))
    module, source = _source(call, moduleName, id)
    li = _link(module, linkFieldName)
    other = api_module(li.module)
    check_id(relatedBeanId)
    pk = other.kontor_pk(relatedBeanId)
    linked = links.related(li, source, other.queryset(call.user, "view"))
    target = linked.filter(pk=pk).first() if pk is not None else None
    if target is None:
        raise V8Error(f"Module with {relatedBeanId} id is not related to {module.object_name}")
    _may_write(call, li, source, target)
    links.remove(li, source, target, actor=call.user)
    text = (
        f"Relationship has been deleted between {module.object_name} with id "
        f"{module.suitecrm_id(source)} and {other.object_name} with id "
        f"{other.suitecrm_id(target)}"
    )
    return respond(message(text))
