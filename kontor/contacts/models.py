"""Contacts (Kontakte): people with whom a real interaction or transaction took place."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.models import record_indexes
from kontor.core.people import PERSON_LOOKUPS, Person


class Contact(Person):
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("Account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("Reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
    )

    class Meta:
        verbose_name = _("Contact")
        verbose_name_plural = _("Contacts")
        indexes = [
            *record_indexes(
                "contact",
                "last_name",
                "date_entered",
                "primary_address_city",
                lookups=PERSON_LOOKUPS,
            ),
            # Duplicate suggestions look people up by both names (kontor.conversion).
            models.Index(fields=["last_name", "first_name"], name="contact_full_name"),
        ]

    def clean(self):
        super().clean()
        if self.reports_to_id and self.reports_to_id == self.pk:
            raise ValidationError({"reports_to": _("A contact cannot report to themselves.")})
