"""Quotas (Vorgaben): how much each sales person should win in a month or a quarter."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    """Whether a quota is a month's or a quarter's (`Quota.period_kind`)."""

    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Quota(models.Model):
    """The amount (in the base currency) `user` should win in one period. A month's and a
    quarter's quota are kept apart: the forecast of a quarter without its own quota adds the
    quotas of its months (kontor/forecasts/figures.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quotas",
        verbose_name=_("User"),
    )
    period_kind = models.CharField(_("Period"), max_length=8, choices=PeriodKind.choices)
    #: The first day of the month or quarter.
    period_start = models.DateField(_("Period start"))
    amount = models.DecimalField(_("Quota"), max_digits=18, decimal_places=2)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    date_modified = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Quota")
        verbose_name_plural = _("Quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_kind", "period_start"], name="quota_user_period_unique"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="quota_not_negative"),
        ]
        # Read by period for a page of users: the unique index leads by user, this one by
        # the period (the forecast of everyone reads one period range for all users).
        indexes = [models.Index(fields=["period_kind", "period_start"], name="quota_period")]

    def __str__(self):
        return f"{self.user} {self.period_kind} {self.period_start:%Y-%m-%d}: {self.amount}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": _("A quota cannot be negative.")})
        if not is_period_start(self.period_kind, self.period_start):
            raise ValidationError({"period_start": _("Choose the first day of a period.")})


def is_period_start(kind: str, day: date | None) -> bool:
    if day is None or day.day != 1:
        return False
    return kind == PeriodKind.MONTH or (kind == PeriodKind.QUARTER and day.month % 3 == 1)
