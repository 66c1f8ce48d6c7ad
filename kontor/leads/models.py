"""Leads (Interessenten): people who showed interest, Kontor's main entry point of data."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownField
from kontor.core.models import record_indexes
from kontor.core.people import PERSON_LOOKUPS, Person

#: Statuses that end a lead's open life; "open leads" exclude them (docs/domain.md §4).
CLOSED_STATUSES = ("Converted", "Recycled", "Dead")


class Lead(Person):
    account_name = models.CharField(_("Account name"), max_length=150, blank=True)
    status = DropdownField(
        _("Status"), dropdown="lead_status_dom", default="New", reserved=("Converted",)
    )
    status_description = models.TextField(_("Status description"), blank=True, max_length=5000)
    lifecycle_stage = DropdownField(_("Lifecycle stage"), dropdown="lead_stage", default="ML")
    stage_entered_at = models.DateTimeField(
        _("Stage entered"), null=True, blank=True, editable=False
    )
    lead_source_description = models.TextField(
        _("Lead source description"), blank=True, max_length=5000
    )
    refered_by = models.CharField(_("Referred by"), max_length=100, blank=True)
    website = models.URLField(_("Website"), max_length=255, blank=True)
    account_description = models.TextField(_("Account description"), blank=True, max_length=5000)
    opportunity_name = models.CharField(_("Opportunity name"), max_length=150, blank=True)
    opportunity_amount = models.DecimalField(
        _("Opportunity amount"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    converted = models.BooleanField(_("Converted"), default=False, editable=False)
    converted_at = models.DateTimeField(_("Converted at"), null=True, blank=True, editable=False)
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("Account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        db_index=False,
    )
    # The journey (docs/domain.md §5): the target this lead came from, and what it became.
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("Source target"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="leads",
        db_index=False,
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("Converted contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="source_leads",
        db_index=False,
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity",
        verbose_name=_("Converted opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="source_leads",
        db_index=False,
    )

    class Meta:
        verbose_name = _("Lead")
        verbose_name_plural = _("Leads")
        indexes = [
            *record_indexes(
                "lead",
                "last_name",
                "first_name",
                "date_entered",
                "status",
                "lifecycle_stage",
                "account_name",
                "lead_source",
                "date_modified",
                lookups=PERSON_LOOKUPS,
            ),
            # Most leads come from no target, were never converted and name their company
            # only as text: partial indexes keep those NULLs out of four B-trees (the reverse
            # lookups, e.g. an account's leads, still use them).
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"lead_{name}_set",
                )
                for name in ("target", "contact", "opportunity", "account")
            ),
        ]

    def clean(self):
        super().clean()
        # Blank becomes New; only a conversion sets Converted (docs/domain.md §4).
        self.status = self.status or "New"
        self.lifecycle_stage = self.lifecycle_stage or "ML"
        previous = getattr(self, "_loaded", {})
        if self.status == "Converted" and not self.converted:
            raise ValidationError(
                {"status": _("Only converting the lead sets the status Converted.")}
            )
        if previous.get("lifecycle_stage") != self.lifecycle_stage:
            self.stage_entered_at = timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES
