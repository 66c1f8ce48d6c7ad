"""SuiteCRM's link fields on Kontor's relations, for the V8 relationship routes: which records
a link reaches (through the permission filter) and how linking and unlinking write, always
through an action (save_record, the opportunity's contact verbs, the activities' invitees).

Kinds of link: "own" (the source record's foreign key `field` names the related record),
"their" (the related records' foreign key `field` names the source), "parent" (activities
hanging off the source), "opportunity_contacts" / "contact_opportunities" (an opportunity's
contacts, from either side) and "invitees" (a call's or meeting's invited `field`: users,
contacts or leads). A link with `writable=False` is kept by a verb of its own (a lead's
conversion links) and is only read here.
"""

import functools
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from kontor.activities.actions import invited, save_with_invitees
from kontor.core.actions import save_record
from kontor.opportunities.actions import link_contact, unlink_contact


@dataclass(frozen=True)
class Link:
    name: str
    module: str
    kind: str
    field: str = ""
    writable: bool = True


def _activities() -> tuple[Link, ...]:
    return tuple(
        Link(name, name.capitalize(), "parent") for name in ("calls", "meetings", "tasks", "notes")
    )


def _invitees() -> tuple[Link, ...]:
    return (
        Link("contacts", "Contacts", "invitees", "contacts"),
        Link("leads", "Leads", "invitees", "leads"),
        Link("users", "Users", "invitees", "users"),
    )


LINKS: dict[str, tuple[Link, ...]] = {
    "Accounts": (
        Link("contacts", "Contacts", "their", "account"),
        Link("opportunities", "Opportunities", "their", "account"),
        Link("leads", "Leads", "their", "account", writable=False),
        Link("members", "Accounts", "their", "parent"),
        Link("member_of", "Accounts", "own", "parent"),
        *_activities(),
    ),
    "Contacts": (
        Link("accounts", "Accounts", "own", "account"),
        Link("opportunities", "Opportunities", "contact_opportunities"),
        Link("leads", "Leads", "their", "contact", writable=False),
        *_activities(),
        Link("reports_to_link", "Contacts", "own", "reports_to"),
        Link("direct_reports", "Contacts", "their", "reports_to"),
    ),
    "Leads": (
        *_activities(),
        Link("contact", "Contacts", "own", "contact", writable=False),
        Link("accounts", "Accounts", "own", "account", writable=False),
        Link("opportunity", "Opportunities", "own", "opportunity", writable=False),
    ),
    "Opportunities": (
        Link("accounts", "Accounts", "own", "account"),
        Link("contacts", "Contacts", "opportunity_contacts"),
        *_activities(),
        Link("leads", "Leads", "their", "opportunity", writable=False),
    ),
    "Prospects": _activities(),
    "Calls": _invitees(),
    "Meetings": _invitees(),
    "Tasks": (Link("contacts", "Contacts", "own", "contact"),),
    "Notes": (Link("contact", "Contacts", "own", "contact"),),
    "Users": (),
}


def link(module_name: str, name: str) -> Link | None:
    return next((li for li in LINKS.get(module_name, ()) if li.name == name), None)


@functools.cache
def first_links(module_name: str) -> tuple[tuple[str, str], ...]:
    """(related module, link) for each related module, by module name: SuiteCRM lists one
    link per related module in a record's relationships."""
    seen: dict[str, str] = {}
    for li in sorted(LINKS.get(module_name, ()), key=lambda li: li.module):
        seen.setdefault(li.module, li.name)
    return tuple(seen.items())


def between(module_name: str, related_name: str) -> Link | None:
    """The first link from one module to another (the route without a link name)."""
    return next((li for li in LINKS.get(module_name, ()) if li.module == related_name), None)


def related(li: Link, source, queryset):
    """The records of `queryset` (the related module's, already permission-filtered) that
    `li` reaches from `source`."""
    if li.kind == "own":
        return queryset.filter(pk=getattr(source, f"{li.field}_id"))
    if li.kind == "their":
        return queryset.filter(**{f"{li.field}_id": source.pk})
    if li.kind == "parent":
        return queryset.filter(
            parent_type=ContentType.objects.get_for_model(type(source)), parent_id=source.pk
        )
    if li.kind == "opportunity_contacts":
        return queryset.filter(opportunities=source.pk)
    if li.kind == "contact_opportunities":
        return queryset.filter(contacts=source.pk)
    return queryset.filter(pk__in=[r.pk for r in invited(source)[li.field]])


def add(li: Link, source, target, *, actor) -> None:
    """Link `target` to `source` through `li` (both checked editable by the caller)."""
    _write(li, source, target, True, actor=actor)


def remove(li: Link, source, target, *, actor) -> None:
    _write(li, source, target, False, actor=actor)


def _write(li: Link, source, target, on: bool, *, actor) -> None:
    if li.kind == "own":
        setattr(source, li.field, target if on else None)
        save_record(source, actor=actor)
    elif li.kind == "their":
        setattr(target, li.field, source if on else None)
        save_record(target, actor=actor)
    elif li.kind == "parent":
        ct = ContentType.objects.get_for_model(type(source))
        target.parent_type, target.parent_id = (ct, source.pk) if on else (None, None)
        save_record(target, actor=actor)
    elif li.kind in ("opportunity_contacts", "contact_opportunities"):
        opportunity, contact = (
            (source, target) if li.kind == "opportunity_contacts" else (target, source)
        )
        if on:
            link_contact(opportunity, contact, actor=actor)
        else:
            unlink_contact(opportunity, contact, actor=actor)
    else:
        now = invited(source)
        kept = [r for r in now[li.field] if r.pk != target.pk]
        now[li.field] = [*kept, target] if on else kept
        save_with_invitees(source, **now, actor=actor)


def edited_record(li: Link, source, target):
    """The record a link or unlink writes (the caller needs edit rights on it)."""
    if li.kind in ("their", "parent"):
        return target
    if li.kind == "contact_opportunities":
        return target
    return source
