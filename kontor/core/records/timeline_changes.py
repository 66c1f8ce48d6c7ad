"""The change-log part of a record's timeline (kontor.core.records.timeline): its rows as
events with readable values, and the names the events show, looked up one query per type.

The rows are read as tuples (`Entry`), not ChangeLog instances, with the actor's name joined
to them: a timeline of two hundred events would otherwise build hundreds of model instances
only to read a few columns of each (docs/performance.md).
"""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from kontor.core import config, origins, registry
from kontor.core.journey import Journey, action_reader, partial_actions
from kontor.core.models import ChangeLog
from kontor.core.records import tables

PLACEHOLDER = uuid.UUID(int=0)  # a detail URL is reversed once per module, then filled in
ICONS = {
    "create": "plus-circle",
    "update": "pencil",
    "delete": "trash",
    "restore": "arrow-counterclockwise",
}


class Entry(NamedTuple):
    """A change-log row as the timeline reads it: ChangeLog's columns by the same names (what
    apps' action readers and the detail page's change log read), the actor's name joined."""

    id: int
    at: datetime
    action: str
    record_type_id: int
    record_id: uuid.UUID
    field: str
    old_value: str
    new_value: str
    origin: str
    actor_id: int | None
    actor_username: str | None
    actor_first_name: str | None
    actor_last_name: str | None

    def get_action_display(self) -> str:
        """The action's label, as ChangeLog.get_action_display() (an unknown one as itself)."""
        return str(ACTION_LABELS.get(self.action, self.action))


#: The columns of an `Entry`, in its order.
ENTRY_COLUMNS = (
    "id",
    "at",
    "action",
    "record_type_id",
    "record_id",
    "field",
    "old_value",
    "new_value",
    "origin",
    "actor_id",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
)
ACTION_LABELS = dict(ChangeLog.Action.choices)


