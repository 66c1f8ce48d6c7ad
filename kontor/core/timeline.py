"""The journey timeline of a record page (docs/domain.md §1 and §5).

For whoever opens a record: one list, newest first, of what happened to it (change log: created,
field changes, trash, restore, conversion; its calls, meetings, tasks and notes) and to the
records it came from: a contact shows the whole history of its source leads and their targets, a
lead that of its target, an account or opportunity the conversion of the leads that became it.
Read by the detail page (records/_timeline.html, banners) and the API (kontor/api/timeline.py).

Cost: a fixed number of queries however many events: the chain (a query per link), one change-log
query over all of it with a LIMIT, one or two per activity type, one per record type the events
name. All go through the permission filter: a record the user may not see, or in the trash,
contributes nothing.
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, UUIDField, Value
from django.db.models.functions import Coalesce
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kontor.core import config, origins, registry
from kontor.core.models import ChangeLog
from kontor.core.records import tables

#: Leads of one account or opportunity whose conversions the page shows, at most.
MAX_SOURCE_LEADS = 50
#: "leads:<uuid>": how conversion rows name the records they link (kontor.conversion.actions.ref);
#: a lead's row lists what it became ("contacts:<id> accounts:<id> …") as its new value.
REF = re.compile(r"([a-z_]+):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
#: What an activity event reads: the rest stays in the database.
ACTIVITY_COLUMNS = (
    "name",
    "description",
    "status",
    "date_start",
    "date_due",
    "date_entered",
    "parent_type",
    "parent_id",
    "assigned_user__username",
    "assigned_user__first_name",
    "assigned_user__last_name",
)
PLACEHOLDER = uuid.UUID(int=0)  # a detail URL is reversed once per module, then filled in
ICONS = {
    "create": "plus-circle",
    "update": "pencil",
    "delete": "trash",
    "restore": "arrow-counterclockwise",
    "convert": "arrow-left-right",
}


def _record_phrase(module, name) -> str:
    """'contact Anna Schmidt': a record named in a sentence (German nouns keep their case)."""
    phrases = {
        "targets": _("target %(name)s"),
        "leads": _("lead %(name)s"),
        "contacts": _("contact %(name)s"),
        "accounts": _("account %(name)s"),
        "opportunities": _("opportunity %(name)s"),
    }
    pattern = phrases.get(module.slug) or f"{module.verbose_name} %(name)s"
    return mark_safe(escape(pattern) % {"name": name})


def _activity_pattern(slug: str, status: str) -> str:
    """The sentence of an activity event, by type and status ("Call held: %(name)s")."""
    if slug in ("calls", "meetings"):
        call = slug == "calls"
        if status == "Held":
            return _("Call held: %(name)s") if call else _("Meeting held: %(name)s")
        if status == "Not Held":
            return _("Call not held: %(name)s") if call else _("Meeting not held: %(name)s")
        return _("Call planned: %(name)s") if call else _("Meeting planned: %(name)s")
    return {
        ("tasks", "Completed"): _("Task completed: %(name)s"),
        ("tasks", "Deferred"): _("Task deferred: %(name)s"),
    }.get((slug, status)) or {"tasks": _("Task: %(name)s"), "notes": _("Note: %(name)s")}.get(
        slug, "%(name)s"
    )


@dataclass
class Event:
    """One line of the timeline. `text` is safe HTML (links included); `owner` is the record of
    the chain it belongs to when that is not the page's own record, `tag` that record's type."""

    at: datetime
    kind: str  # create, update, delete, restore, convert, or an activity module's slug
    icon: str
    text: str = ""
    actor: str = ""
    url: str = ""
    status: str = ""
    origin: str = ""  # the import, job or web form that made the change
    origin_url: str = ""
    changes: list = field(default_factory=list)  # [{"label", "old", "new", "entry"}]
    entries: list = field(default_factory=list)  # the ChangeLog rows of the event
    record: object = None  # the activity (ACTIVITY_COLUMNS loaded)
    is_open: bool = False
    owner: object = None
    tag: str = ""
    owner_url: str = ""


@dataclass
class Journey:
    """A record and the records whose history belongs on its page, all visible to the user.

    `members` maps (model, pk) to the record and whether its whole history shows (True) or only
    its conversion (False); the page's own record is always a whole member.
    """

    record: object
    user: object
    members: dict = field(default_factory=dict)
    leads: list = field(default_factory=list)  # source leads, newest conversion first
    targets: list = field(default_factory=list)  # their source targets

    @classmethod
    def of(cls, record, user, *, visible: bool = False) -> "Journey":
        """Collect the chain, a query per link; `visible=True` when the caller loaded `record`
        through the permission filter already (the detail view)."""
        journey, model = cls(record, user), type(record)
        if not visible and not model.objects.visible_to(user, "view").filter(pk=record.pk).exists():
            return journey  # no members: not even the record's own events
        journey.members[(model, record.pk)] = (record, True)
        lead_model = apps.get_model("leads", "Lead")
        label, leads, whole = model._meta.label_lower, [], True
        link = {
            "contacts.contact": "contact",
            "opportunities.opportunity": "opportunity",
            "accounts.account": "account",
        }.get(label)
        if link:
            leads = lead_model.objects.visible_to(user, "view").filter(**{link: record})
            if link == "account":
                leads = leads.filter(converted=True)
            leads = list(leads.order_by("-converted_at", "-pk")[:MAX_SOURCE_LEADS])
            whole = link == "contact"  # accounts and opportunities: the conversion only
        journey.leads = leads
        journey.targets = _source_targets(user, [record] if label == "leads.lead" else leads)
        for other in leads:
            journey.members[(lead_model, other.pk)] = (other, whole)
        for other in journey.targets if whole else ():  # an account's banner names them only
            journey.members[(type(other), other.pk)] = (other, True)
        return journey

    def ids(self, model) -> list:
        """The ids of the members of `model` whose whole history shows."""
        return [pk for (m, pk), (_r, whole) in self.members.items() if m is model and whole]


def _source_targets(user, leads) -> list:
    """The visible targets the leads came from (a conversion links both ways, the lead's link is
    enough); no query when none came from a target."""
    ids = [lead.target_id for lead in leads if lead.target_id]
    if not ids:
        return []
    return list(
        apps.get_model("targets", "Target")
        .objects.visible_to(user, "view")
        .filter(pk__in=ids)
        .order_by("-date_entered", "-pk")[:MAX_SOURCE_LEADS]
    )


def timeline(record, user, limit: int = 100, *, journey: Journey | None = None) -> list[Event]:
    """The newest `limit` events of `record`'s page for `user`, newest first."""
    journey = journey or Journey.of(record, user)
    if not journey.members:
        return []
    # The newest `limit` of both sources, cut before any event is worked out.
    merged = [(group[-1].at, group) for group in _groups(_changelog_rows(journey, limit))] + [
        (_time_of(pair[0]), pair) for pair in _activities(journey, limit)
    ]
    merged.sort(key=lambda pair: pair[0], reverse=True)  # stable: same-time rows keep order
    merged = [item for _at, item in merged[:limit]]
    names = _Names(journey)
    for group in merged:
        if isinstance(group, list):
            names.want(group)
    names.resolve()
    events = [
        _changelog_event(journey, item, names)
        if isinstance(item, list)
        else _activity_event(*item, names)
        for item in merged
    ]
    page = (type(record), record.pk)
    for event in filter(None, events):  # a chain record's event is tagged, e.g. "Interessent"
        if event.owner is not None and (type(event.owner), event.owner.pk) != page:
            module = registry.for_model(type(event.owner))
            event.tag, event.owner_url = str(module.verbose_name), names.url(module, event.owner.pk)
        else:
            event.owner = None
    return [event for event in events if event is not None]


