"""What a column can be imported into, and the automatic mapping of a file's headers.

Headers are matched by field name, English or German label, and the column titles of
SuiteCRM's exports ("Email Address", "Primary Address Postalcode", "Billing Street" …), so
SuiteCRM users and German Excel lists map without a click.
"""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kontor.core import config, registry
from kontor.core.fields import DropdownField, LowerEmailField, PhoneField
from kontor.core.people import ADDRESS_PARTS

EXTERNAL_ID = "__external_id__"
CUSTOM = "custom:"
SKIP = ""

# Column titles that are not the field name or label, normalized (see `norm`); the first
# field of the list that the record type has wins.
ALIASES = {
    "emailaddress": ["email1"],
    "email": ["email1"],
    "mail": ["email1"],
    "nonprimaryemails": ["email2"],
    "jobtitle": ["title"],
    "position": ["title"],
    "home": ["phone_home"],
    "mobilephone": ["phone_mobile"],
    "handy": ["phone_mobile"],
    "telefon": ["phone_work", "phone_office"],
    "phone": ["phone_work", "phone_office"],
    "officephone": ["phone_work", "phone_office"],
    "firma": ["account_name", "account"],
    "unternehmen": ["account_name", "account"],
    "company": ["account_name", "account"],
    "accountname": ["account_name", "account"],
    "umsatz": ["opportunity_amount", "annual_revenue"],
    "strasse": ["primary_address_street", "billing_address_street"],
    "plz": ["primary_address_postalcode", "billing_address_postalcode"],
    "postleitzahl": ["primary_address_postalcode", "billing_address_postalcode"],
    "ort": ["primary_address_city", "billing_address_city", "location"],
    "stadt": ["primary_address_city", "billing_address_city"],
    "land": ["primary_address_country", "billing_address_country"],
    "datecreated": ["date_entered"],
    "erstelltam": ["date_entered"],
    "referredby": ["refered_by"],
    "lawfulbasisdatereviewed": ["date_reviewed"],
    "opportunityamount": ["opportunity_amount"],
    "id": [EXTERNAL_ID],
    "externalid": [EXTERNAL_ID],
    "externeid": [EXTERNAL_ID],
}
for _kind in ("billing", "shipping"):
    for _part in ADDRESS_PARTS:
        ALIASES[f"{_kind}{_part}"] = [f"{_kind}_address_{_part}"]
ALIASES["billingpostcode"] = ["billing_address_postalcode"]

# SuiteCRM columns that name its own users or bookkeeping: never mapped automatically (their
# values mean nothing here; a user can still map one by hand).
NOT_AUTO = {
    "assignedto",
    "assigneduser",
    "assignedusername",
    "createdby",
    "modifiedby",
    "datemodified",
    "deleted",
    "currency",
}


@dataclass(frozen=True)
class Target:
    """A field a column can be imported into."""

    name: str
    label: str
    kind: str  # text email phone url decimal integer date datetime bool dropdown user relate
    field: object = None
    required: bool = False


def norm(text: str) -> str:
    """'Primary Address Postal-Code' → 'primaryaddresspostalcode'; 'Straße' → 'strasse'."""
    text = str(text).lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe")
    return re.sub(r"[^a-z0-9]", "", text.replace("ü", "ue"))


def targets(model) -> dict[str, Target]:
    """The fields of `model` an import may fill, by name, in form order."""
    required = _required(model)
    result = {}
    for field in model._meta.concrete_fields:
        kind = _kind(field)
        if kind is None:
            continue
        if not field.editable and field.name != "date_entered":
            continue
        # A required field with a default (currency "EUR") gets the default when unmapped.
        result[field.name] = Target(
            field.name,
            str(field.verbose_name),
            kind,
            field,
            field.name in required and not field.has_default(),
        )
    for custom in config.custom_fields(model):  # fields admins added, stored in `custom`
        result[CUSTOM + custom.name] = Target(
            CUSTOM + custom.name,
            custom.label,
            "custom",
            custom,
            custom.required and custom.field_type != "boolean",
        )
    result[EXTERNAL_ID] = Target(EXTERNAL_ID, str(_("External id (for matching)")), "external")
    return result


def _required(model) -> set[str]:
    names = {
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.blank and not f.has_default() and not f.primary_key
    }
    names |= set(config.required_fields(model))
    return names


def _kind(field) -> str | None:
    if field.name in ("id", "custom", "search_text") or field.primary_key:
        return None
    if isinstance(field, models.ForeignKey):
        if field.related_model is get_user_model():
            return "user" if field.name == "assigned_user" else None
        return "relate" if registry.find(field.related_model) else None
    kinds = [
        (DropdownField, "dropdown"),
        (LowerEmailField, "email"),
        (models.EmailField, "email"),
        (PhoneField, "phone"),
        (models.URLField, "url"),
        (models.DecimalField, "decimal"),
        (models.IntegerField, "integer"),
        (models.DateTimeField, "datetime"),
        (models.DateField, "date"),
        (models.BooleanField, "bool"),
        (models.CharField, "text"),
        (models.TextField, "text"),
    ]
    for cls, kind in kinds:
        if isinstance(field, cls):
            return kind
    return None


def auto_map(model, headers: list[str]) -> list[str]:
    """The target field of each header ('' = skip); each field is used at most once."""
    available = targets(model)
    index = {}
    for lang in ("en", "de"):
        with translation.override(lang):
            for name, target in available.items():
                label = getattr(target.field, "verbose_name", None) or (
                    getattr(target.field, f"label_{lang}", "") if target.field else ""
                )
                index.setdefault(norm(str(label)), name)
    for name in available:
        index[norm(name.removeprefix(CUSTOM))] = name
    used, result = set(), []
    for header in headers:
        key = norm(header)
        choice = SKIP
        if key not in NOT_AUTO:
            candidates = [c for c in ALIASES.get(key, []) if c in available]
            candidates += [index[key]] if key in index else []
            choice = next((c for c in candidates if c not in used), SKIP)
        used.add(choice)
        result.append(choice)
    return result
