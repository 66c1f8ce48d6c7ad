"""Reports: a user's grouped figures over the records of one type, and each viewer's last
result of them.

A report stores what its list's address says (the filter query string) and how to group and
aggregate; it holds no figures. Every run reads through the permission filter of the person
viewing it, so a shared report shows each viewer their own figures; `ReportResult` keeps the
last of them per viewer, for the page (and dashboards) to show while a fresh one is computed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.users import sharing


class Chart(models.TextChoices):
    BAR = "bar", _("Bar chart")
    LINE = "line", _("Line chart")
    PIE = "pie", _("Pie chart")
    TABLE = "table", _("Table only")


class Report(models.Model):
    """Figures of the records of type `module` that match `filters`, grouped by one or two
    fields (`group_by`: "field" or "field:period" for dates) with `aggregates` ("count",
    "sum:amount" …); validated by kontor.reports.spec."""

    owner = sharing.owner_field(related_name="reports")
    module = models.CharField(_("Record type"), max_length=40)
    name = models.CharField(_("Name"), max_length=120)
    #: the list's query string (search `q` and the module's filters), normalised
    filters = models.TextField(_("Filters"), blank=True, max_length=2000)
    group_by = models.JSONField(_("Group by"), default=list)
    aggregates = models.JSONField(_("Figures"), default=list)
    chart = models.CharField(_("Chart"), max_length=10, choices=Chart.choices, default=Chart.BAR)
    share = sharing.share_field()
    #: the team of a TEAM report; a deleted team leaves the report to its owner alone
    team = sharing.team_field()
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    #: `visible_to(user)`: the reports `user` may open (their own and those
    #: shared with them, of the record types they may list)
    objects = sharing.TypedSharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Report")
        verbose_name_plural = _("Reports")
        indexes = [
            models.Index(fields=["owner", "name"], name="reports_by_owner"),
            models.Index(fields=["share"], name="reports_shared"),
        ]

    def __str__(self):
        return self.name


class ReportResult(models.Model):
    """The last result of `report` as `user` saw it (their records, language and time zone),
    with the time it was computed."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    #: the language and time zone the labels and date buckets were made in
    language = models.CharField(max_length=10)
    time_zone = models.CharField(max_length=64)
    #: kontor.reports.engine.Result.as_data()
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="reports_result_once")
        ]

    def __str__(self):
        return f"{self.report_id} / {self.user_id} @ {self.generated_at:%Y-%m-%d %H:%M}"
