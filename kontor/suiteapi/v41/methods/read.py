"""v4_1 reading methods: get_entry, get_entries, get_entry_list, get_entries_count and
search_by_module, in SuiteCRM's shapes, as the session's user through the permission filter.
"""

from kontor.core import search
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v41 import links, records, rows
from kontor.suiteapi.v41.calls import Call, items, method, names, number, text, truthy
from kontor.suiteapi.v41.errors import ApiError


def _page(api, user, rows, chosen, link_fields, nested: bool):
    """(entries, relationship_list) of loaded `rows`."""
    rows = list(rows)
    prepared = api.prepare(rows, user)
    entries = records.entries(api, rows, prepared, chosen)
    if not link_fields:
        return entries, []
    related = links.link_lists(api, user, rows, link_fields)
    if nested:  # get_entry_list's and get_entries' shape
        return entries, [
            {"link_list": [{"name": n, "records": [{"link_value": v} for v in rs]} for n, rs in r]}
            for r in related
        ]
    return entries, [[{"name": n, "records": rs} for n, rs in r] for r in related]


def _entries_by_ids(call, session, module_name, ids, select_fields, link_fields, nested):
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "view")
    wanted = [i for i in items(ids) if isinstance(i, str | int) and not isinstance(i, bool)]
    chosen = records.chosen(api, names(select_fields))
    requested = {str(i): api.kontor_pk(str(i)) for i in wanted}
    pks = [pk for pk in requested.values() if pk is not None]
    wanted_links = links.requested(api, link_fields)
    # Links read more of the rows (a foreign key, the addresses): then every column.
    visible = records.records(api, user, "view", chosen, lean=not wanted_links)
    found = {r.pk: r for r in visible.filter(pk__in=pks)}
    rows = [found[pk] for pk in requested.values() if pk in found]
    entries, related = _page(api, user, rows, chosen, wanted_links, nested)
    by_pk = dict(zip([r.pk for r in rows], entries, strict=True))
    answer = []
    for raw, pk in requested.items():
        answer.append(by_pk[pk] if pk in by_pk else records.missing_entry(api, raw))
    return {"entry_list": answer, "relationship_list": related}


@method
def get_entry(
    call: Call,
    session,
    module_name,
    id,  # noqa: A002 - SuiteCRM's parameter name, bound by name
    select_fields=None,
    link_name_to_fields_array=None,
    track_view=False,
):
    """One record by id; a missing or hidden one is SuiteCRM's "deleted or does not exist"."""
    return _entries_by_ids(
        call, session, module_name, [id], select_fields, link_name_to_fields_array, False
    )


@method
def get_entries(
    call: Call,
    session,
    module_name,
    ids,
    select_fields=None,
    link_name_to_fields_array=None,
    track_view=False,
):
    """Records by ids, in the order asked."""
    return _entries_by_ids(
        call, session, module_name, ids, select_fields, link_name_to_fields_array, True
    )


@method
def get_entry_list(
    call: Call,
    session,
    module_name,
    query="",
    order_by="",
    offset=0,
    select_fields=None,
    link_name_to_fields_array=None,
    max_results=0,
    deleted=False,
    favorites=False,
):
    """A page of the records matching `query`, with the count of all of them."""
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "list")
    condition = records.where(api, text(query))
    order = records.ordering(api, text(order_by))
    chosen = records.chosen(api, names(select_fields))
    link_fields = links.requested(api, link_name_to_fields_array)
    start = max(number(offset), 0)
    size = number(max_results)
    size = size if size > 0 else records.DEFAULT_PAGE
    trash = truthy(deleted)
    # Links and users read model instances; other pages plain values (kontor.suiteapi.v41.rows).
    plain = not link_fields and api.module is not None
    matching = records.records(api, user, "list", chosen, trash, lean=not link_fields)
    matching = matching.filter(condition)
    if plain:
        found = rows.read_page(api, matching, order, start, size, chosen)
    else:
        found = records.page(matching, order, start, size)
    if 0 < len(found) < size or not (found or start):  # the last page: the count is known
        total = start + len(found)
    else:
        total = records.total(matching, user, api, condition, trash)
    if plain:
        entries, related = rows.entries(api, found, api.prepare(found, user), chosen), []
    else:
        entries, related = _page(api, user, found, chosen, link_fields, True)
    return {
        "result_count": len(entries),
        "total_count": str(total),
        "next_offset": start + len(entries),
        "entry_list": entries,
        "relationship_list": related,
    }


@method
def get_entries_count(call: Call, session, module_name, query="", deleted=0):
    """How many records match `query` (deleted ones too unless `deleted` is 0), as text."""
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "list")
    condition = records.where(api, text(query))
    live_only = deleted in (0, "0", False, None, "")
    matching = records.records(api, user, "list", [], not live_only).filter(condition)
    return {"result_count": str(records.total(matching, user, api, condition, not live_only))}


@method
def search_by_module(
    call: Call,
    session,
    search_string,
    modules,
    offset=0,
    max_results=0,
    assigned_user_id="",
    select_fields=None,
    unified_search_only=True,
    favorites=False,
):
    """Records of `modules` whose searchable text contains `search_string`, per module."""
    user = call.authenticate(session)
    term = text(search_string).replace("%", " ").replace("*", " ").strip()
    wanted = names(modules)
    fields = names(select_fields)
    start, size = max(number(offset), 0), number(max_results)
    size = size if size > 0 else records.DEFAULT_PAGE
    found = []
    if not term:
        return {"entry_list": found}
    for api in filter(None, (api_module(name) for name in wanted)):
        if api.name not in wanted or api.module is None:
            continue
        try:
            records.require(user, api, "list")
        except ApiError:
            continue
        shown = records.chosen(api, fields) if fields else _list_columns(api)
        rows = records.records(api, user, "list", shown)
        if assigned_user_id and "assigned_user_id" in api.attributes:
            rows = rows.filter(api.attributes["assigned_user_id"].condition("eq", assigned_user_id))
        # SuiteCRM reads one row more than asked and hands it out too.
        page = list(search.search(rows, term).order_by("pk")[start : start + size + 1])
        entries, _related = _page(api, user, page, shown, [], True)
        found.append({"name": api.name, "records": [e["name_value_list"] for e in entries]})
    return {"entry_list": found}


def _list_columns(api) -> list[str]:
    """The list view's default columns that are attributes, and the id."""
    columns = [c for c in api.module.list_columns if c in api.attributes]
    return ["id", *columns]
