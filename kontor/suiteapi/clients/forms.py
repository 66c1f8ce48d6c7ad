"""The administrator's form for a new OAuth2 client of the V8 API."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kontor.api.models import OAuthClient


class ClientForm(forms.Form):
    """Name, grant and the user a client-credentials client acts as; id and secret are
    chosen by Kontor (the command can set both, for clients that must keep theirs)."""

    name = forms.CharField(label=_("Name"), max_length=255)
    grant = forms.ChoiceField(
        label=_("Grant"),
        choices=OAuthClient.Grant.choices,
        initial=OAuthClient.Grant.CLIENT_CREDENTIALS,
    )
    user = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Client credentials: the user whose roles and teams the client has."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )
