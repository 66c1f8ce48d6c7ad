from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.users import preferences
from kontor.users.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language", "time_zone"]
        widgets = {
            "language": forms.Select(attrs={"class": "form-select"}),
            "time_zone": forms.Select(attrs={"class": "form-select"}),
        }


class FormatsForm(forms.Form):
    """How the user's dates, numbers and new amounts look; saved with the settings above."""

    date_format = forms.ChoiceField(
        label=_("Date format"), required=False, choices=preferences.date_choices
    )
    number_format = forms.ChoiceField(
        label=_("Number format"), required=False, choices=preferences.number_choices
    )
    currency = forms.ChoiceField(
        label=_("Default currency"),
        choices=preferences.currency_choices,
        help_text=_("New opportunities start in this currency."),
    )

    def __init__(self, *args, user, **kwargs):
        prefs = user.profile.preferences
        kwargs.setdefault(
            "initial",
            {
                "date_format": prefs.get("date_format", ""),
                "number_format": prefs.get("number_format", ""),
                "currency": prefs.get("currency") or "EUR",
            },
        )
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
