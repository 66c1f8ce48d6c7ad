"""Cells of an import file → field values, for the import's planner (`engine.py`).

Per batch: the file's number and date format, the dropdown keys and users looked up once.
Each check raises `ValueError` or `ValidationError` with the translated reason a row report
shows. Cheap on purpose (a million cells per minute): plain text is checked for its length
inline, phone numbers are parsed once.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext as _

from kontor.core import cell_values as values
from kontor.core import dropdowns
from kontor.core.fields import normalize_phone

# SuiteCRM shows a few dropdown values under other labels than their keys.
SUITECRM_LABELS = {"identifying decision makers": "Id. Decision Makers"}


class CellReader:
    """Reads the cells of one batch; keeps what it looked up between chunks."""

    def __init__(self, targets: dict, fmt: str):
        self.targets, self.fmt = targets, fmt
        # Plain text fields whose only check is their length: the check is done inline
        # (a field's clean() costs more than the rest of the cell's parsing).
        self._plain = {
            name: getattr(t.field, "max_length", None) or 0
            for name, t in targets.items()
            if _plain_text(t)
        }
        self._users = None
        self._dropdowns: dict[str, dict] = {}

    def value(self, target, raw):
        """The Python value of one cell for `target`; raises ValueError/ValidationError with
        the reason (translated) for the row report."""
        if isinstance(raw, str) and not raw.strip():
            return ""
        kind, fmt = target.kind, self.fmt
        if kind == "custom":
            return self._custom(target.field, raw)
        if kind in ("decimal", "integer", "date", "datetime", "bool"):
            parse = {
                "decimal": values.decimal,
                "integer": values.integer,
                "date": values.parse_date,
                "datetime": values.parse_datetime,
            }.get(kind)
            value = values.boolean(raw) if kind == "bool" else parse(raw, fmt)
            return target.field.clean(value, None)
        text = values.text(raw)
        if kind == "email":
            text = text.split(";")[0].split(",")[0].strip().lower()
        elif kind == "url" and "://" not in text:
            text = f"https://{text}"
        elif kind == "dropdown":
            return self._dropdown_key(target, text)
        elif kind == "user":
            return self._user(text)
        if kind == "phone":
            # The field's own check (validate_phone) parses the number; clean() parses it
            # again for the E.164 column, so the parse here is done once, not twice.
            if len(text) > target.field.max_length or not normalize_phone(text):
                return target.field.clean(text, None)  # raises the form's message
            return text
        if kind != "external":
            values.check_not_formula(text)
        if kind in ("relate", "external"):
            return text[:150]
        limit = self._plain.get(target.name)
        if limit is not None and (not limit or len(text) <= limit):
            return text
        return target.field.clean(text, None)

    def _custom(self, custom, raw):
        """A custom field's stored (JSON) value; numbers and dates in the file's format."""
        kind = custom.field_type
        if kind in ("integer", "decimal", "currency"):
            number = values.decimal(raw, self.fmt)
            raw = int(number) if kind == "integer" and number == int(number) else str(number)
        elif kind == "date":
            raw = values.parse_date(raw, self.fmt).isoformat()
        elif kind == "datetime":
            raw = values.parse_datetime(raw, self.fmt).isoformat()
        elif kind == "boolean":
            raw = values.boolean(raw)
        elif kind in ("text", "longtext"):
            raw = values.text(raw)
            values.check_not_formula(raw)
        else:
            raw = values.text(raw)
        return custom.to_python(raw)

    def _dropdown_key(self, target, text: str) -> str:
        """The key of a dropdown value typed as key or English/German label."""
        keys = self._dropdown_keys(target)
        key = keys.get(SUITECRM_LABELS.get(text.lower(), text).lower())
        if key is None:
            # The message of the field itself (DropdownField.validate), as forms show it.
            raise ValidationError(_("“%(value)s” is not a valid choice.") % {"value": text})
        return key

    def _dropdown_keys(self, target) -> dict:
        """Lower-cased key and labels → key, for the active values of the field's list."""
        keys = self._dropdowns.get(target.name)
        if keys is None:
            keys = self._dropdowns[target.name] = {}
            for option in dropdowns.options(target.field.dropdown, include_inactive=True):
                if option.active:
                    for name in (option.key, option.label_en, option.label_de):
                        keys.setdefault(name.lower(), option.key)
        return keys

    def _user(self, text: str):
        users = self._user_ids()
        if text.lower() not in users:
            raise ValueError(_("No active user “%(name)s”.") % {"name": text})
        return users[text.lower()]

    def _user_ids(self) -> dict:
        if self._users is None:
            self._users = {}
            for user in get_user_model().objects.filter(is_active=True):
                for name in (user.username, user.get_full_name(), user.email):
                    if name:
                        self._users.setdefault(name.lower(), user.pk)
        return self._users


def _plain_text(target) -> bool:
    """A text target whose field checks nothing but its length (no choices, no validators
    beyond the CharField's own MaxLengthValidator)."""
    field = target.field
    return (
        target.kind == "text"
        and type(field) in (models.CharField, models.TextField)
        and not field.choices
        and all(type(v) is MaxLengthValidator for v in field.validators)
    )


def message(error) -> str:
    """The text of a cell's error for the row report."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
