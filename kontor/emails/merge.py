"""Merge fields of e-mail templates, for whoever composes a mail to a record.

SuiteCRM's syntax: `$<type>_<field>` for a field of the record written to ("$contact_first_name",
"$account_name", "$lead_account_name"), `$owner_<field>` for its owner (assigned user) and
`$user_<field>` for the sender (first_name, last_name, full_name, email, phone). Nothing is
evaluated: a placeholder is looked up in a table of values and replaced by text, so a template
can run no code. The record's values are those its page shows the sender: only the fields of
its panels (Studio may hide some), as the page formats them (dropdown labels, dates), a linked
record only when the sender may see it. A placeholder that names nothing available stays as
written, so the sender sees it in the preview.

The recipient's language (`language_of`) picks the template's variant: German for a record whose
country is a German-speaking one, English for any other country, the sender's language when the
record has no country.
"""

import re

from django.conf import settings
from django.db import models
from django.utils.html import escape

from kontor.core import config, permissions, registry
from kontor.core.records import tables

PLACEHOLDER = re.compile(r"\$([a-z][a-z0-9]*)_([a-z][a-z0-9_]*)")

GERMAN_COUNTRIES = frozenset(
    {
        "de",
        "deu",
        "germany",
        "deutschland",
        "at",
        "aut",
        "austria",
        "österreich",
        "ch",
        "che",
        "switzerland",
        "schweiz",
        "li",
        "liechtenstein",
    }
)
COUNTRY_FIELDS = ("primary_address_country", "billing_address_country")

USER_FIELDS = ("first_name", "last_name", "full_name", "email", "username")


def record_values(record, sender) -> dict[str, str]:
    """{field name: shown text} of `record`'s panel fields, as `sender` sees them."""
    module = registry.for_model(type(record))
    values = {}
    for name in config.panel_fields(module):
        try:
            field = record._meta.get_field(name)
        except Exception:  # noqa: BLE001 - a custom field: its shown value
            definition = config.custom_field(type(record), name)
            if definition is not None:
                custom = record.custom if isinstance(record.custom, dict) else {}
                values[name] = str(definition.display(custom.get(name)) or "")
            continue
        value = getattr(record, name)
        linked = field.is_relation and isinstance(value, models.Model)
        if linked and registry.find(type(value)) and not _may_see(sender, value):
            continue
        values[name] = tables.display(field, value)
    return values


def _may_see(user, record) -> bool:
    return not getattr(record, "deleted", False) and permissions.allows(user, "view", record)


def user_values(user) -> dict[str, str]:
    if user is None:
        return {}
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": user.get_full_name() or user.username,
        "email": user.email,
        "username": user.username,
    }


def context_for(record, sender) -> dict[str, dict[str, str]]:
    """The merge table: {prefix: {field: text}} for `record` (None: only the sender's)."""
    table = {"user": user_values(sender)}
    if record is not None:
        table[type(record)._meta.model_name] = record_values(record, sender)
        owner = record.assigned_user if record.assigned_user_id else None
        table["owner"] = user_values(owner)
    return table


def merge(text: str, table: dict, *, html: bool = False) -> str:
    """`text` with each known placeholder replaced by its value (escaped for `html`)."""

    def value(match: re.Match) -> str:
        found = table.get(match.group(1), {}).get(match.group(2))
        if found is None:
            return match.group(0)
        return escape(found) if html else found

    return PLACEHOLDER.sub(value, text or "")


def language_of(record, sender) -> str:
    """The language a mail to `record` is written in ("de" or "en", see the module's doc)."""
    for name in COUNTRY_FIELDS:
        country = (getattr(record, name, "") or "").strip().lower()
        if country:
            return "de" if country in GERMAN_COUNTRIES else "en"
    account = getattr(record, "account", None) if hasattr(record, "account_id") else None
    if account is not None:
        country = (account.billing_address_country or "").strip().lower()
        if country:
            return "de" if country in GERMAN_COUNTRIES else "en"
    profile = getattr(sender, "profile", None)
    return getattr(profile, "language", None) or settings.LANGUAGE_CODE[:2]


def pick_template(templates, language: str):
    """Of one template name's variants, the one in `language`, else English, else any."""
    by_language = {t.language: t for t in templates}
    return by_language.get(language) or by_language.get("en") or next(iter(templates), None)
