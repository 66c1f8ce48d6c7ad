"""SuiteCRM's link fields on Kontor's relations, for the v4_1 link methods and
`link_name_to_fields_array`: which records a record is linked to, and linking and unlinking
through Kontor's actions.

Kinds of link: the related record points here (an account's `contacts`), this record points
there (a contact's `accounts`), a table between the two (an opportunity's `contacts`), the
invitees of calls and meetings (a call's `contacts`, a contact's `calls`), an activity's parent
(an account's `calls`), and a person's or account's
`email_addresses` (Kontor keeps them as `email1`/`email2`). Related records are read through
the related module's permission filter, one query per link and page.
"""

import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from kontor.activities.actions import KINDS, invited, save_with_invitees, set_accept_status
from kontor.activities.models import Call, Meeting, MeetingInvitee
from kontor.core.actions import save_record
from kontor.opportunities.actions import link_contact, unlink_contact
from kontor.opportunities.models import OpportunityContact
from kontor.suiteapi.mapping import ApiModule, api_module
from kontor.suiteapi.v41 import records

# A stable id per address (SuiteCRM shares one email_addresses row per address).
_EMAIL_IDS = uuid.UUID("6f1c8a52-3b7e-4f0c-9a51-2d8e7c4b9f10")
EMAIL_FIELDS = ("id", "email_address", "email_address_caps", "invalid_email", "opt_out")
EMAIL_FIELDS += ("primary_address", "reply_to_address")


class Refused(Exception):
    """The link cannot be changed by this user or for this record (SuiteCRM's `failed`)."""


@dataclass(frozen=True)
class Link:
    related: str
    read_only: bool = False

    @property
    def api(self) -> ApiModule:
        return api_module(self.related)

    def fetch(self, user, rows, names) -> dict:
        """{row pk: [related records]} for `rows`."""
        raise NotImplementedError

    def of(self, record) -> Q:
        """The related module's records linked to `record`."""
        raise NotImplementedError

    def change(self, record, related, *, add: bool, values: dict, actor) -> None:
        raise Refused


@dataclass(frozen=True)
class There(Link):
    """The related records' foreign key `fk` names this record."""

    fk: str = ""

    def fetch(self, user, rows, names):
        found: dict = {}
        visible = records.records(self.api, user, "view", names)
        for other in visible.filter(**{f"{self.fk}__in": [r.pk for r in rows]}):
            found.setdefault(getattr(other, f"{self.fk}_id"), []).append(other)
        return found

    def of(self, record):
        return Q(**{self.fk: record.pk})

    def change(self, record, related, *, add, values, actor):
        if self.read_only or not records.allows(actor, "edit", related):
            raise Refused
        if add or getattr(related, f"{self.fk}_id") == record.pk:
            setattr(related, self.fk, record if add else None)
            save_record(related, actor=actor)


@dataclass(frozen=True)
class Here(Link):
    """This record's foreign key `fk` names the related record."""

    fk: str = ""

    def fetch(self, user, rows, names):
        targets = {getattr(r, f"{self.fk}_id") for r in rows} - {None}
        if not targets:
            return {}
        visible = records.records(self.api, user, "view", names).filter(pk__in=targets)
        by_pk = {other.pk: other for other in visible}
        return {
            r.pk: [by_pk[getattr(r, f"{self.fk}_id")]]
            for r in rows
            if getattr(r, f"{self.fk}_id") in by_pk
        }

    def of(self, record):
        target = getattr(record, f"{self.fk}_id")
        return Q(pk=target) if target is not None else Q(pk__in=[])

    def change(self, record, related, *, add, values, actor):
        if self.read_only or not records.allows(actor, "edit", record):
            raise Refused
        if add or getattr(record, f"{self.fk}_id") == related.pk:
            setattr(record, self.fk, related if add else None)
            save_record(record, actor=actor)


