"""SuiteCRM's modules and attributes on Kontor's record types: the one table the V8 JSON:API and
the v4_1 REST API serve, so both answer a SuiteCRM client with the same names and values.

Interface (for the endpoints of both APIs):

- `api_module(name) -> ApiModule | None`: by SuiteCRM module name ("Leads") or object name
  ("Lead"); `api_modules()`: all, in the table's order; `for_model(model)`.
- `ApiModule`: `.name` (module name), `.object_name` ("Lead", V8's `type`), `.module` (the
  Kontor registry module; None for Users, which are no record type), `.model`, `.attributes`
  (ordered dict SuiteCRM name → Attribute, Studio's custom fields last, as "<name>_c"),
  `.suitecrm_id(record, prepared=None) -> str`, `.kontor_pk(suitecrm_id)`,
  `.find(user, suitecrm_id, action="view") -> record | None` (through the permission filter:
  hidden is None), `.queryset(user, action="list", names=None, deleted=False)` (the
  permission filter, the select_related the attributes `names` need, and the custom fields'
  SQL aliases), `.row_columns(names)` (the columns for reading a list as plain values, a
  `references.Row` per record, which every attribute reads like a record), and
  `.prepare(records, user) -> dict` (what `.get` needs from other rows, in a fixed number of
  queries: SuiteCRM ids of migrated users (shared cache) and records, names of visible
  activity parents).
- `Attribute` (kontor.suiteapi.attributes, kinds in kontor.suiteapi.references, Studio's
  fields in kontor.suiteapi.custom, Users in kontor.suiteapi.users, a note's file in
  kontor.suiteapi.notes): `.name`,
  `.field` (ORM path for filter and order_by; None when not filterable), `.type` (SuiteCRM
  vardef type), `.read_only`, `.api_visible` (False: hidden by V8), `.required`, `.len`,
  `.options`, `.get(record, prepared)` (Python value), `.text(record, prepared)` (SuiteCRM's
  string: "" for empty, "1"/"0", UTC "Y-m-d H:i:s"), `.condition(op, raw) -> Q` (SuiteCRM's
  eq, neq, gt, gte, lt, lte, like; ValueError when not filterable by that operator), and
  `.set(record, raw, user)` (writes a SuiteCRM value onto an unsaved record; ValidationError
  keyed by the SuiteCRM name). Save the record with `kontor.core.actions.save_record`.

Record ids: a migrated record answers under its SuiteCRM id, which is its Kontor id when
UUID-shaped; otherwise SuiteCRM's id is in `core.ExternalId` (source "suitecrm"). Such records
have name-based (version 5) UUIDs, so only those are looked up.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models as dj

from kontor.core import config, permissions, registry
from kontor.core.fields import DropdownField, LowerEmailField, PhoneField
from kontor.core.models import Record
from kontor.suiteapi import currencies, notes
from kontor.suiteapi.attributes import Attribute
from kontor.suiteapi.references import (
    PERSON_NAME,
    RECORD_NAME,
    USER_NAME,
    Computed,
    Custom,
    DurationPart,
    ParentId,
    ParentType,
    RecordRef,
    RelatedName,
    UserRef,
    custom_name,
    custom_type,
    derived_ids,
    directory,
    kontor_uuid,
    parent_name,
    record_suitecrm_id,
    user_ids,
    user_name,  # noqa: F401 - importable from here, as before
    user_pk,
)
from kontor.suiteapi.users import user_attributes, visible_users


def _full_name(record, prepared):
    return " ".join(p for p in (record.first_name, record.last_name) if p)


def _type_of(f) -> str:
    if isinstance(f, DropdownField):
        return "enum"
    if isinstance(f, LowerEmailField):
        return "email"
    if isinstance(f, PhoneField):
        return "phone"
    if isinstance(f, dj.URLField):
        return "url"
    if isinstance(f, dj.BooleanField):
        return "bool"
    if isinstance(f, dj.DateTimeField):
        return "datetimecombo" if f.name in ("date_start", "date_due") else "datetime"
    if isinstance(f, dj.DateField):
        return "date"
    if isinstance(f, dj.DecimalField):
        return "currency"
    if isinstance(f, dj.IntegerField):
        return "int"
    if isinstance(f, dj.FileField):
        return "file"
    if isinstance(f, dj.TextField):
        return "text"
    if isinstance(f, dj.UUIDField):
        return "id"  # SuiteCRM's type of its char(36) id columns (repeat_parent_id …)
    return "varchar"


def _from_field(f) -> Attribute:
    """An attribute identical to the Kontor field `f` (SuiteCRM's name and key)."""
    return Attribute(
        f.name,
        f.name,
        type="name" if f.name == "name" else _type_of(f),
        read_only=not f.editable or isinstance(f, dj.FileField),
        required=not f.blank and not isinstance(f, dj.BooleanField),
        len=getattr(f, "max_length", None),
        options=getattr(f, "dropdown", ""),
    )


def _common_head(person: bool) -> list[Attribute]:
    """The `basic` and `assignable` attributes every SuiteCRM module starts with."""
    name = (
        Computed("name", None, type="name", read_only=True, compute=_full_name) if person else None
    )
    return [
        *([name] if name else []),
        Attribute("date_entered", "date_entered", type="datetime", read_only=True),
        Attribute("date_modified", "date_modified", type="datetime", read_only=True),
        UserRef("modified_user_id", "modified_by", read_only=True),
        RelatedName("modified_by_name", None, select=("modified_by",), path="modified_by"),
        UserRef("created_by", "created_by", read_only=True),
        RelatedName("created_by_name", None, select=("created_by",), path="created_by"),
        Attribute("deleted", "deleted", type="bool", read_only=True),
        UserRef("assigned_user_id", "assigned_user"),
        RelatedName("assigned_user_name", None, select=("assigned_user",), path="assigned_user"),
    ]


def ref(name: str, fk: str, target: str, *, read_only=False) -> Attribute:
    return RecordRef(name, fk, target=target, read_only=read_only)


def ref_name(name: str, fk: str, name_of=RECORD_NAME) -> Attribute:
    return RelatedName(name, None, select=(fk,), path=fk, name_of=name_of)


#: Extras per module: attributes that are not a Kontor field of the same name
_PERSON = (Computed("full_name", None, type="fullname", read_only=True, compute=_full_name),)
_ACTIVITY = (
    ParentType("parent_type", None),
    ParentId("parent_id", "parent_id"),
    Computed("parent_name", None, type="parent", read_only=True, compute=parent_name),
)
_DURATION = (
    DurationPart("duration_hours", None, hours=True),
    DurationPart("duration_minutes", None),
)
EXTRAS = {
    "Leads": (
        *_PERSON,
        ref("account_id", "account", "Accounts", read_only=True),
        ref("contact_id", "contact", "Contacts", read_only=True),
        ref("opportunity_id", "opportunity", "Opportunities", read_only=True),
        Attribute("converted", "converted", type="bool", read_only=True),
    ),
    "Contacts": (
        *_PERSON,
        ref("account_id", "account", "Accounts"),
        ref_name("account_name", "account"),
        ref("reports_to_id", "reports_to", "Contacts"),
        ref_name("report_to_name", "reports_to", PERSON_NAME),
    ),
    "Prospects": (*_PERSON, ref("lead_id", "lead", "Leads", read_only=True)),
    "Accounts": (ref("parent_id", "parent", "Accounts"), ref_name("parent_name", "parent")),
    "Opportunities": (
        ref("account_id", "account", "Accounts"),
        ref_name("account_name", "account"),
        *currencies.attributes(),
    ),
    "Calls": (*_ACTIVITY, *_DURATION),
    "Meetings": (*_ACTIVITY, *_DURATION),
    "Tasks": (
        *_ACTIVITY,
        ref("contact_id", "contact", "Contacts"),
        ref_name("contact_name", "contact", PERSON_NAME),
    ),
    "Notes": (
        *_ACTIVITY,
        ref("contact_id", "contact", "Contacts"),
        ref_name("contact_name", "contact", PERSON_NAME),
        *notes.attributes(),
    ),
}
#: Kontor fields that SuiteCRM's clients do not see: bookkeeping, or served through an extra
_SKIPPED = {
    *Record.AUDIT_EXCLUDE,
    "assigned_user",
    "custom",
    "deleted_at",
    "parent_type",
    "parent_id",
    "duration_minutes",
}


@dataclass
class ApiModule:
    """One SuiteCRM module on one Kontor record type (see the module docstring)."""

    name: str
    object_name: str
    #: the Kontor registry slug (None for Users)
    slug: str | None
    person: bool = False
    fixed: dict = field(default_factory=dict, repr=False)

    @property
    def module(self):
        return registry.get(self.slug) if self.slug else None

    @property
    def model(self):
        return self.module.model if self.slug else get_user_model()

    @property
    def attributes(self) -> dict[str, Attribute]:
        """Every attribute, Studio's custom fields (as configured now) last."""
        if not self.fixed:
            self.fixed.update(self._build())
        if not self.slug:
            return dict(self.fixed)
        customs = {}
        for definition in config.custom_fields(self.model):
            name = custom_name(definition)
            customs[name] = Custom(
                name,
                f"custom_{definition.name}",
                type=custom_type(definition),
                required=definition.required,
                options=definition.dropdown,
                definition=definition,
            )
        return {**self.fixed, **customs}

    def _build(self) -> dict[str, Attribute]:
        if not self.slug:
            return {a.name: a for a in user_attributes()}
        own = [
            _from_field(f)
            for f in self.model._meta.concrete_fields
            if f.name not in _SKIPPED and f.editable and not f.is_relation
        ]
        # SuiteCRM's order: the name, the bookkeeping, the description, the module's own
        first = [a for a in own if a.name == "name"]
        description = [a for a in own if a.name == "description"]
        own = [a for a in own if a.name not in ("name", "description")]
        found = [*first, *_common_head(self.person), *description, *own]
        found += EXTRAS.get(self.name, ())
        return {a.name: a for a in found}

    # --- ids ---------------------------------------------------------------------------------
    def suitecrm_id(self, record, prepared: dict | None = None) -> str:
        """The id SuiteCRM's clients know `record` by."""
        if not self.slug:
            known = user_ids([record.pk]) if prepared is None else prepared.get("users", {})
            return known.get(record.pk, str(record.pk))
        return record_suitecrm_id(record.pk, prepared)

    def kontor_pk(self, suitecrm_id):
        """The Kontor primary key of a SuiteCRM id of this module (None: no such id)."""
        return user_pk(suitecrm_id) if not self.slug else kontor_uuid(suitecrm_id)

    # --- reading -----------------------------------------------------------------------------
    def queryset(self, user, action: str = "list", names=None, *, deleted: bool = False):
        """The records `user` may `action`, with what the attributes `names` (all when None)
        read of related rows, and the custom fields' SQL expressions for filter and sort;
        `deleted`: the records in the trash instead, for those who may delete them (who may
        empty or restore the trash sees it, as on Kontor's own pages and API). Users: those
        `user` may read (kontor.suiteapi.users.visible_users)."""
        attributes = self.attributes
        chosen = [attributes[n] for n in (names or attributes) if n in attributes]
        selects = sorted({s for a in chosen for s in a.select})
        if not self.slug:
            return visible_users(user)
        if deleted:
            manager, action = self.model.with_deleted.filter(deleted=True), "delete"
        else:
            manager = self.model.objects
        queryset = manager.visible_to(user, action).select_related(*selects)
        aliases = {
            a.field: a.definition.expression() for a in attributes.values() if isinstance(a, Custom)
        }
        return queryset.alias(**aliases) if aliases else queryset

    def row_columns(self, names=None) -> list[str]:
        """The columns a list reads as plain values (a `Row` per record) to show the
        attributes `names` (all when None): every column but the search text, and the
        names of related records and users. Building model instances of sixty fields and
        their related users cost a list of a hundred rows more than its query."""
        attributes = self.attributes
        chosen = [attributes[n] for n in (names or attributes) if n in attributes]
        concrete = self.model._meta.concrete_fields
        columns = ["pk", *(f.attname for f in concrete if f.name != "search_text")]
        columns += [c for a in chosen if isinstance(a, RelatedName) for c in a.columns]
        return list(dict.fromkeys(columns))

    def find(self, user, suitecrm_id, action: str = "view"):
        """The record of `suitecrm_id` if `user` may `action` it; None when it is missing or
        hidden (the caller answers both the same way)."""
        pk = self.kontor_pk(suitecrm_id)
        if pk is None:
            return None
        return self.queryset(user, action).filter(pk=pk).first()

    def prepare(self, records, user) -> dict:
        """What `.get` and `.suitecrm_id` read of other rows for `records`, loaded at once:
        migrated users' ids (from the shared cache; one query a minute), one query for
        derived record ids (only when a page has any), one per activity parent type."""
        records = list(records)
        prepared: dict = {"users": {}, "ids": {}, "parents": {}, "hidden": {}}
        if not records:
            return prepared
        if not self.slug:
            prepared["users"] = user_ids(r.pk for r in records)
            return prepared
        fks = [a.field for a in self.fixed.values() if isinstance(a, UserRef)]
        prepared["users"] = user_ids(getattr(r, f"{f}_id") for r in records for f in fks)
        pks = {r.pk for r in records}
        for a in self.fixed.values():
            if isinstance(a, RecordRef | ParentId):
                column = a.field if isinstance(a, ParentId) else f"{a.field}_id"
                pks.update(getattr(r, column) for r in records)
        prepared["ids"] = derived_ids(pks)
        if "parent_type" in self.fixed:
            prepared["parents"] = _parent_names(records, user)
        prepared["hidden"] = self._hidden_names(records, user)
        return prepared

    def _hidden_names(self, records, user) -> dict:
        """Per relate attribute naming a record (an account, a contact): the ids of those
        `user` may not see, whose names are not shown (a name would tell that the record
        exists). No query where the user sees every record of that type."""
        hidden = {}
        for a in self.fixed.values():
            if not isinstance(a, RelatedName) or a.name_of is USER_NAME:
                continue
            related = self.model._meta.get_field(a.path).related_model
            wanted = {getattr(r, f"{a.path}_id") for r in records} - {None}
            if not wanted or permissions.scope(user, "view", related) == "all":
                continue
            seen = related.objects.visible_to(user, "view").filter(pk__in=wanted)
            hidden[a.path] = wanted - set(seen.values_list("pk", flat=True))
        return hidden


def _parent_names(records, user) -> dict:
    by_type: dict = {}
    for r in records:
        if r.parent_id is not None and r.parent_type_id:
            by_type.setdefault(r.parent_type_id, set()).add(r.parent_id)
    names = {}
    for type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or registry.find(model) is None:
            continue
        for parent in model.objects.visible_to(user, "view").filter(pk__in=pks):
            names[parent.pk] = str(parent)
    return names


_TABLE = (
    ApiModule("Leads", "Lead", "leads", person=True),
    ApiModule("Contacts", "Contact", "contacts", person=True),
    ApiModule("Accounts", "Account", "accounts"),
    ApiModule("Opportunities", "Opportunity", "opportunities"),
    ApiModule("Prospects", "Prospect", "targets", person=True),
    ApiModule("Calls", "Call", "calls"),
    ApiModule("Meetings", "Meeting", "meetings"),
    ApiModule("Tasks", "Task", "tasks"),
    ApiModule("Notes", "Note", "notes"),
    ApiModule("Users", "User", None),
)
_BY_NAME = {key: m for m in _TABLE for key in (m.name, m.object_name)}


def api_module(name) -> ApiModule | None:
    """The module of a SuiteCRM module name or object name ("Leads", "Lead")."""
    return _BY_NAME.get(str(name))


def api_modules() -> list[ApiModule]:
    return list(_TABLE)


def for_model(model) -> ApiModule | None:
    """The SuiteCRM module of a Kontor model (None when SuiteCRM's APIs do not serve it)."""
    return next((m for m in _TABLE if m.model is model), None)


directory.use(api_module, for_model)
