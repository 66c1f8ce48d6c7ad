"""Person fields shared by Targets, Leads and Contacts (docs/domain.md §2), SuiteCRM's names."""

from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kontor.core.fields import DropdownField, LowerEmailField, PhoneField, normalize_phone
from kontor.core.models import Record

#: The parts of an address, as SuiteCRM names them (`primary_address_city`, …), in order
ADDRESS_PARTS = ("street", "city", "state", "postalcode", "country")


def address_fields(prefix: str, label) -> dict:
    """Street, city, state, postal code and country of one address, SuiteCRM-named."""
    parts = (
        (_("street"), 250),
        (_("city"), 100),
        (_("state"), 100),
        (_("postal code"), 20),
        (_("country"), 100),
    )
    return {
        f"{prefix}_{name}": models.CharField(
            format_lazy("{} {}", label, part), max_length=size, blank=True
        )
        for name, (part, size) in zip(ADDRESS_PARTS, parts, strict=True)
    }


class Person(Record):
    """A person record: salutation, names, e-mail, phones, addresses, GDPR basis."""

    salutation = DropdownField(_("Salutation"), dropdown="salutation_dom")
    first_name = models.CharField(_("First name"), max_length=100, blank=True)
    last_name = models.CharField(_("Last name"), max_length=100)
    title = models.CharField(pgettext_lazy("person", "Title"), max_length=100, blank=True)
    department = models.CharField(_("Department"), max_length=100, blank=True)
    email1 = LowerEmailField(_("Email"), blank=True)
    email2 = LowerEmailField(_("Other email"), blank=True)
    email_opt_out = models.BooleanField(_("Email opt out"), default=False)
    invalid_email = models.BooleanField(_("Invalid email"), default=False)
    phone_work = PhoneField(_("Office phone"))
    phone_mobile = PhoneField(_("Mobile"))
    phone_home = PhoneField(_("Home phone"))
    phone_other = PhoneField(_("Other phone"))
    phone_fax = PhoneField(_("Fax"))
    # E.164 forms of the office and mobile numbers, for matching (docs/performance.md rule 9).
    # Indexed through record_indexes(lookups=PERSON_LOOKUPS) of each person model.
    phone_work_e164 = models.CharField(max_length=20, blank=True, editable=False)
    phone_mobile_e164 = models.CharField(max_length=20, blank=True, editable=False)
    do_not_call = models.BooleanField(_("Do not call"), default=False)
    # The two addresses are ten plain text fields; generated to keep their names consistent.
    locals().update(address_fields("primary_address", _("Primary address")))
    locals().update(address_fields("alt_address", _("Alternate address")))
    birthdate = models.DateField(_("Birthdate"), null=True, blank=True)
    assistant = models.CharField(_("Assistant"), max_length=100, blank=True)
    assistant_phone = PhoneField(_("Assistant phone"))
    lead_source = DropdownField(_("Lead source"), dropdown="lead_source_dom")
    campaign_name = models.CharField(_("Campaign"), max_length=200, blank=True)
    lawful_basis = DropdownField(_("Lawful basis"), dropdown="lawful_basis_dom")
    lawful_basis_source = DropdownField(
        _("Lawful basis source"), dropdown="lawful_basis_source_dom"
    )
    date_reviewed = models.DateField(_("Date reviewed"), null=True, blank=True)

    class Meta(Record.Meta):
        abstract = True

    def __str__(self):
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    def clean(self):
        super().clean()
        # A number loaded from the database and not changed keeps its stored E.164 form:
        # parsing is the costly part (an import cleans thousands of matched records).
        loaded = getattr(self, "_loaded", {})
        for name in ("phone_work", "phone_mobile"):
            number = getattr(self, name)
            if (
                name not in loaded
                or loaded[name] != number
                or bool(number) != bool(getattr(self, f"{name}_e164"))
            ):
                setattr(self, f"{name}_e164", normalize_phone(number))

    @property
    def full_name(self) -> str:
        return str(self)


#: The exact-match columns of person records (duplicate checks, import and API matching).
PERSON_LOOKUPS = ("email1", "phone_work_e164", "phone_mobile_e164")

PERSON_SEARCH_FIELDS = (
    "first_name",
    "last_name",
    "account_name",
    "email1",
    "phone_work",
    "phone_mobile",
)

PERSON_PANELS = (
    (
        _("Overview"),
        (
            "salutation",
            "first_name",
            "last_name",
            "title",
            "department",
            "email1",
            "email2",
            "phone_work",
            "phone_mobile",
            "assigned_user",
        ),
    ),
    (
        _("More information"),
        (
            "phone_home",
            "phone_other",
            "phone_fax",
            "email_opt_out",
            "invalid_email",
            "do_not_call",
            "birthdate",
            "assistant",
            "assistant_phone",
            "lead_source",
            "campaign_name",
            "description",
        ),
    ),
    (
        _("Address"),
        (
            "primary_address_street",
            "primary_address_postalcode",
            "primary_address_city",
            "primary_address_state",
            "primary_address_country",
            "alt_address_street",
            "alt_address_postalcode",
            "alt_address_city",
            "alt_address_state",
            "alt_address_country",
        ),
    ),
    (_("Privacy (GDPR)"), ("lawful_basis", "lawful_basis_source", "date_reviewed")),
)
