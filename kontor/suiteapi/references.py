"""Attributes that point at other rows or are computed, for `kontor.suiteapi.mapping`: user ids
and names, ids and names of related records, an activity's parent. Studio's custom fields and
the split meeting duration are in kontor.suiteapi.custom, importable from here as well.

SuiteCRM ids: a migrated user answers under the id SuiteCRM gave it (kept by the migration),
any other user under its Kontor number (V8 accepts numeric ids); a record under its SuiteCRM
id (`ApiModule.suitecrm_id`). Lists load these in a fixed number of queries through
`ApiModule.prepare`, whose result arrives here as `prepared`.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kontor.core.models import ExternalId
from kontor.suiteapi.attributes import (  # noqa: F401 - OPERATORS, like_q, text: as before
    OPERATORS,
    Attribute,
    invalid,
    like_q,
    text,
)
from kontor.suiteapi.custom import (  # noqa: F401 - importable from here, as before
    CUSTOM_TYPES,
    Custom,
    DurationPart,
    custom_name,
    custom_type,
)
from kontor.suitecrm.ids import is_uuid_shaped
from kontor.suitecrm.models import SOURCE, LegacyId

#: The ExternalId source of records migrated from SuiteCRM


class Directory:
    """How attributes find a SuiteCRM module (by name, by Kontor model): the table of
    kontor.suiteapi.mapping fills it in with `use`, so the kinds here need not import it."""

    module: Callable = staticmethod(lambda name: None)
    of_model: Callable = staticmethod(lambda model: None)

    def use(self, module: Callable, of_model: Callable) -> None:
        self.module, self.of_model = module, of_model


directory = Directory()


def kontor_uuid(suitecrm_id) -> uuid.UUID | None:
    """The Kontor id of a record's SuiteCRM id (any module), or None when there is none."""
    raw = str(suitecrm_id or "").strip()
    if is_uuid_shaped(raw):
        return uuid.UUID(raw)
    if not raw or len(raw) > 255:
        return None
    found = ExternalId.objects.filter(source=SOURCE, external_id=raw).values_list(
        "record_id", flat=True
    )
    return next(iter(found), None)


def derived_ids(pks) -> dict:
    """SuiteCRM ids of those of `pks` that a migration derived (name-based, version 5
    UUIDs; other records answer under their Kontor id): one query, none when there are none."""
    derived = [pk for pk in pks if isinstance(pk, uuid.UUID) and pk.version == 5]
    if not derived:
        return {}
    rows = ExternalId.objects.filter(source=SOURCE, record_id__in=derived)
    return {pk: ext for pk, ext in rows.values_list("record_id", "external_id")}


#: Where the SuiteCRM ids of migrated users are kept, and for how long: they change only
#: when a migration runs, and every page of every list names users.
USER_IDS_KEY = "kontor:suiteapi:user-ids"
USER_IDS_SECONDS = 60


def migrated_users() -> dict[int, str]:
    """Kontor pk → SuiteCRM id of every migrated user, from the shared cache (read again a
    minute after it was read: a migration's new users show their SuiteCRM ids by then)."""
    found = cache.get(USER_IDS_KEY)
    if found is None:
        rows = LegacyId.objects.filter(kind="user").values_list("kontor_id", "suitecrm_id")
        found = {int(kontor): suitecrm for kontor, suitecrm in rows if kontor.isdigit()}
        cache.set(USER_IDS_KEY, found, USER_IDS_SECONDS)
    return found


def user_ids(pks) -> dict[int, str]:
    """SuiteCRM ids of the migrated users among `pks` (others answer under their number)."""
    known = migrated_users()
    return {pk: known[pk] for pk in pks if pk in known}


def user_pk(suitecrm_id) -> int | None:
    """The Kontor user of a SuiteCRM user id (a migrated id, or a Kontor number)."""
    suitecrm_id = str(suitecrm_id or "").strip()
    if not suitecrm_id:
        return None
    kept = LegacyId.objects.filter(kind="user", suitecrm_id=suitecrm_id).values_list(
        "kontor_id", flat=True
    )
    for kontor in kept:
        return int(kontor)
    # A number beyond the database's bigint (or a non-ASCII digit) is no user: no query.
    if suitecrm_id.isascii() and suitecrm_id.isdigit() and int(suitecrm_id) < 2**63:
        return int(suitecrm_id)
    return None


def record_suitecrm_id(pk, prepared) -> str:
    """The SuiteCRM id of the record `pk` (from `prepared` when given)."""
    if prepared is not None:
        return prepared.get("ids", {}).get(pk, str(pk))
    return derived_ids([pk]).get(pk, str(pk))


def user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@dataclass
class UserRef(Attribute):
    """A user's SuiteCRM id (assigned_user_id, created_by, modified_user_id)."""

    type: str = "id"

    def get(self, record, prepared=None):
        pk = getattr(record, f"{self.field}_id", None)
        if pk is None:
            return None
        known = user_ids([pk]) if prepared is None else prepared.get("users", {})
        return known.get(pk, str(pk))

    def value(self, raw):
        return user_pk(raw)

    def condition(self, op, raw):
        if op.lower() not in ("eq", "neq"):
            raise ValueError(op)
        pk = self.value(raw)
        q = Q(**{f"{self.field}__isnull": True}) if pk is None else Q(**{self.field: pk})
        return ~q if op.lower() == "neq" else q

    def set(self, record, raw, user):
        if self.read_only:
            raise ValidationError({self.name: _("This field cannot be changed.")})
        pk = self.value(raw)
        users = get_user_model().objects.filter(is_active=True)
        if raw not in (None, "") and (pk is None or not users.filter(pk=pk).exists()):
            raise invalid(self.name, raw)
        setattr(record, f"{self.field}_id", pk)


