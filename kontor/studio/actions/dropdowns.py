"""Dropdown editor actions: lists and their values (docs/domain.md §4 and lists admins add).

Keys are what records store: a key never changes once a record uses it, and a used value is
only deleted by mapping its records to another value of the same list in the same step.
"""

import re

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from kontor.core import dropdowns
from kontor.core.context import current_origin
from kontor.core.fields import DropdownField
from kontor.core.models import ChangeLog, DropdownList, DropdownValue, Record
from kontor.studio.actions import log_change
from kontor.studio.models import CustomField

KEY_RE = re.compile(r"^[\w .&/+-]{1,100}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def _bindings(list_name: str) -> list[tuple[type[Record], str, str]]:
    """(model, field or custom name, "field" | "custom" | "multi") bound to this list."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, Record):
            continue
        found += [
            (model, f.name, "field")
            for f in model._meta.concrete_fields
            if isinstance(f, DropdownField) and f.dropdown == list_name
        ]
    for cf in CustomField.objects.filter(
        dropdown=list_name, field_type__in=["dropdown", "multiselect"]
    ):
        model = apps.get_model(cf.model_label)
        found.append((model, cf.name, "custom" if cf.field_type == "dropdown" else "multi"))
    return found


def _using(model, name: str, kind: str, key: str):
    """The records (trash included) of `model` whose `name` holds `key`."""
    if kind == "field":
        return model.with_deleted.filter(**{name: key})
    if kind == "custom":
        return model.with_deleted.filter(**{f"custom__{name}": key})
    # A multi-select stores a JSON list; its JSON text contains the quoted key (SQLite has no
    # JSON containment, so both databases compare the text). Candidates are confirmed exactly.
    candidates = model.with_deleted.filter(**{f"custom__{name}__icontains": f'"{key}"'})
    return model.with_deleted.filter(
        pk__in=[
            pk
            for pk, values in candidates.values_list("pk", f"custom__{name}")
            if isinstance(values, list) and key in values
        ]
    )


def usage(value: DropdownValue) -> int:
    """How many records (trash included) use this value, over every field bound to its list."""
    return sum(_using(m, n, k, value.key).count() for m, n, k in _bindings(value.dropdown.name))


def check_list_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise ValidationError(
            {"name": _("Use lower-case letters, digits and underscores, starting with a letter.")}
        )
    if DropdownList.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A list with this name exists already.")})


@transaction.atomic
def create_list(*, name: str, label_en: str = "", label_de: str = "", actor) -> DropdownList:
    """A new, empty dropdown list (for custom fields)."""
    name = name.strip()
    check_list_name(name)
    dropdown = DropdownList.objects.create(
        name=name, label_en=label_en.strip(), label_de=label_de.strip()
    )
    log_change(
        actor=actor,
        area="dropdown",
        target=name,
        summary=gettext_noop("List created"),
        detail={"label_en": label_en, "label_de": label_de},
    )
    return dropdown


def _check_labels(label_en: str, label_de: str) -> dict:
    errors = {}
    if not label_en.strip():
        errors["label_en"] = [_("This field is required.")]
    if not label_de.strip():
        errors["label_de"] = [_("This field is required.")]
    return errors


@transaction.atomic
def add_value(
    dropdown: DropdownList,
    *,
    key: str,
    label_en: str,
    label_de: str,
    probability: int | None = None,
    forecast_category: str | None = None,
    actor,
) -> DropdownValue:
    """Append a value to the list; its key is what records will store."""
    key = key.strip()
    errors = _check_labels(label_en, label_de)
    if not KEY_RE.match(key):
        errors["key"] = [_("Use 1 to 100 letters, digits, spaces or . & / + - _.")]
    elif dropdown.values.filter(key=key).exists():
        errors["key"] = [_("This key exists in the list already.")]
    if errors:
        raise ValidationError(errors)
    extra = _extra({}, probability, forecast_category)
    position = (dropdown.values.aggregate(m=Max("position"))["m"] or 0) + 1
    value = DropdownValue.objects.create(
        dropdown=dropdown,
        key=key,
        label_en=label_en.strip(),
        label_de=label_de.strip(),
        position=position,
        extra=extra,
    )
    log_change(
        actor=actor,
        area="dropdown",
        target=f"{dropdown.name}.{key}",
        summary=gettext_noop("Value added"),
        detail={"label_en": value.label_en, "label_de": value.label_de},
    )
    return value


#: The list a sales stage's forecast category is a key of (the opportunities declare it;
#: Studio reads it through the core's dropdowns).
FORECAST_CATEGORIES = "forecast_category_dom"


def _extra(extra: dict, probability: int | None, forecast_category: str | None = None) -> dict:
    """`extra` with the probability (None: unchanged) and the forecast category (None:
    unchanged, "": none) a stage gives the opportunities that enter it."""
    extra = dict(extra)
    if probability is not None:
        if not 0 <= probability <= 100:
            raise ValidationError({"probability": _("Enter a number from 0 to 100.")})
        extra["probability"] = probability
    if forecast_category == "":
        extra.pop("forecast_category", None)
    elif forecast_category is not None:
        if dropdowns.option(FORECAST_CATEGORIES, forecast_category) is None:
            raise ValidationError(
                {"forecast_category": _("Choose a value of the forecast category list.")}
            )
        extra["forecast_category"] = forecast_category
    return extra


@transaction.atomic
def update_value(
    value: DropdownValue,
    *,
    label_en: str,
    label_de: str,
    active: bool,
    probability: int | None = None,
    forecast_category: str | None = None,
    actor,
) -> DropdownValue:
    """Rename (both languages), (de)activate and set the probability and forecast category
    (a sales stage's); the key stays."""
    errors = _check_labels(label_en, label_de)
    if errors:
        raise ValidationError(errors)
    before = {
        "label_en": value.label_en,
        "label_de": value.label_de,
        "active": value.active,
        "extra": value.extra,
    }
    value.label_en, value.label_de, value.active = label_en.strip(), label_de.strip(), active
    value.extra = _extra(value.extra, probability, forecast_category)
    if not active:
        value.is_default = False
    after = {
        "label_en": value.label_en,
        "label_de": value.label_de,
        "active": value.active,
        "extra": value.extra,
    }
    if after == before:
        return value
    value.save()
    log_change(
        actor=actor,
        area="dropdown",
        target=f"{value.dropdown.name}.{value.key}",
        summary=gettext_noop("Value changed"),
        detail={"old": before, "new": after},
    )
    return value


@transaction.atomic
def reorder(dropdown: DropdownList, keys: list[str], *, actor) -> None:
    """Put the values in the order of `keys` (keys not given keep their order at the end)."""
    values = {v.key: v for v in dropdown.values.all()}
    ordered = [k for k in dict.fromkeys(keys) if k in values]
    ordered += [k for k in values if k not in ordered]
    before = [v.key for v in sorted(values.values(), key=lambda v: (v.position, v.id))]
    if ordered == before:
        return
    for position, key in enumerate(ordered):
        values[key].position = position
    DropdownValue.objects.bulk_update(values.values(), ["position"])
    log_change(
        actor=actor,
        area="dropdown",
        target=dropdown.name,
        summary=gettext_noop("Values reordered"),
        detail={"old": before, "new": ordered},
    )


def move(dropdown: DropdownList, key: str, step: int, *, actor) -> None:
    """Move one value up (-1) or down (+1): the no-JavaScript way to reorder."""
    keys = list(dropdown.values.order_by("position", "id").values_list("key", flat=True))
    if key not in keys:
        return
    i = keys.index(key)
    j = max(0, min(len(keys) - 1, i + step))
    keys[i], keys[j] = keys[j], keys[i]
    reorder(dropdown, keys, actor=actor)


@transaction.atomic
def set_default(dropdown: DropdownList, key: str, *, actor) -> None:
    """Make `key` the value new records get (or none with key="")."""
    values = list(dropdown.values.select_for_update())
    if key and not any(v.key == key and v.active for v in values):
        raise ValidationError({"default": _("Choose an active value of this list.")})
    old = next((v.key for v in values if v.is_default), "")
    if old == key:
        return
    dropdown.values.update(is_default=False)
    if key:
        dropdown.values.filter(key=key).update(is_default=True)
    log_change(
        actor=actor,
        area="dropdown",
        target=dropdown.name,
        summary=gettext_noop("Default value changed"),
        detail={"old": old, "new": key},
    )


@transaction.atomic
def delete_value(value: DropdownValue, *, remap_to: str = "", actor) -> int:
    """Delete a value; records using it are refused, or mapped to `remap_to` first.

    Returns the number of records that were mapped. Every mapped record gets a change-log
    row; all fields bound to the list (built-in and custom) are mapped in this transaction.
    """
    name = value.dropdown.name
    bindings = _bindings(name)
    count = sum(_using(m, f, k, value.key).count() for m, f, k in bindings)
    if count and not remap_to:
        raise ValidationError(
            {
                "remap_to": ngettext(
                    "%(count)d record uses this value: choose a value to map it to.",
                    "%(count)d records use this value: choose a value to map them to.",
                    count,
                )
                % {"count": count}
            }
        )
    if remap_to and (
        remap_to == value.key or not value.dropdown.values.filter(key=remap_to).exists()
    ):
        raise ValidationError({"remap_to": _("Choose another value of this list.")})
    mapped = (
        sum(_remap(m, f, k, value.key, remap_to, actor=actor) for m, f, k in bindings)
        if count
        else 0
    )
    value.delete()
    log_change(
        actor=actor,
        area="dropdown",
        target=f"{name}.{value.key}",
        summary=gettext_noop("Value deleted"),
        detail={
            "remapped_to": remap_to,
            "records": mapped,
            "label_en": value.label_en,
            "label_de": value.label_de,
        },
    )
    return mapped


def _remap(model, name: str, kind: str, old: str, new: str, *, actor) -> int:
    """Map the records of one bound field from `old` to `new`, with change-log rows."""
    rows = list(_using(model, name, kind, old).select_for_update())
    if not rows:
        return 0
    now = timezone.now()
    ct = ContentType.objects.get_for_model(model)
    logs = []
    for row in rows:
        if kind == "field":
            before, after = old, new
            setattr(row, name, new)
        else:
            before = row.custom.get(name)
            after = (
                new
                if kind == "custom"
                else list(dict.fromkeys(new if k == old else k for k in before))
            )
            row.custom[name] = after
        row.modified_by, row.date_modified = actor, now
        logs.append(
            ChangeLog(
                record_type=ct,
                record_id=row.pk,
                action=ChangeLog.Action.UPDATE,
                field=name if kind == "field" else f"custom.{name}",
                old_value=_text(before),
                new_value=_text(after),
                actor=actor,
                at=now,
                origin=current_origin(),
            )
        )
    model.with_deleted.bulk_update(
        rows,
        [name if kind == "field" else "custom", "modified_by", "date_modified"],
        batch_size=500,
    )
    ChangeLog.objects.bulk_create(logs, batch_size=500)
    return len(rows)


def _text(value) -> str:
    from kontor.core.actions import as_text

    return as_text(value)