@dataclass(frozen=True)
class Between(Link):
    """A table `through` between this record (`own`) and the related one (`other`)."""

    through: type = None
    own: str = ""
    other: str = ""

    def fetch(self, user, rows, names):
        pairs = self.through.objects.filter(**{f"{self.own}_id__in": [r.pk for r in rows]})
        pairs = [(a, b) for a, b in pairs.values_list(f"{self.own}_id", f"{self.other}_id") if b]
        if not pairs:
            return {}
        visible = records.records(self.api, user, "view", names)
        by_pk = {o.pk: o for o in visible.filter(pk__in={b for _a, b in pairs})}
        found: dict = {}
        for a, b in pairs:
            if b in by_pk:
                found.setdefault(a, []).append(by_pk[b])
        return found

    def of(self, record):
        pairs = self.through.objects.filter(**{self.own: record.pk})
        return Q(pk__in=pairs.values(f"{self.other}_id"))

    def change(self, record, related, *, add, values, actor):
        if self.read_only or self.through is not OpportunityContact:
            raise Refused
        opportunity, contact = (record, related) if self.own == "opportunity" else (related, record)
        if not records.allows(actor, "edit", opportunity):
            raise Refused
        if add:
            link_contact(opportunity, contact, str(values.get("contact_role") or ""), actor=actor)
        else:
            unlink_contact(opportunity, contact, actor=actor)


@dataclass(frozen=True)
class Invitees(Between):
    """Who is invited to a call or meeting, from either side (the activity's `contacts`, a
    contact's `calls`); written through the activities' save_with_invitees, a meeting's
    answer from name_value_list's `accept_status`."""

    def change(self, record, related, *, add, values, actor):
        from_activity = self.own in ("call", "meeting")
        activity, person = (record, related) if from_activity else (related, record)
        if not records.allows(actor, "edit", activity):
            raise Refused
        kind = next(k for k, fk in KINDS if fk == (self.other if from_activity else self.own))
        lists = invited(activity)
        others = [p for p in lists[kind] if p.pk != person.pk]
        lists[kind] = [*others, person] if add else others
        save_with_invitees(activity, **lists, actor=actor)
        status = values.get("accept_status")
        if add and status and isinstance(activity, Meeting):
            fk = dict((k, f) for k, f in KINDS)[kind]
            row = activity.invitees.get(**{fk: person})
            set_accept_status(activity, row, str(status), actor=actor)


@dataclass(frozen=True)
class Children(Link):
    """Activities whose parent is this record."""

    def fetch(self, user, rows, names):
        if not rows:
            return {}
        kind = ContentType.objects.get_for_model(type(rows[0]))
        visible = records.records(self.api, user, "view", names)
        found: dict = {}
        for other in visible.filter(parent_type=kind, parent_id__in=[r.pk for r in rows]):
            found.setdefault(other.parent_id, []).append(other)
        return found

    def of(self, record):
        return Q(parent_type=ContentType.objects.get_for_model(type(record)), parent_id=record.pk)

    def change(self, record, related, *, add, values, actor):
        if not records.allows(actor, "edit", related):
            raise Refused
        kind = ContentType.objects.get_for_model(type(record))
        if add:
            related.parent_type, related.parent_id = kind, record.pk
        elif related.parent_type_id == kind.pk and related.parent_id == record.pk:
            related.parent_type, related.parent_id = None, None
        save_record(related, actor=actor)


@dataclass(frozen=True)
class Emails(Link):
    """The addresses of a person or account, as SuiteCRM's email_addresses rows."""

    related: str = ""
    read_only: bool = True

    def fetch(self, user, rows, names):
        return {r.pk: _addresses(r) for r in rows}


def _addresses(record) -> list[dict]:
    rows = []
    for field, primary in (("email1", "1"), ("email2", "0")):
        address = getattr(record, field, "") or ""
        if not address:
            continue
        rows.append(
            {
                "id": str(uuid.uuid5(_EMAIL_IDS, address.lower())),
                "email_address": address,
                "email_address_caps": address.upper(),
                "invalid_email": "1" if getattr(record, "invalid_email", False) else "0",
                "opt_out": "1" if getattr(record, "email_opt_out", False) else "0",
                "primary_address": primary,
                "reply_to_address": "0",
            }
        )
    return rows


