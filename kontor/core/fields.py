"""Model fields and normalizers shared by the record types.

`DropdownField` stores a dropdown key (SuiteCRM's keys) and validates it against the list in
the database, so admins can change the values without a migration.
"""

import functools

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core import dropdowns

DEFAULT_PHONE_REGION = "DE"


class DropdownField(models.CharField):
    """A key of the dropdown list `dropdown`; the form offers the list's active values."""

    def __init__(self, *args, dropdown: str = "", reserved: tuple = (), **kwargs):
        self.dropdown = dropdown
        # Keys only a verb sets (a conversion sets "Converted"): forms do not offer them.
        self.reserved = tuple(reserved)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["dropdown"] = self.dropdown
        if self.reserved:
            kwargs["reserved"] = self.reserved
        if kwargs.get("max_length") == 100:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value in self.empty_values:
            return
        # A value that was deactivated stays valid on records that already have it.
        previous = getattr(model_instance, "_loaded", {}).get(self.attname)
        allowed = {
            o.key
            for o in dropdowns.options(self.dropdown, include_inactive=True)
            if o.active or o.key == previous
        }
        if value not in allowed:
            raise ValidationError(
                _("“%(value)s” is not a valid choice."),
                code="invalid_choice",
                params={"value": value},
            )

    def formfield(self, **kwargs):
        return DropdownFormField(
            dropdown=self.dropdown,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            reserved=self.reserved,
        )


class DropdownFormField(forms.ChoiceField):
    """A select of the list's active values, read when the form is used (admins may edit)."""

    def __init__(self, *, dropdown: str, required: bool = False, reserved: tuple = (), **kwargs):
        self.dropdown = dropdown
        self.reserved = reserved
        # A callable is evaluated lazily, so building a form class runs no query.
        super().__init__(required=required, choices=self._active_choices, **kwargs)

    def _active_choices(self, keep: str = ""):
        return [
            ("", "---------"),
            *(
                (key, label)
                for key, label in dropdowns.choices(self.dropdown, keep=keep)
                if key not in self.reserved or key == keep
            ),
        ]

    def keep(self, key: str) -> None:
        """Also offer `key`, a deactivated or reserved value the edited record still has."""
        self.choices = self._active_choices(keep=key)


class LowerEmailField(models.EmailField):
    """An e-mail address stored lower-cased, so matching is an exact, indexed comparison."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value.strip().lower() if isinstance(value, str) else value

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().lower() if isinstance(value, str) else value


@functools.lru_cache(maxsize=8192)
def normalize_phone(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """The E.164 form of a phone number as typed ('' when it cannot be parsed).

    Cached: validation and `clean()` both ask for the same number (an import asks for
    thousands per second), and parsing is the costly part of saving a person."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    """Refuse text that is not a phone number at all (letters, too short, too long)."""
    if value and not normalize_phone(value):
        raise ValidationError(_("Enter a valid phone number."), code="invalid_phone")


class PhoneField(models.CharField):
    """A phone number kept as typed; validated as a possible number."""

    default_validators = [validate_phone]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)


def amount_in(
    currency_field: str, field: models.DecimalField, *, base_field: str = ""
) -> models.DecimalField:
    """`field`, an amount in the currency stored in `currency_field` of the same record: lists,
    subpanels and exports show them together (kontor.core.records.tables.cell, export), so
    that amounts of mixed currencies are never read as one. `base_field` names the column that
    holds the amount in the base currency, which a record's page shows beside an amount in
    another currency. No column changes (no migration).
    """
    field.currency_field = currency_field
    field.base_field = base_field
    return field


#: The code of the base currency (`base_field` amounts are in it): the currencies app provides
#: the function that reads it, from its AppConfig.ready().
_base_currency = None


def provide_base_currency(read) -> None:
    global _base_currency
    _base_currency = read


def base_currency() -> str:
    return _base_currency() if _base_currency is not None else ""