@dataclass
class Event:
    """One line of the timeline. `text` is safe HTML (links included); `owner` is the record of
    the journey it belongs to when that is not the page's own record, `tag` that record's type."""

    at: datetime
    kind: str  # create, update, delete, restore, an app's action (convert), an activity's slug
    icon: str
    text: str = ""
    actor: str = ""
    url: str = ""
    status: str = ""
    origin: str = ""  # the import, job or web form that made the change
    origin_url: str = ""
    changes: list = field(default_factory=list)  # [{"label", "old", "new", "entry"}]
    entries: list = field(default_factory=list)  # the change-log rows of the event (`Entry`)
    activity: object = None  # the activity's row (timeline_activities.Activity)
    is_open: bool = False
    planned: bool = False  # an open activity still to come (timeline.planned_and_history)
    owner: object = None
    tag: str = ""
    owner_url: str = ""

    @property
    def record(self):
        """The activity as a model instance (its timeline columns loaded), built when first
        read: the API names its type, the record page's card never needs it."""
        if self.activity is None:
            return None
        if self.__dict__.get("_record") is None:
            self.__dict__["_record"] = self.activity.instance()
        return self.__dict__["_record"]

    def shown_at(self) -> str:
        """`at` as the card shows it (the date filter's SHORT_DATETIME_FORMAT in the reader's
        time zone), written by tables.format_date: a card formats up to two hundred times."""
        return tables.format_date(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")


def newest_rows(journey: Journey, limit: int) -> list[Entry]:
    """One query: the newest rows of every member, whole histories and, of a member shown in
    part, the rows of the actions apps registered (conversions)."""
    condition, by_model = Q(), {}
    for (model, pk), (_record, whole) in journey.members.items():
        by_model.setdefault((model, whole), []).append(pk)
    partial = Q(action__in=partial_actions())
    for (model, whole), ids in by_model.items():
        part = Q(record_type=ContentType.objects.get_for_model(model), record_id__in=ids)
        condition |= part if whole else part & partial
    rows = ChangeLog.objects.filter(condition).order_by("-at", "-id").values_list(*ENTRY_COLUMNS)
    return [Entry._make(row) for row in rows[:limit]]


def changelog_groups(rows) -> list[list[Entry]]:
    """The rows of each event, oldest first: the field changes of one save are one event."""

    def save(row):
        return row.action, row.record_type_id, row.record_id, row.actor_id, row.origin, row.at

    groups: list[list[ChangeLog]] = []
    for row in rows:  # newest first
        if row.action == ChangeLog.Action.UPDATE and groups and save(row) == save(groups[-1][0]):
            groups[-1].insert(0, row)
        else:
            groups.append([row])
    return groups


def changelog_event(journey: Journey, group, names: "Names") -> Event | None:
    """The event of a group of change-log rows, owned by its member record."""
    row = group[-1]
    model = ContentType.objects.get_for_id(row.record_type_id).model_class()
    owner, whole = journey.members[(model, row.record_id)]
    module = registry.for_model(model)
    reader = action_reader(row.action)
    if row.action == ChangeLog.Action.UPDATE:
        event = Event(
            row.at, "update", ICONS["update"], changes=[_change(module, r, names) for r in group]
        )
    elif reader is not None:  # an app's own action, e.g. the conversion's
        text = reader.text(row, names, whole)
        if text is None:
            return None
        event = Event(row.at, row.action, reader.icon, text)
    else:
        text = {
            ChangeLog.Action.CREATE: _("%(type)s created"),
            ChangeLog.Action.DELETE: _("%(type)s moved to the trash"),
            ChangeLog.Action.RESTORE: _("%(type)s restored"),
        }.get(row.action)
        text = text % {"type": module.verbose_name} if text else row.get_action_display()
        event = Event(row.at, row.action, ICONS.get(row.action, "dot"), escape(text))
        if row.action == ChangeLog.Action.CREATE and row.origin.startswith("job:"):
            event.origin = row.origin[4:]
    label, url = origins.describe(row.origin)  # an import, a web form (their apps register)
    if label:
        event.origin, event.origin_url = label, url
    event.entries, event.owner = group, owner
    event.actor = names.user(
        row.actor_id, row.actor_username, row.actor_first_name, row.actor_last_name
    ) or _("System")
    return event


def _change(module, row, names: "Names") -> dict:
    """{"label", "old", "new", "entry"} of one field change, values as users read them."""
    if row.field.startswith("custom."):
        custom = config.custom_field(module.model, row.field[7:])
        if custom is not None:
            return {
                "label": custom.label,
                "entry": row,
                "old": custom.display_text(row.old_value),
                "new": custom.display_text(row.new_value),
            }
    try:
        model_field = module.model._meta.get_field(row.field)
    except Exception:  # noqa: BLE001 - a field removed since keeps its raw values
        label = _("Web form submission") if row.field == "webform" else row.field
        return {"label": label, "old": row.old_value, "new": row.new_value, "entry": row}
    return {
        "label": names.field_label(model_field),
        "entry": row,
        "old": _value(model_field, row.old_value, names),
        "new": _value(model_field, row.new_value, names),
    }


def _value(model_field, text: str, names: "Names") -> str:
    """A stored change-log value (keys, ids, ISO dates) as the text a user reads."""
    if not text:
        return ""
    if model_field.is_relation and model_field.related_model is not None:
        return ", ".join(names.name(model_field.related_model, pk) for pk in _ids(text))
    if getattr(model_field, "dropdown", None):
        return names.label(model_field, text)
    parse = {
        "DateTimeField": datetime.fromisoformat,
        "DateField": date.fromisoformat,
        "BooleanField": lambda t: t == "1",
        "DecimalField": Decimal,
    }.get(model_field.get_internal_type())
    try:
        return tables.display(model_field, parse(text) if parse else text)
    except (ValueError, ArithmeticError):
        return text


def _ids(text: str) -> list[str]:
    """The ids of a relation value: one id, "id:role" (an opportunity's contact), or a JSON
    list of ids (invitees); what is not an id (UUID, or a user's number) is left out."""
    try:
        values = json.loads(text) if text.startswith("[") else [text]
    except ValueError:
        values = [text]
    ids = []
    for value in values:
        pk = str(value).split(":", 1)[0]
        if pk.isdigit():  # users have numeric ids
            ids.append(pk)
            continue
        try:
            ids.append(str(uuid.UUID(pk)))
        except ValueError:
            continue
    return ids


class Names:
    """The records and users the events name, one query per type; and, for a page of events,
    each detail URL reversed and each dropdown label looked up once. Apps' action readers
    (kontor.core.journey.ActionReader) use `record`, `url` and `is_member`."""

    def __init__(self, journey: Journey):
        self.journey, self.wanted, self.memo = journey, {}, {}
        self.users, self.links = {}, {}  # a user's name by id; a field's related model
        self.found = {(m, str(pk)): rec for (m, pk), (rec, _w) in journey.members.items()}

    def user(self, user_id, username, first_name, last_name) -> str:
        """The name of a user read as columns (an actor, an assignee), worked out once each."""
        if user_id not in self.users:
            self.users[user_id] = (
                tables.name_label(username, first_name, last_name) if user_id is not None else ""
            )
        return self.users[user_id]

    def related(self, record_type_id: int, name: str):
        """The model a change-log row's field links to, None when it links to none (or is
        not a field any more); looked up once per type and field."""
        key = (record_type_id, name)
        if key not in self.links:
            model = ContentType.objects.get_for_id(record_type_id).model_class()
            try:
                found = model._meta.get_field(name).related_model if name else None
            except (FieldDoesNotExist, AttributeError):  # not a field, or a type, any more
                found = None
            self.links[key] = found
        return self.links[key]

    def url(self, module, pk) -> str:
        if module not in self.memo:
            self.memo[module] = module.url("detail", PLACEHOLDER)
        return self.memo[module].replace(str(PLACEHOLDER), str(pk))

    def field_label(self, model_field) -> str:
        """A field's label in the reader's language, translated once per page."""
        if model_field not in self.memo:
            self.memo[model_field] = str(model_field.verbose_name)
        return self.memo[model_field]

    def pattern(self, module, status: str) -> str:
        """An activity module's sentence for `status`, escaped, with "%(name)s" left in."""
        key = (module, status)
        if key not in self.memo:
            self.memo[key] = escape(module.timeline_pattern(status))
        return self.memo[key]

    def label(self, model_field, value) -> str:
        key = (model_field.dropdown, value)
        if key not in self.memo:
            self.memo[key] = tables.display(model_field, value)
        return self.memo[key]

    def is_member(self, model, pk) -> bool:
        """Is the record (model, pk) one of the journey's (its own rows are on the page)?"""
        return any((m, str(key)) == (model, str(pk)) for m, key in self.journey.members)

    def record(self, model, pk):
        """The named record (model, pk), or None when the user may not see it."""
        return self.found.get((model, str(pk)))

    def want(self, group) -> None:
        """Note the records a group of rows names: an action's links, changed relations."""
        for row in group:
            reader = action_reader(row.action)
            if reader is not None:
                for model, pk in reader.names(row):
                    self.wanted.setdefault(model, set()).add(str(pk))
                continue
            related = self.related(row.record_type_id, row.field)
            for text in (row.old_value, row.new_value) if related is not None else ():
                self.wanted.setdefault(related, set()).update(_ids(text) if text else ())

    def resolve(self) -> None:
        """One query per type named; records only through the permission filter."""
        for model, ids in self.wanted.items():
            ids = {pk for pk in ids if (model, pk) not in self.found}
            if not ids or model is ContentType:
                continue
            if model is get_user_model():
                rows = model.objects.filter(pk__in=[pk for pk in ids if pk.isdigit()])
            elif hasattr(model.objects, "visible_to"):
                rows = model.objects.visible_to(self.journey.user, "view").filter(pk__in=ids)
            else:
                continue
            self.found.update({(model, str(rec.pk)): rec for rec in rows})

    def name(self, model, pk: str) -> str:
        if model is ContentType and pk.isdigit():
            return str(ContentType.objects.get_for_id(int(pk)).model_class()._meta.verbose_name)
        rec = self.found.get((model, pk))
        if rec is None:  # in the trash, or not the user's to see
            return tables.not_available()
        return tables.user_label(rec) if model is get_user_model() else str(rec)
