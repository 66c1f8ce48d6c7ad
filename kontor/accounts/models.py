"""Accounts (Firmen): the companies Kontor's users sell to, with a "member of" hierarchy."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField, LowerEmailField, PhoneField
from kontor.core.matching import company_key, domain_of
from kontor.core.models import Record, record_indexes
from kontor.core.people import address_fields


class Account(Record):
    name = models.CharField(_("Name"), max_length=150)
    account_type = DropdownField(_("Type"), dropdown="account_type_dom")
    industry = DropdownField(_("Industry"), dropdown="industry_dom")
    annual_revenue = models.CharField(_("Annual revenue"), max_length=100, blank=True)
    employees = models.CharField(_("Employees"), max_length=10, blank=True)
    ownership = models.CharField(_("Ownership"), max_length=100, blank=True)
    rating = models.CharField(_("Rating"), max_length=100, blank=True)
    website = models.URLField(_("Website"), max_length=255, blank=True)
    phone_office = PhoneField(_("Office phone"))
    phone_alternate = PhoneField(_("Alternate phone"))
    phone_fax = PhoneField(_("Fax"))
    email1 = LowerEmailField(_("Email"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Member of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # Match keys for duplicate suggestions, kept by clean(): the name without legal form and
    # the web domain of the website or e-mail (kontor.core.matching).
    # (indexed for lookups in Meta, as is email1)
    name_key = models.CharField(max_length=150, blank=True, editable=False)
    domain = models.CharField(max_length=255, blank=True, editable=False)
    # The two addresses are ten plain text fields; generated to keep their names consistent.
    locals().update(address_fields("billing_address", _("Billing address")))
    locals().update(address_fields("shipping_address", _("Shipping address")))

    class Meta:
        verbose_name = _("Account")
        verbose_name_plural = _("Accounts")
        indexes = record_indexes(
            "account",
            "name",
            "date_entered",
            "account_type",
            "industry",
            "billing_address_city",
            lookups=("email1", "name_key", "domain"),
        )

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        self.name_key = company_key(self.name)
        self.domain = domain_of(self.website) or domain_of(self.email1)
        # "Member of" must not form a loop: walk up the chain (bounded by the chain's length).
        seen = {self.pk}
        parent = self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError({"parent": _("An account cannot be a member of itself.")})
            seen.add(parent.pk)
            parent = parent.parent
