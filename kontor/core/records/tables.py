"""List columns: header, sort key and cell text of each column a module can show.

Cells are rendered to plain (text, url) pairs in Python, so the list template is one loop with
no per-row includes or queries (docs/performance.md rule 6).
"""

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from html import escape

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from kontor.core import config, design, dropdowns, fields, permissions, registry
from kontor.core.fields import DropdownField, PhoneField


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    sort_key: str
    field: models.Field


def not_available() -> str:
    """What pages show for a linked record the reader may not see, or one in the trash: never
    its name. Lists, detail pages, forms and the timeline say the same."""
    return _("(not available)")


def link_texts(user, records, name: str) -> list:
    """Give each of `records` `<name>_text`: the name of the record its link `name` points to,
    `not_available()` when `user` may not see that record or it is in the trash, "" when
    there is none. For pages that show one link of a few records (a dashboard card, a
    subpanel): one query at most, none for a type the user sees whole."""
    records = list(records)
    if not records:
        return records
    field = records[0]._meta.get_field(name)
    visible = permissions.visible_ids(
        user, field.related_model, {getattr(r, field.attname) for r in records}
    )
    for record in records:
        linked = getattr(record, name) if getattr(record, field.attname) else None
        if linked is None:
            text = ""
        elif linked.pk in visible and not getattr(linked, "deleted", False):
            text = str(linked)
        else:
            text = not_available()
        setattr(record, f"{name}_text", text)
    return records


def user_label(user) -> str:
    return name_label(user.username, user.first_name, user.last_name) if user else ""


def name_label(username, first_name, last_name) -> str:
    """How a user is named, from the user's columns: the full name, else the username."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or ""


def display(field: models.Field, value) -> str:
    """The text a user sees for a stored value of `field`."""
    if value is None or value == "":
        return ""
    if isinstance(field, DropdownField):
        return dropdowns.label(field.dropdown, value)
    if type(value) is str:  # most cells: none of the tests below applies
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return format_date(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return format_date(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, get_user_model()):
        return user_label(value)
    if hasattr(value, "url"):  # a file
        return value.name.rsplit("/", 1)[-1]
    return str(value)


#: Format characters written without Django's DateFormat, exactly as it writes them.
_DATE_CODES = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "Y": lambda v: f"{v.year:04d}",
    "y": lambda v: f"{v.year % 100:02d}",
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}


@lru_cache(maxsize=64)
def _date_pieces(fmt: str) -> tuple:
    """(is a format character, text) of a date format, split once."""
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(fmt)):
        if i % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def format_date(value, format_name: str) -> str:
    """What formats.date_format(value, format_name) returns, at a third of its cost for the
    usual formats (a list page formats fifty dates): the format is split once and the common
    characters are written directly; others (a.m./p.m., names) ask DateFormat."""
    slow = None
    out = []
    for is_code, piece in _date_pieces(formats.get_format(format_name)):
        if not is_code:
            out.append(piece)
        elif piece in _DATE_CODES:
            out.append(_DATE_CODES[piece](value))
        else:
            slow = slow or dateformat.DateFormat(value)
            out.append(str(getattr(slow, piece)()))
    return "".join(out)


def record_url(record) -> str:
    module = registry.find(type(record))
    return module.detail_url(record.pk) if module else ""


def sort_key(field: models.Field) -> str:
    """What sorting by a column orders by: the field, or for a link the related row's name."""
    if not field.is_relation:
        return field.name
    related = field.related_model
    if related is get_user_model():
        return f"{field.name}__username"
    module = registry.find(related)
    return f"{field.name}__{module.link_column}" if module else field.attname


class CustomColumnField:
    """What a column needs of a field, for a custom field (its value is in record.custom).

    `attname` names the annotation of the value as text (ListView.sorted_by_custom), so
    exports read it with values_list() like any column.
    """

    is_relation = False
    many_to_one = False

    def __init__(self, definition: "config.CustomFieldDef"):
        self.definition = definition
        self.name = definition.name
        self.attname = f"cfv_{definition.name}"
        self.verbose_name = definition.label

    def text(self):
        return KeyTextTransform(self.name, "custom")

    def get_internal_type(self) -> str:
        return "TextField" if self.definition.field_type == "longtext" else "CharField"


