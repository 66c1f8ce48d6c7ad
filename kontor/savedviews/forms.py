"""The forms of saved views: name and sharing (saving a list, renaming), and the columns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.core import permissions
from kontor.users.sharing import Share


def share_choices(user) -> list[tuple[str, str]]:
    """Who a view may be shared with by `user`: nobody, everyone, or a team of theirs (an
    administrator: any team). Team choices are "team:<id>"."""
    teams = user.teams.model.objects.order_by("name")
    if not permissions.is_admin(user):
        teams = teams.filter(members=user)
    return [
        (Share.PRIVATE, Share.PRIVATE.label),
        (Share.EVERYONE, Share.EVERYONE.label),
        *[(f"team:{t.pk}", _("Team: %(name)s") % {"name": t.name}) for t in teams],
    ]


def shared_value(view) -> str:
    """The share choice naming `view`'s scope."""
    return f"team:{view.team_id}" if view.share == Share.TEAM else view.share


class ViewForm(forms.Form):
    """Name and sharing of a view. `share_and_team()` splits the choice for the actions; the
    actions validate (a field's error comes back from their ValidationError)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "autocomplete": "off"}
        ),
    )
    shared_with = forms.ChoiceField(
        label=_("Shared with"), widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["shared_with"].choices = share_choices(user)

    def share_and_team(self) -> tuple[str, object]:
        value = self.cleaned_data.get("shared_with") or ""
        if value.startswith("team:"):
            team = self.user.teams.model.objects.filter(pk=value[5:]).first()
            return Share.TEAM, team
        return value, None


class NewViewForm(ViewForm):
    """Saving the list as it is shown: name, sharing, and whether its columns come along."""

    query = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-current-query": ""})
    )
    with_columns = forms.BooleanField(
        label=_("Keep the columns shown now"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class ColumnsForm(forms.Form):
    """The columns of a view; none ticked: each viewer's own columns."""

    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = choices
