"""v4_1 link methods: set_relationship, set_relationships and get_relationships, on the links
of kontor.suiteapi.v41.links, as the session's user.

SuiteCRM counts calls, not ids: one `set_relationship` is created 1, deleted 1 or failed 1,
whatever the number of ids. A failed call (unknown module, record or link, a record the user
may not see or change, a refused value) changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v41 import links, records
from kontor.suiteapi.v41.calls import Call, items, method, name_values, names, number, text, truthy
from kontor.suiteapi.v41.errors import ApiError

# get_relationships without a limit: SuiteCRM answers every linked record; Kontor stops here.
MOST_RELATED = 10_000


def _relate(user, module_name, module_id, link_name, related_ids, values, delete) -> bool:
    """Link (or with `delete` unlink) the records; False when refused, with nothing changed."""
    api = api_module(module_name) if isinstance(module_name, str) else None
    link = links.link_of(api, link_name) if api is not None and api.name == module_name else None
    if link is None or link.read_only or not isinstance(module_id, str | int):
        return False
    record = api.find(user, str(module_id), "view")
    try:
        wanted = names(related_ids)
        pairs = name_values(values)
    except ApiError:
        return False
    others = [link.api.find(user, rid, "view") for rid in wanted]
    if record is None or None in others:
        return False
    try:
        with transaction.atomic():
            for other in others:
                link.change(record, other, add=not delete, values=pairs, actor=user)
    except (links.Refused, ValidationError):
        return False
    return True


@method
def set_relationship(
    call: Call,
    session,
    module_name,
    module_id,
    link_field_name,
    related_ids,
    name_value_list=None,
    delete=0,
):
    """Link `related_ids` to the record through `link_field_name` (unlink with `delete`)."""
    user = call.authenticate(session)
    deleting = truthy(delete)
    done = _relate(
        user, module_name, module_id, link_field_name, related_ids, name_value_list, deleting
    )
    return {
        "created": int(done and not deleting),
        "failed": int(not done),
        "deleted": int(done and deleting),
    }


@method
def set_relationships(
    call: Call,
    session,
    module_names,
    module_ids,
    link_field_names,
    related_ids,
    name_value_lists=None,
    delete_array=None,
):
    """set_relationship for each position of the parallel arrays; counted together."""
    user = call.authenticate(session)
    modules, ids = items(module_names), items(module_ids)
    link_names, related = items(link_field_names), items(related_ids)
    if not (modules and ids and link_names and related):
        raise ApiError("invalid_data_format")
    values, deletes = items(name_value_lists), items(delete_array)
    counts = {"created": 0, "failed": 0, "deleted": 0}
    for i, module_name in enumerate(modules):
        deleting = truthy(deletes[i]) if i < len(deletes) else False
        done = i < min(len(ids), len(link_names), len(related)) and _relate(
            user,
            module_name,
            ids[i],
            link_names[i],
            related[i],
            values[i] if i < len(values) else None,
            deleting,
        )
        counts["failed" if not done else "deleted" if deleting else "created"] += 1
    return counts


@method
def get_relationships(
    call: Call,
    session,
    module_name,
    module_id,
    link_field_name,
    related_module_query="",
    related_fields=None,
    related_module_link_name_to_fields_array=None,
    deleted=False,
    order_by="",
    offset=0,
    limit=False,
):
    """The records linked to one record, of the related module, in the older shape."""
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "view")
    record = api.find(user, module_id, "view") if isinstance(module_id, str | int) else None
    if record is None:
        raise ApiError("no_access")
    link = links.link_of(api, link_field_name)
    if link is None:
        return {"entry_list": [], "relationship_list": []}
    if isinstance(link, links.Emails):
        return _addresses(record, names(related_fields))
    related = link.api
    condition = records.where(related, text(related_module_query))
    order = records.ordering(related, text(order_by))
    chosen = records.chosen(related, names(related_fields))
    start = max(number(offset), 0)
    size = number(limit) if limit not in (False, None, "") and number(limit) > 0 else MOST_RELATED
    linked = records.records(related, user, "view", chosen).filter(link.of(record), condition)
    rows = list(linked.order_by(*order)[start : start + min(size, MOST_RELATED)])
    prepared = related.prepare(rows, user)
    entries = records.entries(related, rows, prepared, chosen)
    wanted = links.requested(related, related_module_link_name_to_fields_array)
    nested = links.link_lists(related, user, rows, wanted) if wanted else []
    return {
        "entry_list": entries,
        "relationship_list": [[{"name": n, "records": rs} for n, rs in r] for r in nested],
    }


def _addresses(record, fields) -> dict:
    chosen = [f for f in fields if f in links.EMAIL_FIELDS] or list(links.EMAIL_FIELDS)
    entries = [
        {
            "id": address["id"],
            "module_name": "EmailAddresses",
            "name_value_list": {f: {"name": f, "value": address[f]} for f in chosen},
        }
        for address in links.Emails().fetch(None, [record], chosen)[record.pk]
    ]
    return {"entry_list": entries, "relationship_list": []}
