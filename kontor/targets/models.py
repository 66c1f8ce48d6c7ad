"""Targets (Zielkontakte): people nobody has contacted yet, from lists, partners, research."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField
from kontor.core.models import record_indexes
from kontor.core.people import PERSON_LOOKUPS, Person


class Target(Person):
    account_name = models.CharField(_("Account name"), max_length=150, blank=True)
    status = DropdownField(
        _("Status"), dropdown="target_status_dom", default="New", reserved=("Converted",)
    )
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("Converted lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Target")
        verbose_name_plural = _("Targets")
        indexes = record_indexes(
            "target", "last_name", "date_entered", "status", "account_name", lookups=PERSON_LOOKUPS
        )

    def clean(self):
        super().clean()
        self.status = self.status or "New"
        if self.status == "Converted" and not self.lead_id:
            raise ValidationError(
                {"status": _("Only converting the target sets the status Converted.")}
            )
