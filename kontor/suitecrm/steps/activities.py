"""Calls, meetings, tasks and notes from SuiteCRM, for `kontor migrate-suitecrm`.

Each SuiteCRM row becomes the Kontor activity with the same id (`ids.kontor_id`), its fields
by SuiteCRM name, its owner, creator, modifier and dates as they were, and its parent: the
module name of `parent_type` becomes the Kontor record type. A parent of a module Kontor does
not migrate (cases, bugs, projects, …) is reported and the activity kept without parent.
Soft-deleted rows go to the trash. Notes' attachment files are copied by `attachments`.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.activities.models import Call, Meeting, Note, Task
from kontor.core import dropdowns
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.source import flag, text, when

#: SuiteCRM module name of `parent_type` → (SuiteCRM table, Kontor model label)
PARENTS = {
    "Accounts": ("accounts", "accounts.Account"),
    "Contacts": ("contacts", "contacts.Contact"),
    "Leads": ("leads", "leads.Lead"),
    "Prospects": ("prospects", "targets.Target"),
    "Opportunities": ("opportunities", "opportunities.Opportunity"),
}

DESCRIPTION_MAX = Call._meta.get_field("description").max_length
NAME_MAX = Call._meta.get_field("name").max_length


@dataclass
class Mapped:
    """One SuiteCRM row as Kontor field values (by attname), with the problems found on the way.

    `parent` is (model label, kontor id) of the parent record still to be checked for
    existence; `contact` likewise the id of the contact named in `contact_id`."""

    suitecrm_id: str
    values: dict
    problems: list[str] = field(default_factory=list)
    parent: tuple | None = None
    contact: object = None


def map_common(row: dict, table: str, user) -> Mapped:
    """The fields every activity shares. `user(suitecrm_user_id)` → Kontor user pk or None."""
    problems = []
    deleted = flag(row.get("deleted"))
    modified = when(row.get("date_modified"))
    entered = when(row.get("date_entered"))
    if entered is None:
        problems.append(_("Date created is empty; the date modified is used."))
    name = text(row.get("name"))
    if not name:
        problems.append(_("Subject is empty."))
        name = _("(no subject)")
    elif len(name) > NAME_MAX:
        problems.append(_("Subject longer than %(max)d characters, shortened.") % {"max": NAME_MAX})
        name = name[:NAME_MAX]
    description = text(row.get("description"))
    if len(description) > DESCRIPTION_MAX:
        problems.append(
            _("Description longer than %(max)d characters, shortened.") % {"max": DESCRIPTION_MAX}
        )
        description = description[:DESCRIPTION_MAX]
    values = {
        "id": kontor_id(table, row["id"]),
        "name": name,
        "description": description,
        "date_entered": entered or modified or timezone.now(),
        "date_modified": modified or entered or timezone.now(),
        "deleted": deleted,
        "deleted_at": (modified or timezone.now()) if deleted else None,
        "parent_type_id": None,
        "parent_id": None,
    }
    for column, attname in (
        ("assigned_user_id", "assigned_user_id"),
        ("created_by", "created_by_id"),
        ("modified_user_id", "modified_by_id"),
    ):
        suitecrm_user = text(row.get(column))
        values[attname] = user(suitecrm_user) if suitecrm_user else None
        if suitecrm_user and values[attname] is None:
            problems.append(_("User %(id)s not found.") % {"id": suitecrm_user})
    mapped = Mapped(row["id"], values, problems)
    parent_type, parent_id = text(row.get("parent_type")), text(row.get("parent_id"))
    if parent_type and parent_id:
        if parent_type in PARENTS:
            parent_table, label = PARENTS[parent_type]
            mapped.parent = (label, kontor_id(parent_table, parent_id))
        else:
            problems.append(
                _("Parent module %(module)s is not migrated; kept without parent (%(id)s).")
                % {"module": parent_type, "id": parent_id}
            )
    return mapped


def dropdown_key(mapped: Mapped, attname: str, value, dropdown: str, default: str) -> None:
    """Set a dropdown field to SuiteCRM's key; empty → the Kontor list's default when the field
    needs one, an unknown key is kept (and reported, so the list can be completed)."""
    key = text(value)
    if not key:
        mapped.values[attname] = default
        return
    known = {o.key for o in dropdowns.options(dropdown, include_inactive=True)}
    if key not in known:
        mapped.problems.append(
            _("Unknown key %(key)s of dropdown list %(list)s.") % {"key": key, "list": dropdown}
        )
    mapped.values[attname] = key


def minutes(row: dict) -> int:
    """SuiteCRM's duration_hours + duration_minutes in minutes (NULL as 0)."""
    return int(row.get("duration_hours") or 0) * 60 + int(row.get("duration_minutes") or 0)


