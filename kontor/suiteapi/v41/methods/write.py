"""v4_1 writing methods: set_entry and set_entries, through Kontor's actions as the session's
user (the change log names the SuiteCRM API as origin).

A `name_value_list` with an `id` updates that record (one the user may edit; any other is
`no_access`), with `new_with_id` as well it creates the record under that id when there is
none, without an id it creates one; `set_entries` takes an existing contact instead of a
duplicate one, as SuiteCRM does (kontor.suiteapi.v41.duplicates). Unknown and read-only
names are skipped as SuiteCRM skips non-database fields; `deleted=1` moves the record to
the trash. A value Kontor refuses (a required field left empty, an unknown dropdown key)
writes nothing and answers `invalid_data_format`; SuiteCRM would have stored it.
"""

import html
import re

from django.core.exceptions import ValidationError
from django.db import transaction

from kontor.core import dropdowns, permissions
from kontor.core.actions import delete_records, save_record
from kontor.suiteapi.v41 import records
from kontor.suiteapi.v41.actions import chosen_pk, create_with_id
from kontor.suiteapi.v41.calls import Call, items, method, name_values, truthy
from kontor.suiteapi.v41.duplicates import existing_contact
from kontor.suiteapi.v41.errors import ApiError

_ID = re.compile(r"^[A-Za-z0-9_-]+$")
# Set first: an activity's parent id is read as a record of the parent type.
_FIRST = ("parent_type",)


def _target(api, user, values: dict):
    """(record to write, SuiteCRM id to create it under or None) of `values`."""
    sid, create = values.pop("id", None), truthy(values.pop("new_with_id", False))
    if sid in (None, ""):
        if not permissions.can(user, "create", api.model):
            raise ApiError("no_access")
        return api.model(), None
    sid = str(sid) if isinstance(sid, str | int) and not isinstance(sid, bool) else ""
    if not _ID.match(sid):
        return None, None
    record = api.find(user, sid, "edit")
    if record is not None:
        return record, None
    pk = chosen_pk(records.table_of(api), sid)
    taken = api.model.with_deleted.filter(pk=pk).exists() or api.kontor_pk(sid) not in (None, pk)
    if not create or taken:
        raise ApiError("no_access")  # missing, hidden or not editable: the same answer
    if not permissions.can(user, "create", api.model):
        raise ApiError("no_access")
    return api.model(pk=pk), sid


def _write(api, user, raw_values) -> tuple:
    """Write one name_value_list; (record or None, the names sent)."""
    values = name_values(raw_values)
    sent = list(values)
    record, new_sid = _target(api, user, values)
    if record is None:
        return None, sent
    delete = truthy(values.pop("deleted", False))
    attributes = api.attributes
    order = sorted(values, key=lambda name: name not in _FIRST)
    with transaction.atomic():
        for name in order:
            attribute = attributes.get(name)
            if attribute is None or attribute.read_only:
                continue
            raw = attribute.as_stored(values[name])
            raw = html.unescape(raw) if isinstance(raw, str) else raw
            if not records.fits_column(attribute, raw):
                raise ValidationError({name: "out of range"})
            attribute.set(record, _key_of(attribute, raw), user)
        if new_sid is not None:
            create_with_id(record, new_sid, actor=user)
        else:
            save_record(record, actor=user)
        if delete:
            if not records.allows(user, "delete", record):
                raise ApiError("no_access")
            delete_records([record], actor=user)
    return record, sent


def _key_of(attribute, raw):
    """A dropdown value sent as its label ("Identifying Decision Makers") as its key, which
    SuiteCRM looks up the same way; anything else unchanged."""
    if attribute.type != "enum" or not attribute.options or not isinstance(raw, str):
        return raw
    options = dropdowns.options(attribute.options, include_inactive=True)
    if any(o.key == raw for o in options):
        return raw
    return next((o.key for o in options if str(o.label) == raw), raw)


def _entry_of(api, user, record, sent) -> dict:
    prepared = api.prepare([record], user)
    chosen = [n for n in sent if n == "id" or n in api.attributes]
    return records.entry(api, record, prepared, chosen)


@method
def set_entry(call: Call, session, module_name, name_value_list, track_view=False):
    """Create or update one record; answers its id and the values of the names sent."""
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "edit")
    try:
        record, sent = _write(api, user, name_value_list)
    except ValidationError:
        raise ApiError("invalid_data_format") from None
    if record is None:
        return None  # an id SuiteCRM's id check refuses: null, no error
    entry = _entry_of(api, user, record, sent)
    return {"id": entry["id"], "entry_list": entry["name_value_list"]}


@method
def set_entries(call: Call, session, module_name, name_value_lists):
    """set_entry for each list; the ids of those written (refused ones are left out)."""
    user = call.authenticate(session)
    api = records.module_named(module_name)
    records.require(user, api, "edit")
    ids = []
    with transaction.atomic():
        for raw_values in items(name_value_lists):
            if api.name == "Contacts":
                # SuiteCRM takes an existing contact instead of a duplicate (duplicates.py)
                try:
                    found = existing_contact(api, user, name_values(raw_values))
                except ApiError:
                    found = None
                if found is not None:
                    ids.append(api.suitecrm_id(found))
                    continue
            try:
                with transaction.atomic():
                    record, _sent = _write(api, user, raw_values)
            except (ValidationError, ApiError):
                continue
            if record is not None:
                ids.append(api.suitecrm_id(record))
    return {"ids": ids}
