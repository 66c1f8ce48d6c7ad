"""v4_1 note attachments: set_note_attachment and get_note_attachment, in SuiteCRM's shapes,
as the session's user through the permission filter (kontor.suiteapi.notes keeps the file).

SuiteCRM answers an unknown note with the id "-1" (set) or an empty attachment (get); a note
the user may not change (set) or see (get) answers the same. A file Kontor refuses (a type it
does not keep, too large, contents that are not base64) writes nothing and answers
`invalid_data_format`; SuiteCRM would have renamed a refused type to ".txt".
"""

import base64

from django.core.exceptions import ValidationError
from django.db import transaction

from kontor.core import permissions
from kontor.core.actions import save_record
from kontor.suiteapi import notes
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.v41.calls import Call, method, text
from kontor.suiteapi.v41.errors import ApiError

UNKNOWN = {"id": "-1"}


def _related(user, note: dict):
    """(module, id) of the record the attachment's note is to hang off, or None; `no_access`
    when the module is unknown or closed to the user (SuiteCRM's module check)."""
    module_id, name = note.get("related_module_id"), note.get("related_module_name")
    if not module_id or not name:
        return None
    related = api_module(name) if isinstance(name, str) else None
    if related is None or related.name != name or related.module is None:
        raise ApiError("no_access")
    if not permissions.can(user, "view", related.model):
        raise ApiError("no_access")
    return related, text(module_id)


@method
def set_note_attachment(call: Call, session, note):
    """Put a file (base64 in `file`, named `filename`) on the note `id`, and optionally hang
    the note off `related_module_name`/`related_module_id` (a contact through contact_id)."""
    user = call.authenticate(session)
    if not isinstance(note, dict):
        return UNKNOWN
    related = _related(user, note)
    notes_module = api_module("Notes")
    if not permissions.can(user, "edit", notes_module.model):
        return UNKNOWN
    record = notes_module.find(user, text(note.get("id")), "edit") if note.get("id") else None
    if record is None:
        return UNKNOWN
    attributes = notes_module.attributes
    try:
        with transaction.atomic():
            if note.get("file"):
                notes.attach(record, note.get("filename"), notes.decoded(note["file"]))
            if related is not None:
                module, related_id = related
                if module.name == "Contacts":
                    attributes["contact_id"].set(record, related_id, user)
                else:
                    attributes["parent_type"].set(record, module.name, user)
                    attributes["parent_id"].set(record, related_id, user)
            save_record(record, actor=user)
    except ValidationError:
        raise ApiError("invalid_data_format") from None
    return {"id": notes_module.suitecrm_id(record)}


@method
def get_note_attachment(call: Call, session, id):  # noqa: A002 - SuiteCRM's parameter name
    """The note's file in base64 with its name and the record it hangs off."""
    user = call.authenticate(session)
    notes_module = api_module("Notes")
    if not permissions.can(user, "view", notes_module.model):
        raise ApiError("no_access")
    requested = id if isinstance(id, str | int) and not isinstance(id, bool) else ""
    record = notes_module.find(user, str(requested), "view") if requested != "" else None
    if record is None:
        attachment = {"id": requested, "filename": "", "file": ""}
        return {"note_attachment": {**attachment, **_no_parent()}}
    prepared = notes_module.prepare([record], user)
    attributes = notes_module.attributes
    parent = attributes["parent_id"].get(record, prepared)
    return {
        "note_attachment": {
            "id": requested,
            "filename": notes.stored_name(record),
            "file": base64.b64encode(notes.contents(record)).decode("ascii"),
            "related_module_id": parent,
            "related_module_name": attributes["parent_type"].get(record, prepared)
            if parent
            else None,
        }
    }


def _no_parent() -> dict:
    return {"related_module_id": None, "related_module_name": None}