# --- the change log -------------------------------------------------------------------------


def _changelog_rows(journey: Journey, limit: int) -> list[ChangeLog]:
    """One query: the newest rows of every member, whole histories and conversions only."""
    condition, by_model = Q(), {}
    for (model, pk), (_record, whole) in journey.members.items():
        by_model.setdefault((model, whole), []).append(pk)
    for (model, whole), ids in by_model.items():
        part = Q(record_type=ContentType.objects.get_for_model(model), record_id__in=ids)
        condition |= part if whole else part & Q(action=ChangeLog.Action.CONVERT)
    return list(
        ChangeLog.objects.filter(condition).select_related("actor").order_by("-at", "-id")[:limit]
    )


def _groups(rows) -> list[list[ChangeLog]]:
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


def _changelog_event(journey: Journey, group, names: "_Names") -> Event | None:
    """The event of a group of change-log rows, owned by its member record."""
    row = group[-1]
    model = ContentType.objects.get_for_id(row.record_type_id).model_class()
    owner, whole = journey.members[(model, row.record_id)]
    module = registry.for_model(model)
    if row.action == ChangeLog.Action.UPDATE:
        event = Event(
            row.at, "update", ICONS["update"], changes=[_change(module, r, names) for r in group]
        )
    elif row.action == ChangeLog.Action.CONVERT:
        event = _conversion_event(row, names, whole)
        if event is None:
            return None
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
    event.actor = tables.user_label(row.actor) or _("System")
    return event


