"""The forecast's choices (period kind, range, scope, currency) and the Quotas grid's cells."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.currencies import rates
from kontor.forecasts import periods as p
from kontor.forecasts import report

#: How many periods before and after the default range, and around the chosen first and last
#: period, the range selects offer.
AROUND = 8
#: Below this many periods the selects offer every one from the earliest offered to the
#: latest; beyond, only those around the default range and the chosen periods (a range
#: far from today would otherwise list every month in between).
CONTIGUOUS = 60


def _select(**attrs) -> forms.Select:
    return forms.Select(attrs={"class": "form-select form-select-sm", **attrs})


class RangeForm(forms.Form):
    """Months or quarters and the first and last of them (GET parameters `period`, `from`,
    `to`; each of "2026-11", "2026-Q4" or a day). Unknown or missing values take the
    default: this quarter's months, or this quarter and the three after it; a period outside
    the years offered (periods.FIRST_YEAR to LAST_YEAR) is refused on its field."""

    period = forms.ChoiceField(
        label=_("Periods"),
        choices=[(p.MONTH, _("Months")), (p.QUARTER, _("Quarters"))],
        required=False,
        widget=_select(),
    )
    start = forms.ChoiceField(label=_("From"), required=False, widget=_select())
    end = forms.ChoiceField(label=_("To"), required=False, widget=_select())

    def __init__(self, data=None, **kwargs):
        data = data.copy() if data is not None else {}
        for name, param in (("start", "from"), ("end", "to")):
            if param in data and name not in data:
                data[name] = data[param]
        self.kind = data.get("period") if data.get("period") in {p.MONTH, p.QUARTER} else p.MONTH
        today = timezone.localdate()
        first, last = p.default_range(self.kind, today)
        #: The fields whose period lies outside the years offered (they show the default).
        self.outside = []
        chosen = {}
        for name, default in (("start", first), ("end", last)):
            period = p.parse(self.kind, data.get(name, ""))
            if period is not None and not p.offered(period):
                self.outside.append(name)
                period = None
            chosen[name] = period or default
        self.first, self.last = chosen["start"], chosen["end"]
        data = {"period": self.kind, "start": self.first.key, "end": self.last.key}
        super().__init__(data, **kwargs)
        options = sorted(
            {
                *p.around(first, last, AROUND),
                *p.around(self.first, self.first, AROUND),
                *p.around(self.last, self.last, AROUND),
            }
        )
        if p.distance(options[0], options[-1]) < CONTIGUOUS:
            options = p.between(options[0], options[-1])
        self.fields["start"].choices = self.fields["end"].choices = [
            (x.key, x.label) for x in options
        ]

    def clean(self):
        if self.outside:
            message = _("Enter a period from %(first)d to %(last)d.") % {
                "first": p.FIRST_YEAR,
                "last": p.LAST_YEAR,
            }
            raise ValidationError({name: message for name in self.outside})
        if self.first > self.last:
            raise ValidationError({"end": _("Choose a last period after the first.")})
        if p.distance(self.first, self.last) >= p.MAX_PERIODS:
            raise ValidationError(
                {"end": _("Choose at most %(count)d periods.") % {"count": p.MAX_PERIODS}}
            )
        return self.cleaned_data

    @property
    def periods(self) -> list[p.Period]:
        return p.between(self.first, self.last)


class ForecastForm(RangeForm):
    """The forecast page's and the API's choices: the range, whose figures `viewer` may ask
    for (the scope) and the currency to show them in."""

    scope = forms.ChoiceField(label=_("Whose"), required=False, widget=_select())
    currency = forms.ChoiceField(label=_("Currency"), required=False, widget=_select())

    def __init__(self, data=None, *, viewer, **kwargs):
        super().__init__(data, **kwargs)
        wanted = (data or {}).get("scope") or "me"
        self.data = {**self.data, "scope": wanted, "currency": (data or {}).get("currency", "")}
        teams = report.team_choices(viewer)
        users = report.user_choices(viewer)
        self.fields["scope"].choices = [
            ("me", _("Me")),
            ("all", _("Everyone I may see")),
            (_("Teams"), [(f"team:{t.pk}", t.name) for t in teams]),
            (_("Users"), [(f"user:{u.pk}", report.name_of(u)) for u in users]),
        ]
        self.fields["currency"].choices = [("", _("Base currency"))] + [
            (code, code) for code in rates.active_codes()
        ]

    def clean(self):
        super().clean()
        if "scope" in self.cleaned_data:
            self.cleaned_data["scope"] = report.parse_scope(self.cleaned_data["scope"] or "me")
        return self.cleaned_data


class QuotaCell(forms.DecimalField):
    """One cell of the Quotas grid: an amount in the user's number format, empty for none."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            max_digits=18,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(
                attrs={"class": "form-control form-control-sm text-end", "inputmode": "decimal"}
            ),
            **kwargs,
        )


def quota_cells(names, data) -> tuple[dict[str, Decimal | None], dict[str, list[str]]]:
    """The amounts typed into the cells `names` of a posted grid, and each bad cell's errors
    (a cell not posted keeps its quota)."""
    amounts, errors = {}, {}
    for name in names:
        if name not in data:
            continue
        field = QuotaCell()
        try:
            amounts[name] = field.clean(data[name].strip())
        except ValidationError as error:
            errors[name] = error.messages
    return amounts, errors
