"""The admin's form for a web form definition: settings plus a grid of the offered fields."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownFormField
from kontor.webforms.formfields import ALLOWED_FIELDS, model_for
from kontor.webforms.models import WebForm

SETTINGS = ("name", "module", "language", "active", "lead_source", "campaign_name",
            "assignment", "assigned_user", "team", "thank_you_en", "thank_you_de",
            "redirect_url", "consent_text_en", "consent_text_de")


class WebFormForm(forms.ModelForm):
    """Edits a WebForm; `field_rows` are the grid rows (include, required, position, labels)."""

    class Meta:
        model = WebForm
        fields = SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_source"] = DropdownFormField(dropdown="lead_source_dom",
                                                       label=_("Lead source"))
        self.fields["assigned_user"].queryset = get_user_model().objects.filter(
            is_active=True).order_by("username")
        if "team" in self.fields:
            self.fields["team"].required = False
        for name in ("thank_you_en", "thank_you_de", "consent_text_en", "consent_text_de"):
            self.fields[name].widget.attrs["rows"] = 2
        current = {s["name"]: (i, s) for i, s in enumerate(self.instance.fields or [])}
        for position, name in enumerate(ALLOWED_FIELDS, start=1):
            index, spec = current.get(name, (None, {}))
            self.fields[f"f_{name}_on"] = forms.BooleanField(
                required=False, initial=index is not None or name in ("last_name", "email1"))
            self.fields[f"f_{name}_required"] = forms.BooleanField(
                required=False, initial=spec.get("required", name in ("last_name", "email1")))
            self.fields[f"f_{name}_pos"] = forms.IntegerField(
                required=False, min_value=0, max_value=999,
                initial=(index + 1) * 10 if index is not None else position * 10)
            for lang in ("en", "de"):
                self.fields[f"f_{name}_label_{lang}"] = forms.CharField(
                    required=False, max_length=200, initial=spec.get(f"label_{lang}", ""))
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select" if isinstance(
                field.widget, forms.Select) else "form-check-input" if isinstance(
                field.widget, forms.CheckboxInput) else "form-control")

    def field_rows(self) -> list[dict]:
        """One row per offered record field, with the field's own name as a hint."""
        lead = model_for("leads")
        return [{"name": name, "label": lead._meta.get_field(name).verbose_name,
                 "on": self[f"f_{name}_on"], "required": self[f"f_{name}_required"],
                 "pos": self[f"f_{name}_pos"], "label_en": self[f"f_{name}_label_en"],
                 "label_de": self[f"f_{name}_label_de"]} for name in ALLOWED_FIELDS]

    def settings_fields(self):
        return [self[name] for name in self.fields if not name.startswith("f_")]

    def _post_clean(self):
        # The chosen fields become the JSON definition before the model's own checks run.
        data = self.cleaned_data
        chosen = []
        for name in ALLOWED_FIELDS:
            if data.get(f"f_{name}_on"):
                chosen.append((data.get(f"f_{name}_pos") or 0, {
                    "name": name, "required": bool(data.get(f"f_{name}_required")),
                    "label_en": data.get(f"f_{name}_label_en", ""),
                    "label_de": data.get(f"f_{name}_label_de", "")}))
        self.instance.fields = [spec for _pos, spec in sorted(chosen, key=lambda c: c[0])]
        super()._post_clean()
