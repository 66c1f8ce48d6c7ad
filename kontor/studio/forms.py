"""Studio's forms: they parse what admins type; the actions check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kontor.core import dropdowns
from kontor.studio.actions.dropdowns import FORECAST_CATEGORIES
from kontor.studio.models import FieldType


def _control(field: forms.Field) -> forms.Field:
    css = (
        "form-check-input"
        if isinstance(field.widget, forms.CheckboxInput)
        else ("form-select" if isinstance(field.widget, forms.Select) else "form-control")
    )
    field.widget.attrs.setdefault("class", css)
    return field


class StudioForm(forms.Form):
    """Bootstrap classes on every input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _control(field)


class ListForm(StudioForm):
    name = forms.CharField(
        label=_("Name"), max_length=64, help_text=_("e.g. region_dom; never changes")
    )
    label_en = forms.CharField(label=_("English label"), max_length=100, required=False)
    label_de = forms.CharField(label=_("German label"), max_length=100, required=False)


class ValueForm(StudioForm):
    key = forms.CharField(
        label=_("Key"), max_length=100, help_text=_("Stored on records; never changes once used")
    )
    label_en = forms.CharField(label=_("English label"), max_length=100)
    label_de = forms.CharField(label=_("German label"), max_length=100)
    probability = forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, required=False
    )
    forecast_category = forms.ChoiceField(label=_("Forecast category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _forecast_choices(self)


class ValueEditForm(StudioForm):
    label_en = forms.CharField(label=_("English label"), max_length=100)
    label_de = forms.CharField(label=_("German label"), max_length=100)
    active = forms.BooleanField(label=_("Active"), required=False)
    probability = forms.IntegerField(
        label=_("Probability (%)"), min_value=0, max_value=100, required=False
    )
    forecast_category = forms.ChoiceField(label=_("Forecast category"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _forecast_choices(self)


def _forecast_choices(form: forms.Form) -> None:
    """A sales stage's forecast category: the values of the list the opportunities declare,
    read through the core's dropdowns (Studio is below the apps), plus the stored key."""
    field = form.fields["forecast_category"]
    keep = form.initial.get("forecast_category") or ""
    field.choices = [("", "---------"), *dropdowns.choices(FORECAST_CATEGORIES, keep=keep)]


class CustomFieldForm(StudioForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        help_text=_("e.g. budget_code: letters, digits, underscores"),
    )
    label_en = forms.CharField(label=_("English label"), max_length=100)
    label_de = forms.CharField(label=_("German label"), max_length=100)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    dropdown = forms.ChoiceField(label=_("Dropdown list"), required=False, choices=())
    link_module = forms.ChoiceField(label=_("Links to"), required=False, choices=())
    required = forms.BooleanField(label=_("Required"), required=False)

    def __init__(self, *args, lists=(), modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dropdown"].choices = [("", "---------"), *((n, n) for n in lists)]
        self.fields["link_module"].choices = [
            ("", "---------"),
            *((m.slug, m.verbose_name) for m in modules),
        ]


class CustomFieldEditForm(StudioForm):
    label_en = forms.CharField(label=_("English label"), max_length=100)
    label_de = forms.CharField(label=_("German label"), max_length=100)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False)
    indexed = forms.BooleanField(
        label=_("Indexed"),
        required=False,
        help_text=_(
            "A database index on the field's values: faster sorting and filtering on large lists"
        ),
    )


class ImportForm(StudioForm):
    file = forms.FileField(label=_("Configuration file (JSON)"))


class InstallationSettingsForm(forms.Form):
    """Administration → Settings: the B2B/B2C mode and the conversion policy."""

    mode = forms.ChoiceField(
        label=_("Customers"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[
            ("b2b", _("B2B: companies buy")),
            ("b2c", _("B2C: people buy for themselves")),
        ],
    )
    conversion_policy = forms.ChoiceField(
        label=_("Converting leads"),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[
            ("early", _("Early: as soon as a lead is qualified")),
            ("late", _("Late: when the customer buys")),
        ],
    )
