"""Dashboards: a user's home page of widgets, and the team dashboards sales managers share.

A user without a `Dashboard` row sees the default widgets (`widgets.DEFAULTS`); the row and its
widgets are written by the first change they make. A team dashboard (`team` set) belongs to the
sales manager who made it and is shown, read-only, to the team's members and to administrators.
Widgets hold no figures: each is computed for the person viewing it, through the permission
filter.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.users import sharing


class Size(models.TextChoices):
    """A widget's width in the Bootstrap grid (columns of 12 from the large breakpoint)."""

    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Dashboard(models.Model):
    """A user's home page of widgets, or (with a team) a copy a sales manager shares with
    the team as a read-only tab."""

    owner = sharing.owner_field(related_name="dashboards")
    #: the team a sales manager shares this dashboard with; None: the owner's own home page
    team = sharing.team_field(on_delete=models.CASCADE)
    name = models.CharField(_("Name"), max_length=80, blank=True)
    modified = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Dashboard")
        verbose_name_plural = _("Dashboards")
        constraints = [
            models.UniqueConstraint(
                fields=["owner"], condition=models.Q(team=None), name="dashboards_one_own"
            ),
            models.UniqueConstraint(fields=["owner", "team"], name="dashboards_one_per_team"),
        ]

    def __str__(self):
        return self.name or str(_("My day"))


class Widget(models.Model):
    """One card of a dashboard: its kind, size and place (and the report it shows)."""

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="widgets")
    #: a key of kontor.dashboards.widgets.KINDS
    kind = models.CharField(_("Kind"), max_length=30)
    size = models.CharField(_("Size"), max_length=10, choices=Size.choices, default=Size.MEDIUM)
    position = models.PositiveIntegerField(default=0)
    #: the saved report a "report" widget shows; a deleted report takes its widgets along
    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["dashboard", "position"], name="dashboards_widget_order")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def ref(self) -> str:
        """How pages and posts name this widget (a default widget, unsaved, by its kind)."""
        return str(self.pk) if self.pk else self.kind