def custom_sort_key(name: str) -> str:
    """The annotation a list sorts a custom column by (see config.CustomFieldDef.expression)."""
    return f"cf_{name}"


def columns(module, names) -> list[Column]:
    result = []
    custom = {f.name: f for f in config.custom_fields(module.model)}
    for name in names:
        if name in custom:
            field = CustomColumnField(custom[name])
            result.append(Column(name, str(field.verbose_name), custom_sort_key(name), field))
            continue
        field = module.model._meta.get_field(name)
        result.append(Column(name, str(field.verbose_name), sort_key(field), field))
    return result


def cell(column: Column, row, hidden=frozenset()) -> tuple[str, str]:
    """(text, url) of one cell; links point at the related record, unless it is in `hidden`
    (see hidden_links) or in the trash."""
    if isinstance(column.field, CustomColumnField):
        custom = row.custom if isinstance(row.custom, dict) else {}
        return column.field.definition.display(custom.get(column.name)), ""
    value = getattr(row, column.name)
    if column.field.is_relation and value is not None:
        if getattr(value, "deleted", False) or (type(value), value.pk) in hidden:
            return not_available(), ""
        return display(column.field, value), record_url(value)
    currency = getattr(column.field, "currency_field", None)  # amounts: "1,200.00 GBP"
    if currency and value is not None:
        return f"{display(column.field, value)} {getattr(row, currency)}", ""
    return display(column.field, value), ""


def base_amount(field, row) -> str:
    """What a record's page shows after an amount in another currency than the base
    ("≈ 11,050.00 EUR"; a list shows amounts as entered); "" for one in the base currency."""
    base_field, base = getattr(field, "base_field", ""), fields.base_currency()
    if not base_field or not base or getattr(row, field.name) is None:
        return ""
    if getattr(row, field.currency_field) == base:
        return ""
    value = getattr(row, base_field)
    if value is None:
        return _("(no exchange rate to %(base)s)") % {"base": base}
    return f"≈ {display(field, value)} {base}"


def hidden_links(user, cols: list[Column], records) -> set[tuple]:
    """(model, id) of the records that the links of `cols` in `records` point to and that
    `user` may not see: one query per linked record type the user sees only in part (none
    for a type seen whole), never one per row."""
    wanted: dict = {}
    for col in cols:
        field = col.field
        if not (field.is_relation and field.many_to_one) or not registry.find(field.related_model):
            continue
        wanted.setdefault(field.related_model, set()).update(
            getattr(r, field.attname) for r in records
        )
    hidden = set()
    for model, ids in wanted.items():
        ids.discard(None)
        hidden.update((model, pk) for pk in ids - permissions.visible_ids(user, model, ids))
    return hidden


def rows(module, cols: list[Column], records, user=None) -> list[dict]:
    """The cells of `records`; with `user`, links to records they may not see show as not
    available."""
    link = module.link_column
    hidden = hidden_links(user, cols, records) if user is not None else frozenset()
    kinds = [(col, _cell_kind(col.field)) for col in cols]
    labels: dict = {}  # fifty rows repeat a few dropdown values: each label is looked up once
    out = []
    for record in records:
        url = module.detail_url(record.pk)
        cells = []
        for col, kind in kinds:
            if kind is _TEXT:  # its text is the value: none of cell()'s cases applies
                value = getattr(record, col.name)
                text = value if type(value) is str else display(col.field, value)
                href = ""
            elif kind is _CONTACT:  # an e-mail address or phone number: its mailto:/tel: link
                text = getattr(record, col.name) or ""
                href = value_url(col.field, text)
            elif kind is not None:  # a dropdown: `kind` names its list
                key = getattr(record, col.name)
                text = labels.get((kind, key))
                if text is None:
                    text = labels[kind, key] = _dropdown_cell(col.field, kind, key)
                href = ""
            else:
                text, href = cell(col, record, hidden)
            if col.name == link:
                href, text = url, text or _name(record)
            cells.append((text, href))
        out.append({"pk": record.pk, "url": url, "cells": cells})
    return out


