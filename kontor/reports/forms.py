"""The report builder's form: record type, group fields, figures, chart and sharing.

Its fields carry the prefix "report", so the module's own filter panel (unprefixed, the list's
parameter names) can sit in the same form; `values()` gives what `actions.save_report` takes.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.core import permissions, registry
from kontor.reports import engine, spec
from kontor.reports.models import Chart
from kontor.users.sharing import Share

_SELECT = {"class": "form-select form-select-sm"}


class ReportForm(forms.Form):
    """The builder's fields for one record type: name, grouping, figures, chart, sharing."""

    prefix = "report"

    name = forms.CharField(
        label=_("Name"), max_length=120, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    module = forms.ChoiceField(label=_("Record type"), widget=forms.Select(attrs=_SELECT))
    group_1 = forms.ChoiceField(label=_("Group by"), widget=forms.Select(attrs=_SELECT))
    period_1 = forms.ChoiceField(
        label=_("Period"), required=False, widget=forms.Select(attrs=_SELECT)
    )
    group_2 = forms.ChoiceField(
        label=_("Then by"), required=False, widget=forms.Select(attrs=_SELECT)
    )
    period_2 = forms.ChoiceField(
        label=_("Period"), required=False, widget=forms.Select(attrs=_SELECT)
    )
    aggregates = forms.MultipleChoiceField(
        label=_("Figures"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    chart = forms.ChoiceField(
        label=_("Chart"), choices=Chart.choices, widget=forms.Select(attrs=_SELECT)
    )
    share = forms.ChoiceField(
        label=_("Shared with"), choices=Share.choices, widget=forms.Select(attrs=_SELECT)
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=None, required=False, widget=forms.Select(attrs=_SELECT)
    )

    def __init__(self, *args, user, module=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = [m for m in registry.modules() if permissions.can(user, "list", m.model)]
        self.fields["module"].choices = [(m.slug, m.verbose_name_plural) for m in allowed]
        chosen = module or (allowed[0] if allowed else None)
        self.module = chosen
        periods = [("", "—"), *((k, v) for k, v in spec.PERIODS.items())]
        self.fields["period_1"].choices = periods
        self.fields["period_2"].choices = periods
        self.fields["team"].queryset = user.teams.all()
        if chosen is not None:
            groups = [(g.name, g.label) for g in spec.group_fields(chosen).values()]
            self.fields["group_1"].choices = groups
            self.fields["group_2"].choices = [("", "—"), *groups]
            self.fields["aggregates"].choices = figure_choices(chosen)
            self.fields["module"].initial = chosen.slug

    def group_by(self) -> list[str]:
        data = self.cleaned_data
        chosen = []
        for n in (1, 2):
            name, period = data.get(f"group_{n}"), data.get(f"period_{n}")
            if name:
                chosen.append(f"{name}:{period}" if period else name)
        return chosen

    def values(self, params) -> dict:
        """What `save_report` takes, with the filters of the query dict `params`."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "module": data["module"],
            "filters": engine.normalise(self.module, params) if self.module else "",
            "group_by": self.group_by(),
            "aggregates": list(data.get("aggregates") or []),
            "chart": data["chart"],
            "share": data["share"],
            "team": data.get("team"),
        }

    def show_errors(self, errors: dict) -> None:
        """Put the action's messages on the fields they belong to."""
        targets = {"group_by": "group_1", "filters": None}
        for key, messages in errors.items():
            target = targets.get(key, key)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


def figure_choices(module) -> list[tuple[str, str]]:
    """(value, label) of every figure `module` offers: the count first, then per number field
    its sum, average, minimum and maximum."""
    choices = [("count", spec.figure_label(module, "count"))]
    for number in spec.number_fields(module).values():
        for operation in spec.OPERATIONS:
            value = f"{operation}:{number.name}"
            choices.append((value, spec.figure_label(module, value)))
    return choices


def initial_for(report) -> dict:
    """The form's initial values of a saved report."""
    initial = {
        "name": report.name,
        "module": report.module,
        "aggregates": list(report.aggregates),
        "chart": report.chart,
        "share": report.share,
        "team": report.team_id,
    }
    for n, value in enumerate(report.group_by[:2], start=1):
        name, period = spec.parse_group(value)
        initial[f"group_{n}"] = name
        initial[f"period_{n}"] = period
    return initial