def start(mapped: Mapped, row: dict) -> datetime.datetime:
    value = when(row.get("date_start"))
    if value is None:
        mapped.problems.append(_("Start is empty; the date created is used."))
        value = mapped.values["date_entered"]
    return value


def map_call(row: dict, user) -> Mapped:
    mapped = map_common(row, "calls", user)
    dropdown_key(mapped, "status", row.get("status"), "call_status_dom", "Planned")
    dropdown_key(mapped, "direction", row.get("direction"), "call_direction_dom", "")
    mapped.values["date_start"] = start(mapped, row)
    mapped.values["duration_minutes"] = duration(mapped, row, Call)
    return mapped


def map_meeting(row: dict, user) -> Mapped:
    mapped = map_common(row, "meetings", user)
    dropdown_key(mapped, "status", row.get("status"), "meeting_status_dom", "Planned")
    mapped.values["date_start"] = start(mapped, row)
    mapped.values["duration_minutes"] = duration(mapped, row, Meeting)
    mapped.values["location"] = text(row.get("location"))[:255]
    join_url = text(row.get("join_url"))
    if join_url and not join_url.lower().startswith(("http://", "https://")):
        mapped.problems.append(
            _("Online meeting URL %(url)s is not a web address.") % {"url": join_url}
        )
        join_url = ""
    mapped.values["join_url"] = join_url[:500]
    return mapped


def duration(mapped: Mapped, row: dict, model) -> int:
    """The duration in minutes within the Kontor model's limit (a longer one is reported)."""
    value = max(minutes(row), 0)
    limit = next(
        v.limit_value
        for v in model._meta.get_field("duration_minutes").validators
        if hasattr(v, "limit_value")
    )
    if value > limit:
        mapped.problems.append(
            _("Duration of %(minutes)d minutes shortened to %(limit)d.")
            % {"minutes": value, "limit": limit}
        )
        value = limit
    return value


def map_task(row: dict, user) -> Mapped:
    mapped = map_common(row, "tasks", user)
    dropdown_key(mapped, "status", row.get("status"), "task_status_dom", "Not Started")
    dropdown_key(mapped, "priority", row.get("priority"), "task_priority_dom", "Medium")
    # The *_flag columns are SuiteCRM's "no date" tick boxes.
    begin = None if flag(row.get("date_start_flag")) else when(row.get("date_start"))
    due = None if flag(row.get("date_due_flag")) else when(row.get("date_due"))
    if begin and due and due < begin:
        mapped.problems.append(_("The due date is before the start."))
    mapped.values["date_start"], mapped.values["date_due"] = begin, due
    contact(mapped, row)
    return mapped


def map_note(row: dict, user) -> Mapped:
    mapped = map_common(row, "notes", user)
    contact(mapped, row)
    # the attachment (`filename`) is set by `attachments`, which copies the file
    return mapped


def contact(mapped: Mapped, row: dict) -> None:
    suitecrm_contact = text(row.get("contact_id"))
    mapped.values["contact_id"] = None
    if suitecrm_contact:
        mapped.contact = (suitecrm_contact, kontor_id("contacts", suitecrm_contact))


def resolve_links(batch: list[Mapped]) -> None:
    """Fill parent and contact of a chunk's rows where the record exists in Kontor (live or in
    the trash); a missing one is reported and the link left empty (one query per type)."""
    wanted: dict[str, set] = {}
    for mapped in batch:
        if mapped.parent:
            wanted.setdefault(mapped.parent[0], set()).add(mapped.parent[1])
        if mapped.contact:
            wanted.setdefault("contacts.Contact", set()).add(mapped.contact[1])
    found = {
        label: set(
            apps.get_model(label).with_deleted.filter(pk__in=ids).values_list("pk", flat=True)
        )
        for label, ids in wanted.items()
    }
    for mapped in batch:
        if mapped.parent:
            label, pk = mapped.parent
            if pk in found[label]:
                model = apps.get_model(label)
                mapped.values["parent_type_id"] = ContentType.objects.get_for_model(model).pk
                mapped.values["parent_id"] = pk
            else:
                mapped.problems.append(
                    _("Parent %(type)s %(id)s not found.") % {"type": label.split(".")[1], "id": pk}
                )
        if mapped.contact:
            suitecrm_contact, pk = mapped.contact
            if pk in found["contacts.Contact"]:
                mapped.values["contact_id"] = pk
            else:
                mapped.problems.append(_("Contact %(id)s not found.") % {"id": suitecrm_contact})


#: step name → (order, SuiteCRM table, Kontor model, row mapping)
TYPES = {
    "calls": (100, "calls", Call, map_call),
    "meetings": (110, "meetings", Meeting, map_meeting),
    "tasks": (120, "tasks", Task, map_task),
    "notes": (130, "notes", Note, map_note),
}
