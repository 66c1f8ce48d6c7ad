"""Calls, meetings, tasks and notes from SuiteCRM, for `kontor migrate-suitecrm`.

Each SuiteCRM row becomes the Kontor activity with the same id (`ids.kontor_id`), its fields
by SuiteCRM name, its owner, creator, modifier and dates as they were, and its parent: the
module name of `parent_type` becomes the Kontor record type. A parent of a module Kontor does
not migrate (cases, bugs, projects, …) is reported and the activity kept without parent.
Soft-deleted rows go to the trash. Notes' attachment files are copied by `attach`.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.activities.models import Call, Meeting, Note, Task
from kontor.suitecrm.ids import is_uuid_shaped, kontor_id
from kontor.suitecrm.lookups import user_id_for
from kontor.suitecrm.source import day, flag, text, when
from kontor.suitecrm.steps import Context, step
from kontor.suitecrm.writer import Row, edited_in_kontor, write_rows

#: SuiteCRM module name of `parent_type` → (SuiteCRM table, Kontor model label)
PARENTS = {
    "Accounts": ("accounts", "accounts.Account"),
    "Contacts": ("contacts", "contacts.Contact"),
    "Leads": ("leads", "leads.Lead"),
    "Prospects": ("prospects", "targets.Target"),
    "Opportunities": ("opportunities", "opportunities.Opportunity"),
    # notes may hang off an activity; those steps run before the notes step
    "Calls": ("calls", "activities.Call"),
    "Meetings": ("meetings", "activities.Meeting"),
    "Tasks": ("tasks", "activities.Task"),
}

CHUNK = 2000
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
    #: a note's original attachment file name (`notes.filename`)
    attachment: str = ""


def map_common(row: dict, table: str, user) -> Mapped:
    """The fields every activity shares. `user(suitecrm_user_id)` → Kontor user pk or None."""
    problems = []
    if not is_uuid_shaped(row["id"]):
        problems.append(
            _("Id is not UUID-shaped; the record gets the Kontor id %(id)s.")
            % {"id": kontor_id(table, row["id"])}
        )
    deleted = flag(row.get("deleted"))
    modified = when(row.get("date_modified"))
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
        # an empty date is filled and reported by the writer
        "date_entered": when(row.get("date_entered")),
        "date_modified": modified,
        "deleted": deleted,
        "deleted_at": (modified or when(row.get("date_entered"))) if deleted else None,
        "parent_type_id": None,
        "parent_id": None,
    }
    missing = []  # each unknown user once per row, whether owner, creator or modifier
    for column, attname in (
        ("assigned_user_id", "assigned_user_id"),
        ("created_by", "created_by_id"),
        ("modified_user_id", "modified_by_id"),
    ):
        suitecrm_user = text(row.get(column))
        values[attname] = user(suitecrm_user) if suitecrm_user else None
        if suitecrm_user and values[attname] is None and suitecrm_user not in missing:
            missing.append(suitecrm_user)
    problems += [_("User %(id)s not found.") % {"id": i} for i in missing]
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


def dropdown_key(mapped: Mapped, attname: str, value, default: str) -> None:
    """Set a dropdown field to SuiteCRM's key (Kontor keeps SuiteCRM's keys); empty → `default`
    (the field's default where it needs a value). A key Kontor's list lacks is added to the
    list and reported by the writer."""
    mapped.values[attname] = text(value) or default


def minutes(row: dict) -> int:
    """SuiteCRM's duration_hours + duration_minutes in minutes (NULL as 0)."""
    return int(row.get("duration_hours") or 0) * 60 + int(row.get("duration_minutes") or 0)


def start(mapped: Mapped, row: dict) -> datetime.datetime:
    value = when(row.get("date_start"))
    if value is None:
        mapped.problems.append(_("Start is empty; the date created is used."))
        value = mapped.values["date_entered"] or mapped.values["date_modified"] or timezone.now()
    return value


def map_call(row: dict, user) -> Mapped:
    mapped = map_common(row, "calls", user)
    dropdown_key(mapped, "status", row.get("status"), "Planned")
    dropdown_key(mapped, "direction", row.get("direction"), "")
    mapped.values["date_start"] = start(mapped, row)
    mapped.values["duration_minutes"] = duration(mapped, row, Call)
    repeat(mapped, row, "calls")
    return mapped


def map_meeting(row: dict, user) -> Mapped:
    mapped = map_common(row, "meetings", user)
    dropdown_key(mapped, "status", row.get("status"), "Planned")
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
    repeat(mapped, row, "meetings")
    return mapped


REPEAT_TYPES = ("Daily", "Weekly", "Monthly", "Yearly")


def repeat(mapped: Mapped, row: dict, table: str) -> None:
    """SuiteCRM's repeat fields as they are (kontor/activities/recurrence.py reads them); an
    occurrence's `repeat_parent_id` becomes its first occurrence's Kontor id. An unknown repeat
    type is reported and dropped."""
    kind = text(row.get("repeat_type"))
    if kind and kind not in REPEAT_TYPES:
        mapped.problems.append(_("Repeat type %(type)s is not known; dropped.") % {"type": kind})
        kind = ""
    count = int(row.get("repeat_count") or 0)
    parent = text(row.get("repeat_parent_id"))
    mapped.values.update(
        repeat_type=kind,
        repeat_interval=max(int(row.get("repeat_interval") or 1), 1),
        repeat_dow="".join(c for c in text(row.get("repeat_dow")) if c in "0123456")[:7],
        repeat_until=day(row.get("repeat_until")),
        repeat_count=count or None,
        repeat_parent_id=kontor_id(table, parent) if parent else None,
        recurring_source=text(row.get("recurring_source"))[:36],
    )


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
    dropdown_key(mapped, "status", row.get("status"), "Not Started")
    dropdown_key(mapped, "priority", row.get("priority"), "Medium")
    # The *_flag columns are SuiteCRM's "no date" tick boxes.
    begin = None if flag(row.get("date_start_flag")) else when(row.get("date_start"))
    due = None if flag(row.get("date_due_flag")) else when(row.get("date_due"))
    mapped.values["date_start"], mapped.values["date_due"] = begin, due
    contact(mapped, row)
    return mapped


def map_note(row: dict, user) -> Mapped:
    mapped = map_common(row, "notes", user)
    contact(mapped, row)
    # the attachment field is set by `attach`, which copies the file from the upload folder
    mapped.attachment = text(row.get("filename"))
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


def _same_file(storage, name: str, origin: Path) -> bool:
    if not storage.exists(name) or storage.size(name) != origin.stat().st_size:
        return False
    with storage.open(name, "rb") as stored:
        return stored.read() == origin.read_bytes()


def attach(context: Context, mapped: Mapped, current: str = "") -> None:
    """Copy a note's file `<uploads>/<note id>` into Kontor's storage under its original name
    and set the note's attachment. A missing file, or one Kontor's notes refuse (type, size),
    is reported and the note kept without it. A file already stored with the same bytes is
    left as it is (`current`: the note's attachment from the last run; a second run copies
    nothing), another one under that name is never overwritten; a dry run only checks."""
    if not mapped.attachment:
        return
    origin = Path(context.uploads or "") / mapped.suitecrm_id
    if not context.uploads or not origin.is_file():
        mapped.problems.append(
            _("Attachment %(name)s not found in the upload folder; note kept without it.")
            % {"name": mapped.attachment}
        )
        return
    attachment = Note._meta.get_field("filename")
    try:
        # checked here, before the copy, so a refused file leaves nothing in the storage
        for validate in attachment.validators:
            validate(File(None, name=mapped.attachment))
        if origin.stat().st_size > settings.FILE_UPLOAD_MAX_SIZE:
            raise ValidationError(_("The file is too large."))
    except ValidationError as error:
        mapped.problems.append(
            _("Attachment %(name)s: %(error)s Note kept without it.")
            % {"name": mapped.attachment, "error": " ".join(error.messages)}
        )
        return
    if context.dry_run:
        return
    name = attachment.generate_filename(Note(id=mapped.values["id"]), mapped.attachment)
    storage = attachment.storage
    for stored_name in dict.fromkeys(n for n in (current, name) if n):
        if _same_file(storage, stored_name, origin):
            mapped.values["filename"] = stored_name
            return
    # A different file under that name is never overwritten: the storage picks a free name.
    with origin.open("rb") as content:
        mapped.values["filename"] = storage.save(
            name, File(content, name=mapped.attachment), max_length=attachment.max_length
        )


def add_step(name: str, order: int, table: str, model, mapping) -> None:
    """Register the step `name` that migrates SuiteCRM's `table` into `model`."""

    @step(name, order, tables=(table,), delta=True)
    def run(context: Context) -> None:
        def user(suitecrm_id):
            return user_id_for(context, suitecrm_id)

        chunk: list[Mapped] = []
        where, params = context.delta()
        for row in context.source.rows(
            f"SELECT * FROM `{table}` WHERE 1 = 1{where} ORDER BY id", params
        ):
            if not text(row["id"]):
                context.report.problem(table, "", _("Row without id skipped."))
                continue
            chunk.append(mapping(row, user))
            if len(chunk) >= CHUNK:
                write(context, model, table, chunk)
                chunk = []
        if chunk:
            write(context, model, table, chunk)


def write(context: Context, model, table: str, chunk: list[Mapped]) -> None:
    """Write one chunk of mapped rows through the migration's writer (one transaction)."""
    resolve_links(chunk)
    # A note edited in Kontor since the last run keeps its attachment: its file is not touched.
    with_files = [m.values["id"] for m in chunk if m.attachment]
    notes = model.with_deleted.in_bulk(with_files) if with_files else {}
    edited = edited_in_kontor(model, notes)
    rows = []
    for mapped in chunk:
        pk = mapped.values["id"]
        if pk not in edited:
            attach(context, mapped, notes[pk].filename.name if pk in notes else "")
        for problem in mapped.problems:
            context.report.problem(table, mapped.suitecrm_id, problem)
        values = {k: v for k, v in mapped.values.items() if k != "id"}
        rows.append(Row(mapped.values["id"], values, mapped.suitecrm_id))
    write_rows(context, model, table, rows)


for _name, (_order, _table, _model, _mapping) in {
    "calls": (100, "calls", Call, map_call),
    "meetings": (110, "meetings", Meeting, map_meeting),
    "tasks": (120, "tasks", Task, map_task),
    "notes": (130, "notes", Note, map_note),
}.items():
    add_step(_name, _order, _table, _model, _mapping)
