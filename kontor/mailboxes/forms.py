"""The mailbox settings form (administration's shared mailboxes and each user's own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.mailboxes.models import Mailbox


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Mailbox
        fields = (
            "name",
            "email_address",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "private_default",
            "active",
        )

    def __init__(self, *args, personal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not personal:
            del self.fields["private_default"]
        if self.instance.password:
            self.fields["password"].help_text = _("Stored. Leave empty to keep it.")
        for name, field in self.fields.items():
            css = "form-select" if name == "security" else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs["class"] = css
        self.fields["host"].widget.attrs["placeholder"] = "imap.example.com"

    def _post_clean(self):
        # The stored password is never put into the form; the action keeps or replaces it.
        password = self.instance.password
        super()._post_clean()
        self.instance.password = password
