"""The funnel's cohort filters, shared by its page, its drill-down and its API."""

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from kontor.core import dropdowns
from kontor.funnel.figures import Cohort
from kontor.users.models import Team

#: The years a cohort may begin and end in: far beyond any CRM's records, and within the
#: calendar when a day or a month is added to their last day.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class CohortForm(forms.Form):
    """from/to (dates the journeys began, both included; the last twelve months when not
    given), lead source, campaign, owner and team (journeys owned by the team's members)."""

    start = forms.DateField(label=_("Created from"), required=False)
    end = forms.DateField(label=_("Created to"), required=False)
    lead_source = forms.ChoiceField(label=_("Lead source"), required=False)
    campaign = forms.CharField(label=_("Campaign"), required=False, max_length=200)
    owner = forms.TypedChoiceField(label=_("Assigned to"), required=False, coerce=int)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int)

    #: The query parameters of the form's fields (the API's names; the page uses the same).
    PARAMS = {"from": "start", "to": "end"}

    def __init__(self, data=None, *, choices: bool = True):
        data = {self.PARAMS.get(k, k): v for k, v in (data or {}).items()}
        super().__init__(data)
        every = [("", _("All"))]
        self.fields["lead_source"].choices = every + [
            (o.key, o.label) for o in dropdowns.options("lead_source_dom", include_inactive=True)
        ]
        if choices:
            # The page's selects; the API checks an id without listing every user and team.
            users = (
                get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")
            )
            self.fields["owner"].choices = every + [
                (u.pk, u.get_full_name() or u.get_username()) for u in users
            ]
            self.fields["team"].choices = every + list(
                Team.objects.order_by("name").values_list("pk", "name")
            )
        else:
            self.fields["owner"] = forms.IntegerField(required=False, min_value=1)
            self.fields["team"] = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(
                    name,
                    _("Enter a date from %(first)d to %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
                start = end = None
        if start and end and start > end:
            self.add_error("end", _("The end date must not be before the start date."))
        return data

    def cohort(self) -> Cohort:
        """The cohort the valid form describes (call after is_valid())."""
        data, default = self.cleaned_data, Cohort.default()
        return Cohort(
            start=data.get("start") or default.start,
            end=data.get("end") or default.end,
            lead_source=data.get("lead_source") or "",
            campaign=(data.get("campaign") or "").strip(),
            owner=data.get("owner") or None,
            team=data.get("team") or None,
        )

    def query(self, **extra) -> str:
        """The filters as a query string (for the drill-down's links), with `extra` added."""
        query = QueryDict(mutable=True)
        cohort = self.cohort()
        values = {
            "from": cohort.start.isoformat(),
            "to": cohort.end.isoformat(),
            "lead_source": cohort.lead_source,
            "campaign": cohort.campaign,
            "owner": cohort.owner or "",
            "team": cohort.team or "",
            **extra,
        }
        for key, value in values.items():
            if value:
                query[key] = str(value)
        return query.urlencode()
