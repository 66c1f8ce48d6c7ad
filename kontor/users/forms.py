from django import forms

from kontor.users.models import Profile


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language", "time_zone"]
        widgets = {
            "language": forms.Select(attrs={"class": "form-select"}),
            "time_zone": forms.Select(attrs={"class": "form-select"}),
        }