_ACTIVITIES = {name.lower(): Children(name) for name in ("Calls", "Meetings", "Tasks", "Notes")}
_INVITEES = {
    "Calls": {
        "contacts": Invitees("Contacts", False, Call.contacts.through, "call", "contact"),
        "leads": Invitees("Leads", False, Call.leads.through, "call", "lead"),
        "users": Invitees("Users", False, Call.users.through, "call", "user"),
    },
    "Meetings": {
        name.lower(): Invitees(name, False, MeetingInvitee, "meeting", field)
        for name, field in (("Contacts", "contact"), ("Leads", "lead"), ("Users", "user"))
    },
}
# A contact's calls and meetings are those it is invited to (SuiteCRM's calls_contacts and
# meetings_contacts); its tasks and notes name it in contact_id.
_CONTACT_ACTIVITIES = {
    "calls": Invitees("Calls", False, Call.contacts.through, "contact", "call"),
    "meetings": Invitees("Meetings", False, MeetingInvitee, "contact", "meeting"),
    "tasks": There("Tasks", fk="contact"),
    "notes": There("Notes", fk="contact"),
}
LINKS: dict[str, dict[str, Link]] = {
    "Accounts": {
        "contacts": There("Contacts", fk="account"),
        "opportunities": There("Opportunities", fk="account"),
        "leads": There("Leads", True, fk="account"),
        "members": There("Accounts", fk="parent"),
        "member_of": Here("Accounts", fk="parent"),
        "email_addresses": Emails(),
        **_ACTIVITIES,
    },
    "Contacts": {
        "accounts": Here("Accounts", fk="account"),
        "opportunities": Between(
            "Opportunities", False, OpportunityContact, "contact", "opportunity"
        ),
        "direct_reports": There("Contacts", fk="reports_to"),
        "reports_to_link": Here("Contacts", fk="reports_to"),
        "leads": There("Leads", True, fk="contact"),
        "email_addresses": Emails(),
        **_CONTACT_ACTIVITIES,
    },
    "Opportunities": {
        "accounts": Here("Accounts", fk="account"),
        "contacts": Between("Contacts", False, OpportunityContact, "opportunity", "contact"),
        "leads": There("Leads", True, fk="opportunity"),
        **_ACTIVITIES,
    },
    "Leads": {"email_addresses": Emails(), **_ACTIVITIES},
    "Prospects": {"email_addresses": Emails()},
    **_INVITEES,
}


def link_of(api: ApiModule, name) -> Link | None:
    return LINKS.get(api.name, {}).get(name) if isinstance(name, str) else None


def requested(api: ApiModule, link_name_to_fields_array) -> list[tuple[str, list[str]]]:
    """(link name, field names) of each known link a client asks for; others are skipped."""
    if not isinstance(link_name_to_fields_array, list | dict):
        return []
    asked = link_name_to_fields_array
    asked = asked.values() if isinstance(asked, dict) else asked
    found = []
    for item in asked:
        if not isinstance(item, dict) or link_of(api, item.get("name")) is None:
            continue
        fields = item.get("value")
        fields = [str(f) for f in fields if isinstance(f, str)] if isinstance(fields, list) else []
        found.append((item["name"], fields))
    return found


def link_lists(api: ApiModule, user, rows, wanted) -> list[list[tuple[str, list[dict]]]]:
    """Per row of `rows`: [(link name, [related record as {field: {name, value}}])]."""
    per_link = []
    for name, fields in wanted:
        link = link_of(api, name)
        if isinstance(link, Emails):
            chosen = [f for f in fields if f in EMAIL_FIELDS] or list(EMAIL_FIELDS)
            found = link.fetch(user, rows, chosen)
            shaped = {
                pk: [{f: {"name": f, "value": a[f]} for f in chosen} for a in addresses]
                for pk, addresses in found.items()
            }
        else:
            chosen = [f for f in records.chosen(link.api, fields) if fields]
            chosen = chosen or ["id"]
            found = link.fetch(user, rows, chosen)
            others = [o for group in found.values() for o in group]
            prepared = link.api.prepare(others, user)
            shaped = {
                pk: [
                    e["name_value_list"] for e in records.entries(link.api, group, prepared, chosen)
                ]
                for pk, group in found.items()
            }
        per_link.append((name, shaped))
    return [[(name, shaped.get(r.pk, [])) for name, shaped in per_link] for r in rows]
