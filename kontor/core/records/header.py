"""The header of a record's page, for the salesperson who opens it: the key facts at a glance
(owner, stage or status as a coloured badge, amount with its currency, the next open activity,
e-mail and phone as links), chosen by the module's `header_fields` (kontor.core.registry).

Also the links every record page gives contact values: `mailto:` for an e-mail field, `tel:`
for a phone field, the address itself for a web address; the field's type decides.
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField, PhoneField
from kontor.core.records import tables
from kontor.core.templatetags.design import badge_class

#: The currency of an amount that stores none (a lead's expected amount): the one a lead's
#: conversion gives the opportunity it creates.
DEFAULT_CURRENCY = "EUR"

NEXT_ACTIVITY = "next_activity"


#: mailto:, tel: and web links of shown values; lists link them the same way (tables.rows)
value_url = tables.value_url


def facts(module, record, user, open_activities) -> list[dict]:
    """The header's facts of `record`: each {"name", "label", "text", "url", "badge", "icon",
    "when"}; empty values are left out. `open_activities` is the page's list of open calls,
    meetings and tasks, soonest first (kontor.core.records.detail.open_activities)."""
    out = []
    hidden = None
    for name in module.get_header_fields():
        if name == NEXT_ACTIVITY:
            item = _next_activity(open_activities)
        else:
            field = module.model._meta.get_field(name)
            if hidden is None:
                hidden = _hidden(module, record, user)
            item = _fact(field, record, hidden)
        if item is not None and item["text"]:
            out.append(item)
    return out


def _hidden(module, record, user) -> set:
    names = [n for n in module.get_header_fields() if n != NEXT_ACTIVITY]
    fields = [module.model._meta.get_field(n) for n in names]
    links = [tables.Column(f.name, "", "", f) for f in fields]
    return tables.hidden_links(user, links, [record])


def _fact(field, record, hidden) -> dict:
    item = {"name": field.name, "label": field.verbose_name, "url": "", "badge": "", "icon": ""}
    value = getattr(record, field.name)
    if field.is_relation and field.related_model is get_user_model():
        item.update(text=tables.user_label(value), icon="person-circle")
    elif isinstance(field, DropdownField):
        item.update(text=tables.display(field, value), badge=badge_class(value, field.dropdown))
    elif isinstance(field, models.DecimalField) and value is not None:
        currency = getattr(field, "currency_field", None)
        code = getattr(record, currency) if currency else DEFAULT_CURRENCY
        text = f"{tables.display(field, value)} {code} {tables.base_amount(field, record)}"
        item.update(text=text.strip(), icon="cash-coin")
    else:
        text, url = tables.cell(tables.Column(field.name, "", "", field), record, hidden)
        item.update(text=text, url=url or value_url(field, text), icon=_icon(field))
    return item


def _icon(field) -> str:
    if isinstance(field, models.EmailField):
        return "envelope"
    if isinstance(field, PhoneField):
        return "telephone"
    if isinstance(field, models.URLField):
        return "globe"
    if isinstance(field, models.DateField):
        return "calendar-event"
    if field.is_relation:
        return "link-45deg"
    return ""


def _next_activity(open_activities) -> dict | None:
    """The soonest open call, meeting or task, with its date."""
    if not open_activities:
        return None
    soonest = open_activities[0]
    return {
        "name": NEXT_ACTIVITY,
        "label": _("Next activity"),
        "text": str(soonest["record"]),
        "url": soonest["url"],
        "badge": "",
        "icon": soonest["module"].icon,
        "when": soonest["when"],
    }
