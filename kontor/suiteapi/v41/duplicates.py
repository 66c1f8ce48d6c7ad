"""SuiteCRM 7.14's duplicate check of v4_1 `set_entries` for Contacts, for the write methods.

SuiteCRM checks every new contact of `set_entries` (no setting turns it off; `set_entry` never
checks): a live contact with one of the new contact's e-mail addresses (as email1 or email2)
and the same last name, and, when the new contact names an `account_name`, with an account of
that name, is taken instead of creating one, and its id is answered in `ids`. Kontor looks only
among the contacts the caller may see (a hidden one would otherwise tell that it exists) and
leaves the one it finds unchanged (SuiteCRM only marks it as synced for the caller). E-mail
addresses compare without case, as Kontor stores them; last and account names compare exactly,
as SuiteCRM's `strcmp`.
"""

import html

from django.db.models import Q


def _text(values: dict, name: str) -> str:
    raw = values.get(name)
    return html.unescape(str(raw)).strip() if isinstance(raw, str | int | float) else ""


def existing_contact(api, user, values: dict):
    """The visible contact SuiteCRM would take for the new contact of `values` (a
    name_value_list read as {name: value}), or None (also for an update, which has an id)."""
    if values.get("id") not in (None, ""):
        return None
    emails = {_text(values, f).lower() for f in ("email1", "email2")} - {""}
    last_name = _text(values, "last_name")
    if not emails or not last_name:
        return None
    candidates = (
        api.queryset(user, "view", ["last_name", "email1", "email2", "account_name"])
        .filter(Q(email1__in=emails) | Q(email2__in=emails), last_name=last_name)
        .order_by("date_entered", "pk")
    )
    account_name = _text(values, "account_name")
    for contact in candidates:
        if contact.last_name != last_name:  # a database comparing without case found it
            continue
        if not account_name or (contact.account and contact.account.name == account_name):
            return contact
    return None
