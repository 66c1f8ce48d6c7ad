"""Which record fields a web form may ask for, and the public form built from a definition.

The public form uses each model field's own form field (e-mail, phone and dropdown checks
included), with the admin's label in the form's language and the admin's required flag. The
model's validation (`Record.full_clean`, where required custom fields are enforced) runs again
in the action; its errors come back onto these fields.
"""

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from kontor.core import config

#: Fields an admin can put on a form, in the order they appear (person fields of DOMAIN.md §2).
ALLOWED_FIELDS = (
    "salutation", "first_name", "last_name", "email1", "phone_work", "phone_mobile",
    "account_name", "title", "department", "website", "primary_address_street",
    "primary_address_postalcode", "primary_address_city", "primary_address_state",
    "primary_address_country", "description",
)
#: The name of the hidden field bots fill in and people never see.
HONEYPOT = "homepage"
MODEL_OF = {"leads": "leads.Lead", "targets": "targets.Target"}


def model_for(module: str):
    return apps.get_model(MODEL_OF[module])


def allowed_fields(module: str) -> list:
    """The model fields of ALLOWED_FIELDS that records of `module` have."""
    model = model_for(module)
    names = {f.name for f in model._meta.get_fields()}
    return [model._meta.get_field(n) for n in ALLOWED_FIELDS if n in names]


class PublicForm(forms.Form):
    """What a visitor fills in: the chosen fields, the consent box and the honeypot."""

    def __init__(self, webform, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.webform = webform
        model = model_for(webform.module)
        language = webform.language
        # Fields an admin marked required in Studio stay required on every web form.
        required = config.required_fields(model)
        for spec in webform.fields:
            model_field = model._meta.get_field(spec["name"])
            field = model_field.formfield()
            field.required = bool(spec.get("required")) or spec["name"] in required
            label = spec.get(f"label_{language}") or spec.get("label_en") or spec.get("label_de")
            if label:
                field.label = label
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")
            self.fields[spec["name"]] = field
        consent = webform.text("consent_text")
        if consent:
            self.fields["consent"] = forms.BooleanField(
                label=consent, required=True,
                error_messages={"required": _("Please give your consent to continue.")})
        # Filled in only by bots: hidden from people and from screen readers.
        self.fields[HONEYPOT] = forms.CharField(required=False, label=_("Leave this empty"),
                                                max_length=200)
        self.fields[HONEYPOT].widget.attrs.update(tabindex="-1", autocomplete="off")

    @property
    def visible_fields_without_honeypot(self):
        return [f for f in self if f.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT]

    def record_values(self) -> dict:
        """The submitted values of record fields (cleaned), without consent and honeypot."""
        return {s["name"]: self.cleaned_data.get(s["name"]) for s in self.webform.fields
                if s["name"] in self.cleaned_data}
