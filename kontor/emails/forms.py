"""The forms of the e-mail pages: compose, the template editor and a user's sender settings."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kontor.emails.models import EmailTemplate, SenderIdentity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's FileField takes one)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


class ComposeForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), required=False)
    to = forms.CharField(label=pgettext_lazy("email", "To"), widget=_text(autocomplete="email"))
    cc = forms.CharField(label=_("Cc"), required=False, widget=_text())
    bcc = forms.CharField(label=_("Bcc"), required=False, widget=_text())
    subject = forms.CharField(label=_("Subject"), max_length=255, widget=_text())
    body = forms.CharField(
        label=_("Text"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 14}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    #: the template the text came from: its HTML part is sent while the text is unchanged
    used_template = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, template_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("(no template)"))] + [
            (name, name) for name in template_names
        ]
        self.fields["template"].widget.attrs["class"] = "form-select"


class TemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ("name", "language", "type", "description", "subject", "body", "body_html")
        widgets = {
            "name": _text(),
            "description": _text(),
            "subject": _text(),
            "language": forms.Select(attrs={"class": "form-select"}),
            "type": forms.Select(attrs={"class": "form-select"}),
            "body": forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 12}),
            "body_html": forms.Textarea(attrs={"class": "form-control font-monospace", "rows": 8}),
        }


class SenderForm(forms.ModelForm):
    class Meta:
        model = SenderIdentity
        fields = ("from_name", "from_address", "signature")
        widgets = {
            "from_name": _text(),
            "from_address": forms.EmailInput(attrs={"class": "form-control"}),
            "signature": forms.Textarea(attrs={"class": "form-control", "rows": 5}),
        }
