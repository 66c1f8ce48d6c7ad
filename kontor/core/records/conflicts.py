"""Edit forms and concurrent edits: the values a form showed, and the choice when two people
changed the same field.

For the generic edit view (views.py) and RecordForm (forms.py): an edit form carries, signed,
the record's version (`date_modified`) and the stored values it was built from; its save counts
the user's changes from those (kontor.core.edits.edit_from), so fields only someone else changed
meanwhile are kept. When someone else changed a field the user changed too, to another value,
the form comes back with one row per such field: the user's value, the other person's, who and
when (from the change log), and "keep mine" / "take theirs" (docs/architecture.md, "Concurrent
edits").
"""

import datetime
import decimal
import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db.models.fields.files import FieldFile
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kontor.core.edits import content_fields
from kontor.core.models import ChangeLog
from kontor.core.records import tables

#: the hidden form field with the signed values the form showed
SHOWN = "shown"
_SALT = "kontor.core.records.conflicts.shown"
#: "choice-<field>" = "theirs" takes the other person's value, sent in "theirs-<field>"
CHOICE, THEIRS = "choice-", "theirs-"


def shown_token(record) -> str:
    """The signed id, version and stored values of `record` as a form shows them."""
    loaded = getattr(record, "_loaded", {})
    values = {
        f.attname: _plain(loaded[f.attname])
        for f in content_fields(type(record))
        if f.attname in loaded
    }
    payload = {"pk": str(record.pk), "v": _plain(record.date_modified), "values": values}
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_shown(token: str, record) -> tuple[dict, datetime.datetime | None] | None:
    """(attname → value, version) of a token made by `shown_token` for this record; None for
    no token, a forged one or another record's."""
    try:
        payload = signing.loads(token or "", salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("pk") != str(record.pk):
        return None
    stored = payload.get("values") or {}
    values = {}
    for f in content_fields(type(record)):
        if f.attname in stored:
            values[f.attname] = f.to_python(stored[f.attname])
    version = payload.get("v")
    return values, (datetime.datetime.fromisoformat(version) if version else None)


def _plain(value):
    """A stored value as JSON can hold it (read back by the model field's to_python)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def resolved(data):
    """The POST data with the user's "take theirs" choices applied."""
    choices = [k for k, v in data.items() if k.startswith(CHOICE) and v == "theirs"]
    if not choices:
        return data
    data = data.copy()
    for key in choices:
        name = key.removeprefix(CHOICE)
        theirs = data.getlist(THEIRS + name)
        if theirs:
            data.setlist(name, theirs)
        else:  # an unticked checkbox sends nothing
            data.pop(name, None)
    return data


def widget_data(field: forms.Field, value) -> list[str]:
    """What a browser sends for `field` showing `value` (a form value: an id, not a record)."""
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        return ["on"] if value else []
    if isinstance(widget, forms.SelectMultiple):
        return [str(getattr(v, "pk", v)) for v in value or []]
    prepared = field.prepare_value(value)
    if prepared is None:
        return [""]
    if isinstance(widget, forms.Select):
        return [str(prepared)]
    return [widget.format_value(prepared) or ""]


def merged_data(posted, fresh):
    """POST data for the form shown again after a conflict: the values of `fresh` (the form of
    the record as it would have been saved: the stored row with the user's changes) and its
    new `SHOWN` token; what the user chose in many-valued pickers (invitees) is kept."""
    data = posted.data.copy()
    for name, field in fresh.fields.items():
        if field.disabled or isinstance(field.widget, forms.FileInput | forms.SelectMultiple):
            continue
        data.setlist(name, widget_data(field, fresh[name].value()))
    return data


@dataclass
class Row:
    """One field both changed: the form's input name (empty when the form has no input for
    it), its label, both values as shown and as sent, who changed it and when."""

    name: str
    label: str
    mine: str
    theirs: str
    theirs_data: list
    by: str
    at: datetime.datetime | None


def rows(record, conflict, form, version) -> list[Row]:
    """The conflict panel's rows: the fields of `conflict` (kontor.core.edits.EditConflict)
    with the form's labels; `version` is the one the user's form showed."""
    model = type(record)
    who = _who(record, list(conflict.fields), version)
    found = []
    for key, theirs in conflict.fields.items():
        custom = key.startswith("custom.")
        name = key.removeprefix("custom.") if custom else key
        mine = (record.custom or {}).get(name) if custom else _value(record, name)
        field = form.fields.get(name)
        if field is not None and not field.disabled:
            label = str(field.label)
            as_form = _custom_initial(form, name, theirs) if custom else theirs
            theirs_data = widget_data(field, as_form)
        else:
            label = str(model._meta.get_field(name).verbose_name) if not custom else name
            name, theirs_data = "", []
        by, at = who.get(key, ("", None))
        found.append(
            Row(name, label, _shown(field, mine), _shown(field, theirs), theirs_data, by, at)
        )
    return found


def _value(record, name: str):
    field = type(record)._meta.get_field(name)
    return getattr(record, field.attname)


def _custom_initial(form, name: str, stored):
    for definition in getattr(form, "custom_defs", ()):
        if definition.name == name:
            return definition.initial(stored)
    return stored


def _who(record, keys: list, version) -> dict:
    """field → (who, when) of the newest change-log row of each field since `version`."""
    rows = ChangeLog.objects.filter(
        record_type=ContentType.objects.get_for_model(record),
        record_id=record.pk,
        action=ChangeLog.Action.UPDATE,
        field__in=keys,
    ).select_related("actor")
    if version is not None:
        rows = rows.filter(at__gt=version)
    found: dict = {}
    for row in rows.order_by("-at", "-id")[:50]:
        actor = row.actor
        name = (actor.get_full_name() or actor.username) if actor else _("System")
        found.setdefault(row.field, (name, row.at))
    return found


def _shown(field, value) -> str:
    """A value as a reader sees it: a choice's label, a record's name, a local date."""
    if value is None or value == "":
        return "—"
    if isinstance(field, forms.ModelChoiceField):
        pk = getattr(value, "pk", value)
        try:
            chosen = field.queryset.filter(pk=pk).first()
        except (ValueError, TypeError):
            chosen = None
        return str(chosen) if chosen is not None else tables.not_available()
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): v for k, v in field.choices if not isinstance(v, list | tuple)}
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.localize(timezone.localtime(value))
    if isinstance(value, datetime.date | decimal.Decimal):
        return formats.localize(value)
    return str(value)
