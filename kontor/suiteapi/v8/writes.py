"""Create, update and delete through the V8 API, for its views: SuiteCRM's request document
checked as SuiteCRM checks it, attributes written through the module table
(kontor.suiteapi.mapping) and saved by Kontor's actions in the caller's transaction.

A refused write changes nothing: attributes are set on the record in memory, the action
validates it before writing, and the view's transaction rolls back on any error.
"""

import html
import uuid

from django.core.exceptions import ValidationError

from kontor.core import permissions
from kontor.core.actions import delete_records, save_record
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v8.errors import V8Error, access_denied, not_found
from kontor.suiteapi.v8.params import check_keys, wrong_type
from kontor.suitecrm.ids import is_uuid_shaped

#: Attributes SuiteCRM lets a client send although Kontor sets them itself (dates, creator,
#: modifier, names of related records): accepted and left as Kontor keeps them.
SET_BY_KONTOR = {"date_entered", "date_modified", "created_by", "modified_user_id"}


def document(params: dict, *, update: bool):
    """(module, id or None, attributes) of a create or update body; V8Error when malformed."""
    check_keys(params, ("data",))
    data = params.get("data")
    if data is None:
        raise V8Error('The required option "data" is missing.')
    if not isinstance(data, dict):
        raise wrong_type("data", data, "array")
    check_keys(data, ("attributes", "id", "type"))
    kind, record_id, attributes = data.get("type"), data.get("id"), data.get("attributes", {})
    if kind is None:
        raise V8Error('The required option "type" is missing.')
    if update and record_id is None:
        raise V8Error('The required option "id" is missing.')
    if not isinstance(kind, str):
        raise V8Error('The option "type" with value array is invalid.')
    module = api_module(kind)
    if module is None:
        raise V8Error(f"Module {kind} does not exist")
    if record_id is not None and (not isinstance(record_id, str) or not _id_ok(record_id)):
        raise V8Error(f'The option "id" with value "{record_id}" is invalid.')
    if not isinstance(attributes, dict):
        raise wrong_type("attributes", attributes, "array")
    return module, record_id, attributes


def _id_ok(value: str) -> bool:
    return value.isdigit() or is_uuid_shaped(value)


def apply(module, record, attributes: dict, user) -> bool:
    """Set `attributes` on `record`; True when they ask for a soft delete (deleted=1)."""
    known = module.attributes
    unknown = [name for name in attributes if name not in known and name != "id"]
    if unknown:
        raise V8Error(f"Property {unknown[0]} in {module.object_name} module is invalid")
    errors: dict = {}
    delete = False
    # a parent is written after its type, which parent_id reads
    ordered = sorted(attributes.items(), key=lambda item: item[0] == "parent_id")
    for name, raw in ordered:
        attribute = known.get(name)
        if attribute is None:
            continue
        if name == "deleted":
            delete = _truthy(raw)
            continue
        if attribute.read_only or name in SET_BY_KONTOR:
            continue
        if isinstance(raw, list | dict):
            errors[name] = ["Send a single value."]
            continue
        try:
            attribute.set(record, html.unescape(raw) if isinstance(raw, str) else raw, user)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return delete


def _truthy(raw) -> bool:
    return raw is True or str(raw).strip().lower() in ("1", "true", "on", "yes")


def suitecrm_errors(module, error: ValidationError) -> ValidationError:
    """The record's validation errors keyed by SuiteCRM attribute names."""
    if not hasattr(error, "error_dict"):
        return error
    by_field = {a.field: name for name, a in module.attributes.items() if a.field}
    renamed: dict = {}
    for key, messages in error.message_dict.items():
        renamed.setdefault(by_field.get(key, key), []).extend(messages)
    return ValidationError(renamed)


def create(module, record_id, attributes: dict, user, kind: str):
    """A new record of `module` as `user`; V8Error when refused."""
    if module.module is None or not permissions.can(user, "create", module.model):
        raise access_denied()
    if record_id is not None:
        pk = uuid.UUID(record_id) if is_uuid_shaped(record_id) else None
        if pk is None or module.model.with_deleted.filter(pk=pk).exists():
            raise V8Error(f"Bean {kind} with id {record_id} is already exist")
    record = module.model.new({"id": pk} if record_id is not None else {})
    apply(module, record, attributes, user)
    try:
        save_record(record, actor=user)
    except ValidationError as error:
        raise suitecrm_errors(module, error) from None
    return record


def update(module, record_id: str, attributes: dict, user):
    """Change the record `record_id` as `user` (a deleted=1 attribute moves it to the trash)."""
    record = allowed(module, record_id, user, "edit")
    delete = apply(module, record, attributes, user)
    try:
        save_record(record, actor=user)
    except ValidationError as error:
        raise suitecrm_errors(module, error) from None
    if delete:
        return remove(module, record_id, user)
    return record


def allowed(module, record_id: str, user, verb: str):
    """The record `record_id` if `user` may `verb` it: not found when hidden, SuiteCRM's ACL
    refusal when seen but not to be changed."""
    if module.module is None:
        raise access_denied()
    record = module.find(user, record_id, verb)
    if record is not None:
        return record
    if module.find(user, record_id, "view") is None:
        raise not_found(module.name, record_id)
    raise access_denied()


def remove(module, record_id: str, user):
    """Move the record to the trash as `user`."""
    record = allowed(module, record_id, user, "delete")
    delete_records([record], actor=user)
    return record