def value_url(field, text: str) -> str:
    """The link of a shown value: mailto: for an e-mail, tel: for a phone number, the web
    address of a URL field; "" for anything else or an empty value. Kontor's pages open the
    compose page for a mailto: link clicked in them (kontor/emails/static/emails/links.js);
    copied, it is still the address."""
    if not text:
        return ""
    if isinstance(field, models.EmailField):
        return f"mailto:{text}"
    if isinstance(field, PhoneField):
        number = re.sub(r"[^\d+]", "", text)
        return f"tel:{number}" if number else ""
    if isinstance(field, models.URLField):
        return text if re.match(r"^https?://", text, re.IGNORECASE) else f"https://{text}"
    return ""


def _dropdown_cell(field, dropdown: str, key) -> str:
    """A dropdown value's label; a status (sales stage, lead status …) as a coloured badge."""
    label = display(field, key)
    if not label or not design.has_badge(dropdown):
        return label
    return format_html('<span class="{}">{}</span>', design.badge_class(key, dropdown), label)


#: rows()'s kind of a plain text column and of an e-mail or phone column (see _cell_kind).
_TEXT = object()
_CONTACT = object()


def _cell_kind(field):
    """How rows() writes a column's cells: _TEXT for a plain text field, the list's name for a
    dropdown, None for the rest (cell())."""
    if isinstance(field, DropdownField):
        return field.dropdown
    if isinstance(field, models.EmailField | PhoneField):
        return _CONTACT
    plain = isinstance(field, models.CharField | models.TextField) and not field.is_relation
    return _TEXT if plain and not getattr(field, "currency_field", None) else None


def _name(record) -> str:
    """A row's name when its link column is empty: str() of the record, unless that would load
    a field only() left out (a query for the row)."""
    return "—" if record.get_deferred_fields() else (str(record) or "—")


def body(rows: list[dict]) -> str:
    """The <tr> elements of `rows` (see rows()) as one safe string: fifty rows with a cell per
    column cost a template loop several milliseconds (docs/performance.md rule 6)."""
    select = escape(_("Select"))
    out = []
    for row in rows:
        parts = [
            '<tr><td class="select-col"><input class="form-check-input" type="checkbox" '
            f'name="ids" value="{row["pk"]}" aria-label="{select}"></td>'
        ]
        for text, url in row["cells"]:
            text = text if isinstance(text, SafeData) else escape(str(text))
            parts.append(
                f'<td><a href="{escape(url)}">{text}</a></td>' if url else f"<td>{text}</td>"
            )
        parts.append("</tr>")
        out.append("".join(parts))
    return mark_safe("\n    ".join(out))  # noqa: S308 - every value above is escaped


def loaded_fields(model, cols: list[Column], sort: str, link: str) -> list[str]:
    """The fields a list page reads of its rows (for only()): the shown columns, the link
    column, the sort column, and of a linked user the parts of the name it shows. A 60-column
    lead costs three times the CPU of these few to load (docs/performance.md rule 7)."""
    user_model = get_user_model()
    names = {"pk"}
    for col in cols:
        field = col.field
        if isinstance(field, CustomColumnField):
            names.add("custom")
            continue
        names.add(field.name)
        names.add(getattr(field, "currency_field", None) or field.name)  # amounts' currency
        if field.is_relation and field.related_model is user_model:
            names.update(f"{field.name}__{n}" for n in ("first_name", "last_name", "username"))
    sort_field = sort.lstrip("-").split("__")[0]
    for name in (link, sort_field):
        # A custom column sorts by an annotation, not a field.
        with suppress(FieldDoesNotExist):
            names.add(model._meta.get_field(name).name)
    return sorted(names)


def related_fields(cols: list[Column]) -> list[str]:
    """The foreign keys among the columns, for one select_related instead of a query per row."""
    return [c.name for c in cols if c.field.is_relation and c.field.many_to_one]