def _conversion_event(row, names: "_Names", whole: bool) -> Event | None:
    """'Converted to contact Anna Schmidt, account …' or 'Converted from lead …'.

    The "from" side is left out when the page shows the source's own conversion row, and of a
    member shown for its conversion only (an account's lead) only the "to" side shows.
    """
    sources, results = REF.findall(row.old_value), REF.findall(row.new_value)
    if not results and (not whole or sources and all(map(names.is_member, sources))):
        return None
    parts = []
    for pattern, refs in (
        (_("Converted from %(records)s"), sources),
        (_("Converted to %(records)s"), results),
    ):
        linked = [item for item in map(names.link, dict.fromkeys(refs)) if item]
        if linked:
            parts.append(mark_safe(escape(pattern) % {"records": mark_safe(", ".join(linked))}))
    text = mark_safe("; ".join(parts)) if parts else escape(_("Converted"))
    return Event(row.at, "convert", ICONS["convert"], text)


def _change(module, row, names: "_Names") -> dict:
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
        "label": model_field.verbose_name,
        "entry": row,
        "old": _value(model_field, row.old_value, names),
        "new": _value(model_field, row.new_value, names),
    }


def _value(model_field, text: str, names: "_Names") -> str:
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


def _model(slug: str):
    """The model of a module slug ("contacts"), None for one no module has (any more)."""
    try:
        return registry.get(slug).model
    except KeyError:
        return None


class _Names:
    """The records and users the events name, one query per type; and, for a page of events,
    each detail URL reversed and each dropdown label looked up once."""

    def __init__(self, journey: Journey):
        self.journey, self.wanted, self.memo = journey, {}, {}
        self.found = {(m, str(pk)): rec for (m, pk), (rec, _w) in journey.members.items()}

    def url(self, module, pk) -> str:
        if module not in self.memo:
            self.memo[module] = module.url("detail", PLACEHOLDER)
        return self.memo[module].replace(str(PLACEHOLDER), str(pk))

    def label(self, model_field, value) -> str:
        key = (model_field.dropdown, value)
        if key not in self.memo:
            self.memo[key] = tables.display(model_field, value)
        return self.memo[key]

    def is_member(self, ref) -> bool:
        return any((m, str(pk)) == (_model(ref[0]), ref[1]) for m, pk in self.journey.members)

    def want(self, group) -> None:
        """Note the records a group of rows names: conversion links, changed relations."""
        for row in group:
            if row.action == ChangeLog.Action.CONVERT:
                for slug, pk in REF.findall(f"{row.old_value} {row.new_value}"):
                    if (model := _model(slug)) is not None:
                        self.wanted.setdefault(model, set()).add(pk)
                continue
            model = ContentType.objects.get_for_id(row.record_type_id).model_class()
            try:
                related = model._meta.get_field(row.field).related_model if row.field else None
            except Exception:  # noqa: BLE001 - not a field (any more)
                related = None
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
            return _("(not available)")
        return tables.user_label(rec) if model is get_user_model() else str(rec)

    def link(self, ref) -> str:
        """'contact <a>Anna Schmidt</a>', or "" when the user may not see the record."""
        model = _model(ref[0])
        rec = self.found.get((model, ref[1])) if model else None
        if rec is None:
            return ""
        module = registry.for_model(model)
        return _record_phrase(
            module, format_html('<a href="{}">{}</a>', self.url(module, rec.pk), str(rec))
        )


