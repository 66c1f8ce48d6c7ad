"""Which record fields a web form may ask for, and the public form built from a definition.

The public form uses each model field's own form field (e-mail, phone and dropdown checks
included), and for a custom field the custom field's own form field and conversion
(`CustomFieldDef.formfield` / `to_python` in kontor.core), with the admin's label in the form's
language and the admin's required flag. The model's validation (`Record.full_clean`, where
required custom fields are enforced) runs again in the action; its errors come back onto these
fields.
"""

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kontor.core import config

#: Fields an admin can put on a form, in the order they appear (person fields, docs/domain.md §2).
ALLOWED_FIELDS = (
    "salutation",
    "first_name",
    "last_name",
    "email1",
    "phone_work",
    "phone_mobile",
    "account_name",
    "title",
    "department",
    "website",
    "primary_address_street",
    "primary_address_postalcode",
    "primary_address_city",
    "primary_address_state",
    "primary_address_country",
    "description",
)
#: The name of the hidden field bots fill in and people never see.
HONEYPOT = "homepage"
#: Custom fields' inputs are named "cf_<name>": an admin may call a custom field "homepage" or
#: "consent", which would otherwise be taken for the honeypot or the consent box.
CUSTOM_PREFIX = "cf_"
MODEL_OF = {"leads": "leads.Lead", "targets": "targets.Target"}


def model_for(module: str):
    return apps.get_model(MODEL_OF[module])


def allowed_fields(module: str) -> list:
    """The model fields of ALLOWED_FIELDS that records of `module` have."""
    model = model_for(module)
    names = {f.name for f in model._meta.get_fields()}
    return [model._meta.get_field(n) for n in ALLOWED_FIELDS if n in names]


def offered(custom) -> bool:
    """Whether a custom field may be put on a public form.

    Not a "link to a record": its input is a choice among Kontor's records, and the visitor is
    anonymous and outside every role and team, so offering it would list account, contact or
    user names to the whole internet (or, as a typed id, let a stranger link the new lead to any
    record). Such a field stays for people inside Kontor to fill in.
    """
    return custom.field_type != "relate"


def custom_fields(module: str) -> list:
    """The active custom fields of `module`'s record type a web form may ask for, in order."""
    return [f for f in config.custom_fields(model_for(module)) if offered(f)]


def custom_field(module: str, name: str):
    """The offered custom field `name` of `module`, or None (unknown, inactive or a link)."""
    return next((f for f in custom_fields(module) if f.name == name), None)


class PublicForm(forms.Form):
    """What a visitor fills in: the chosen fields, the consent box and the honeypot."""

    def __init__(self, webform, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.webform = webform
        model = model_for(webform.module)
        self.model_names = {f.name for f in allowed_fields(webform.module)}
        #: the custom fields on this form by input name (their values go to `record.custom`)
        self.custom: dict = {}
        language = webform.language
        # Fields an admin marked required in Studio stay required on every web form.
        required = config.required_fields(model)
        for spec in webform.fields:
            custom = custom_field(webform.module, spec["name"])
            if custom is not None:
                field = _custom_input(custom)
                label = custom.label_de if language == "de" else custom.label_en
            elif spec["name"] in self.model_names:
                field = model._meta.get_field(spec["name"]).formfield()
                label = None
            else:
                # A custom field deactivated (or made a link) after the form was saved: the
                # form goes on without it; the builder no longer offers it.
                continue
            # Yes/no is never required in Kontor (unticked is an answer: "no").
            field.required = not isinstance(field, forms.BooleanField) and (
                bool(spec.get("required")) or spec["name"] in required
            )
            label = spec.get(f"label_{language}") or (
                label or spec.get("label_en") or spec.get("label_de")
            )
            if label:
                field.label = label
            _style(field.widget)
            self.fields[self.input_name(spec["name"])] = field
            if custom is not None:
                self.custom[self.input_name(spec["name"])] = custom
        consent = webform.text("consent_text")
        if consent:
            self.fields["consent"] = forms.BooleanField(
                label=consent,
                required=True,
                error_messages={"required": _("Please give your consent to continue.")},
            )
        # Filled in only by bots: hidden from people and from screen readers.
        self.fields[HONEYPOT] = forms.CharField(
            required=False, label=_("Leave this empty"), max_length=200
        )
        self.fields[HONEYPOT].widget.attrs.update(tabindex="-1", autocomplete="off")

    @property
    def visible_fields_without_honeypot(self):
        return [f for f in self if f.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT]

    def clean(self):
        """Custom values into their stored form by the custom field's own conversion (the one
        the record's validation and the import use), so a refused value is shown on its field
        before anything is written."""
        cleaned = super().clean()
        for key, custom in self.custom.items():
            if key not in cleaned:
                continue
            try:
                cleaned[key] = custom.to_python(cleaned[key])
            except ValidationError as error:
                self.add_error(key, error)
        return cleaned

    def input_name(self, name: str) -> str:
        """The input of record field or custom field `name` on this form."""
        if name in self.model_names:
            return name
        return CUSTOM_PREFIX + name

    def record_values(self) -> dict:
        """The submitted values of record fields (cleaned), without consent and honeypot;
        custom fields by their name, in their stored form."""
        return {
            s["name"]: self.cleaned_data[self.input_name(s["name"])]
            for s in self.webform.fields
            if self.input_name(s["name"]) in self.cleaned_data
        }


def _custom_input(custom) -> forms.Field:
    """The custom field's own form field, with the input a browser offers for its type."""
    kind = custom.field_type
    if kind == "date":
        return custom.formfield(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    if kind == "datetime":
        return custom.formfield(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        )
    if kind == "multiselect":
        # Ticks instead of a <select multiple>, which needs a Ctrl-click visitors miss.
        return custom.formfield(widget=forms.CheckboxSelectMultiple)
    field = custom.formfield()
    if kind == "phone":
        field.widget.input_type = "tel"
    return field


def _style(widget) -> None:
    """Bootstrap's class for the widget's kind (the templates render `{{ field }}` as is)."""
    if isinstance(widget, forms.Textarea):
        widget.attrs["rows"] = 4
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        widget.attrs["class"] = "form-check-input"
    elif isinstance(widget, forms.Select):
        widget.attrs["class"] = "form-select"
    else:
        widget.attrs["class"] = "form-control"
