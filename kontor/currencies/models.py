"""Currencies (Währungen) and their exchange rates against the base currency.

A rate says how many units of its currency one unit of the base currency buys on and after
its `valid_from` day (SuiteCRM's `conversion_rate`): an amount in that currency is
`amount / rate` in the base currency. docs/currencies.md describes the convention.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: An ISO 4217 code as stored: three capital letters.
validate_code = RegexValidator(
    r"^[A-Z]{3}\Z", _("Enter a three-letter currency code such as EUR."), code="currency"
)

RATE_NOT_POSITIVE = _("The rate must be greater than zero.")
INACTIVE_CURRENCY = _("%(code)s is not an active currency.")
BASE_HAS_NO_RATE = _("%(code)s is the base currency: its rate is always 1.")
SAME_DAY = _("%(code)s already has a rate valid from this day.")


class Currency(models.Model):
    """A currency opportunities may be entered in; exactly one is the base every sum is in."""

    code = models.CharField(_("Code"), max_length=3, primary_key=True, validators=[validate_code])
    name = models.CharField(_("Name"), max_length=60)
    symbol = models.CharField(_("Symbol"), max_length=8, blank=True)
    active = models.BooleanField(_("Active"), default=True)
    is_base = models.BooleanField(_("Base currency"), default=False, editable=False)

    class Meta:
        verbose_name = _("Currency")
        verbose_name_plural = _("Currencies")
        ordering = ("-is_base", "code")
        constraints = [
            # At most one base in the database; actions keep it at exactly one.
            models.UniqueConstraint(
                fields=["is_base"], condition=Q(is_base=True), name="currency_one_base"
            )
        ]

    def __str__(self):
        return f"{self.code} – {self.name}" if self.name else self.code


class ExchangeRate(models.Model):
    """Units of `currency` per one unit of the base currency, from `valid_from` until the
    next rate of the same currency."""

    currency = models.ForeignKey(
        Currency, verbose_name=_("Currency"), on_delete=models.CASCADE, related_name="rates"
    )
    valid_from = models.DateField(_("Valid from"))
    rate = models.DecimalField(_("Rate"), max_digits=18, decimal_places=6)

    class Meta:
        verbose_name = _("Exchange rate")
        verbose_name_plural = _("Exchange rates")
        ordering = ("currency", "-valid_from")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"], name="exchange_rate_one_per_day"
            )
        ]

    def __str__(self):
        return f"{self.currency_id} {self.rate} ({self.valid_from})"

    def clean(self):
        super().clean()
        errors = {}
        if isinstance(self.rate, Decimal | int | float) and self.rate <= 0:
            errors["rate"] = RATE_NOT_POSITIVE
        currency = Currency.objects.filter(pk=self.currency_id).first()
        if currency is not None and currency.is_base:
            errors["currency"] = BASE_HAS_NO_RATE % {"code": currency.code}
        elif currency is not None and not currency.active:
            errors["currency"] = INACTIVE_CURRENCY % {"code": currency.code}
        elif currency is not None and self.valid_from and self._same_day().exists():
            errors["valid_from"] = SAME_DAY % {"code": currency.code}
        if errors:
            raise ValidationError(errors)

    def _same_day(self):
        same = ExchangeRate.objects.filter(currency_id=self.currency_id, valid_from=self.valid_from)
        return same.exclude(pk=self.pk) if self.pk else same

    def validate_constraints(self, exclude=None):
        # clean() reports a second rate on one day on its field, in words of its own; the
        # database's constraint still holds against a race.
        super().validate_constraints(exclude={*(exclude or ()), "valid_from"})