# --- activities -----------------------------------------------------------------------------


def _activities(journey: Journey, limit: int) -> list[tuple]:
    """(activity, owner) pairs, newest `limit` per query: activities hanging off a whole member,
    tasks and notes of the contact, calls and meetings a member person is invited to. A copy
    made by a conversion counts once (the one on the page's own record wins)."""
    parents, owners, by_pk = Q(), {}, {}
    for (model, pk), (rec, whole) in journey.members.items():
        by_pk[pk] = rec
        if whole and registry.for_model(model).has_activities:
            ct = ContentType.objects.get_for_model(model)
            owners[(ct.pk, pk)] = rec
            parents |= Q(parent_type=ct, parent_id=pk)
    if not owners:
        return []
    contacts = journey.ids(apps.get_model("contacts", "Contact"))
    leads = journey.ids(apps.get_model("leads", "Lead"))
    found: dict = {}
    for module in registry.activity_modules():
        model, label = module.model, module.model._meta.label_lower
        columns = {f.name for f in model._meta.concrete_fields}
        visible = (
            model.objects.visible_to(journey.user, "view")
            .select_related("assigned_user")
            .only(*[c for c in ACTIVITY_COLUMNS if c.split("__")[0] in columns])
        )
        own = parents | Q(contact__in=contacts) if contacts and "contact" in columns else parents
        queries = [visible.filter(own).annotate(via=Value(None, UUIDField()))]
        if label == "activities.call" and contacts:
            queries.append(visible.filter(contacts__in=contacts).annotate(via=F("contacts")))
        if label == "activities.call" and leads:
            queries.append(visible.filter(leads__in=leads).annotate(via=F("leads")))
        if label == "activities.meeting" and (contacts or leads):
            queries.append(
                visible.filter(
                    Q(invitees__contact__in=contacts) | Q(invitees__lead__in=leads)
                ).annotate(via=Coalesce("invitees__lead", "invitees__contact"))
            )
        for queryset in queries:
            for item in queryset.order_by(_when(model).desc(), "-pk")[:limit]:
                owner = owners.get((item.parent_type_id, item.parent_id)) or by_pk.get(
                    item.via, journey.record
                )
                found.setdefault((model, item.pk), (item, owner))
    result, seen = [], set()
    for item, owner in sorted(found.values(), key=lambda pair: pair[1] is not journey.record):
        key = (
            type(item),
            item.name,
            item.description,
            getattr(item, "status", ""),
            getattr(item, "date_start", None),
            getattr(item, "date_due", None),
        )
        if key not in seen:
            seen.add(key)
            result.append((item, owner))
    return result


def _when(model):
    """The time an activity shows at: due (tasks), start (calls, meetings), else created."""
    parts = [
        n for n in ("date_due", "date_start") if n in {f.name for f in model._meta.concrete_fields}
    ]
    return Coalesce(*parts, "date_entered") if parts else F("date_entered")


def _time_of(item) -> datetime:
    return getattr(item, "date_due", None) or getattr(item, "date_start", None) or item.date_entered


def _activity_event(item, owner, names: _Names) -> Event:
    module = registry.for_model(type(item))
    status, url = getattr(item, "status", ""), names.url(module, item.pk)
    name = format_html('<a href="{}">{}</a>', url, item.name)
    text = mark_safe(escape(_activity_pattern(module.slug, status)) % {"name": name})
    shown = names.label(module.model._meta.get_field("status"), status) if status else ""
    return Event(
        _time_of(item),
        module.slug,
        module.icon,
        text,
        url=url,
        status=shown,
        actor=tables.user_label(item.assigned_user),
        record=item,
        is_open=item.is_open,
        owner=owner,
    )
