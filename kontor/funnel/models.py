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

#: The stages each stage's time is measured from: the first of them reached no later than the
#: stage itself, else the last one (a lead moved back to MQL after SQL: SQL counts from Lead).
PREVIOUS = {
    "lead": ("target",),
    "mql": ("lead",),
    "sql": ("mql", "lead"),
    "opportunity": ("sql", "mql", "lead"),
    "won": ("opportunity",),
}

#: The stages with a time (from the stage before): every stage but the first.
TIMED = STAGES[1:]


def reached(stage: str) -> models.Q:
    """The journeys that reached `stage`: its own time or a later stage's is set (a lead
    converted straight from ML reached MQL and SQL on its way; a target is only reached by
    journeys that began as one)."""
    if stage == "target":
        return models.Q(target_at__isnull=False)
    q = models.Q()
    for name in STAGES[STAGES.index(stage) :]:
        q |= models.Q(**{f"{name}_at__isnull": False})
    return q


def since(stamps: dict, stage: str):
    """When the time at `stage` starts for one journey's `stamps` (stage → time): the stage
    before's (`PREVIOUS`), as `figures._seconds` reads it in SQL."""
    *candidates, last = PREVIOUS[stage]
    mine = stamps[stage]
    for candidate in candidates:
        if stamps[candidate] is not None and mine is not None and stamps[candidate] <= mine:
            return stamps[candidate]
    return stamps[last]


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


class FunnelMonth(models.Model):
    """The funnel's monthly rollup: per cohort month (in the deployment's time zone,
    `settings.TIME_ZONE`), lead source, campaign and owner, how many live journeys there are,
    how many reached each stage, and a histogram of each stage's times (`kontor.funnel.rollup`).

    Derived from the journeys in the same transaction as every change of them, rebuilt with
    them; the funnel page of users who may count every journey reads it instead of the journeys.
    """

    month = models.DateField()
    lead_source = models.CharField(max_length=100, blank=True)
    campaign_name = models.CharField(max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    journeys = models.PositiveIntegerField(default=0)
    #: The journeys that reached each stage (`figures.reached`), and the targets converted.
    target_reached = models.PositiveIntegerField(default=0)
    lead_reached = models.PositiveIntegerField(default=0)
    mql_reached = models.PositiveIntegerField(default=0)
    sql_reached = models.PositiveIntegerField(default=0)
    opportunity_reached = models.PositiveIntegerField(default=0)
    won_reached = models.PositiveIntegerField(default=0)
    converted = models.PositiveIntegerField(default=0)
    #: Per timed stage {bucket: journeys}: the buckets of `rollup.bucket`.
    lead_spans = models.JSONField(default=dict)
    mql_spans = models.JSONField(default=dict)
    sql_spans = models.JSONField(default=dict)
    opportunity_spans = models.JSONField(default=dict)
    won_spans = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["month"], name="funnelmonth_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.lead_source} {self.campaign_name} {self.owner_id}"
