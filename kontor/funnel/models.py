"""The funnel's summary table: one row per journey, Target → Lead → MQL → SQL → Opportunity →
Won, with the first time it reached each stage (docs/funnel.md).

Derived data, never edited by hand: the listener of `kontor.funnel.maintain` keeps it after
each commit and `kontor rebuild_funnel` rebuilds it from the records, their conversion links
and the change log. Nothing links to it, so it may be emptied and rebuilt at any time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The funnel's stages in order, each with the column that holds when a journey first reached it.
STAGES = ("target", "lead", "mql", "sql", "opportunity", "won")


class Journey(models.Model):
    """One journey, keyed by the record it started with: a target, or a lead without one."""

    #: The id of the start record (the target's, else the lead's): a journey is found by it
    #: without knowing which kind it started as.
    id = models.UUIDField(primary_key=True)
    target_id = models.UUIDField(null=True)
    lead_id = models.UUIDField(null=True)
    opportunity_id = models.UUIDField(null=True)
    #: When the first record of the journey was created: the cohort a journey belongs to.
    cohort_at = models.DateTimeField(_("Created"))
    lead_source = models.CharField(_("Lead source"), max_length=100, blank=True)
    campaign_name = models.CharField(_("Campaign"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("Assigned to"),
    )
    #: The lead (or the target before its conversion) is in the trash: left out of every count.
    trashed = models.BooleanField(default=False)
    target_at = models.DateTimeField(null=True)
    lead_at = models.DateTimeField(null=True)
    mql_at = models.DateTimeField(null=True)
    sql_at = models.DateTimeField(null=True)
    opportunity_at = models.DateTimeField(null=True)
    won_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("Journey")
        verbose_name_plural = _("Journeys")
        indexes = [
            # Every funnel reads a range of cohort dates, of live journeys only; the stamps
            # are included so PostgreSQL counts them from the index alone.
            models.Index(
                fields=["cohort_at"],
                condition=models.Q(trashed=False),
                include=["target_at", "lead_at", "mql_at", "sql_at", "opportunity_at", "won_at"],
                name="journey_cohort",
            ),
            models.Index(fields=["owner", "cohort_at"], name="journey_owner_cohort"),
            models.Index(fields=["lead_source", "cohort_at"], name="journey_source_cohort"),
            models.Index(fields=["campaign_name", "cohort_at"], name="journey_campaign_cohort"),
            models.Index(
                fields=["lead_id"], condition=models.Q(lead_id__isnull=False), name="journey_lead"
            ),
            models.Index(
                fields=["opportunity_id"],
                condition=models.Q(opportunity_id__isnull=False),
                name="journey_opportunity",
            ),
        ]

    def __str__(self):
        return str(self.id)