@dataclass
class Computed(Attribute):
    """A read-only value computed from the record (and from `prepared` rows)."""

    compute: Callable = None

    def get(self, record, prepared=None):
        return self.compute(record, prepared or {})


def person_text(values: dict) -> str:
    """A person's name as Kontor writes it (first and last name)."""
    return " ".join(p for p in (values["first_name"], values["last_name"]) if p)


def user_text(values: dict) -> str:
    """A user's name as Django writes it (full name, else the user name)."""
    full = f"{values['first_name']} {values['last_name']}".strip()
    return full or values["username"]


#: How a related record's name is read: (its columns, the text of their values)
USER_NAME = (("first_name", "last_name", "username"), user_text)
PERSON_NAME = (("first_name", "last_name"), person_text)
RECORD_NAME = (("name",), lambda values: values["name"])


@dataclass
class RelatedName(Attribute):
    """The name of the record or user a foreign key `path` points at (a relate attribute):
    from the related object a model's select_related loaded, or from a `Row`'s columns."""

    type: str = "relate"
    read_only: bool = True
    path: str = ""
    name_of: tuple = USER_NAME

    @property
    def columns(self) -> tuple[str, ...]:
        """The values() paths a `Row` needs for this attribute."""
        return tuple(f"{self.path}__{c}" for c in self.name_of[0])

    def get(self, record, prepared=None):
        names, text_of = self.name_of
        hidden = (prepared or {}).get("hidden", {}).get(self.path, ())
        if hidden and getattr(record, f"{self.path}_id") in hidden:
            return ""  # a record the user may not see: no name (`ApiModule.prepare`)
        if isinstance(record, Row):
            values = {c: getattr(record, f"{self.path}__{c}") for c in names}
            if getattr(record, f"{self.path}_id") is None:
                return None
        else:
            related = getattr(record, self.path, None)
            if related is None:
                return None
            values = {c: getattr(related, c) for c in names}
        return text_of(values)

    def condition(self, op, raw):
        raise ValueError(self.name)


class Row:
    """A record of a list read as plain values (`ApiModule.rows`): its columns by attname
    (and related names by their values() path), without building a model instance."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


@dataclass
class RecordRef(Attribute):
    """The SuiteCRM id of the record a foreign key `field` points at, of SuiteCRM module
    `target`; written only with a record the user may see."""

    type: str = "id"
    target: str = ""

    def _module(self):
        return directory.module(self.target)

    def get(self, record, prepared=None):
        pk = getattr(record, f"{self.field}_id", None)
        if pk is None:
            return None
        return record_suitecrm_id(pk, prepared)

    def value(self, raw):
        return self._module().kontor_pk(raw)

    def condition(self, op, raw):
        if op.lower() not in ("eq", "neq"):
            raise ValueError(op)
        pk = self.value(raw)
        q = Q(**{f"{self.field}__isnull": True}) if pk is None else Q(**{f"{self.field}_id": pk})
        return ~q if op.lower() == "neq" else q

    def set(self, record, raw, user):
        if self.read_only:
            raise ValidationError({self.name: _("This field cannot be changed.")})
        if raw in (None, ""):
            setattr(record, f"{self.field}_id", None)
            return
        found = self._module().find(user, str(raw))
        if found is None:
            raise invalid(self.name, raw)
        setattr(record, self.field, found)


@dataclass
class ParentType(Attribute):
    """An activity's parent_type: the SuiteCRM module name of its parent record."""

    type: str = "parent_type"

    def get(self, record, prepared=None):
        if not record.parent_type_id:
            return None
        found = directory.of_model(
            ContentType.objects.get_for_id(record.parent_type_id).model_class()
        )
        return found.name if found else None

    def condition(self, op, raw):
        if op.lower() not in ("eq", "neq"):
            raise ValueError(op)
        found = directory.module(str(raw))
        if found is None:
            q = Q(pk__in=[])
        else:
            q = Q(parent_type=ContentType.objects.get_for_model(found.model))
        return ~q if op.lower() == "neq" else q

    def set(self, record, raw, user):
        # The parent is written with parent_id, which reads this value first.
        record._suiteapi_parent_type = str(raw or "")


@dataclass
class ParentId(Attribute):
    """An activity's parent_id: the SuiteCRM id of a record the user may see."""

    type: str = "id"

    def get(self, record, prepared=None):
        pk = record.parent_id
        if pk is None:
            return None
        return record_suitecrm_id(pk, prepared)

    def condition(self, op, raw):
        if op.lower() not in ("eq", "neq"):
            raise ValueError(op)
        pk = kontor_uuid(raw)
        q = Q(parent_id=pk) if pk is not None else Q(pk__in=[])
        return ~q if op.lower() == "neq" else q

    def set(self, record, raw, user):
        if raw in (None, ""):
            record.parent_type, record.parent_id = None, None
            return
        name = getattr(record, "_suiteapi_parent_type", "")
        if not name and record.parent_type_id:
            current = directory.of_model(
                ContentType.objects.get_for_id(record.parent_type_id).model_class()
            )
            name = current.name if current else ""
        module = directory.module(name)
        found = module.find(user, str(raw)) if module and module.module else None
        if found is None:
            raise invalid(self.name, raw)
        record.parent_type = ContentType.objects.get_for_model(module.model)
        record.parent_id = found.pk


def parent_name(record, prepared) -> str | None:
    """The name of an activity's parent, when the user may see it (loaded by prepare)."""
    if record.parent_id is None:
        return None
    return prepared.get("parents", {}).get(record.parent_id)
