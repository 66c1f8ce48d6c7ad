"""The admin's form for a web form definition: settings plus a grid of the offered fields
(the person fields, then the custom fields of leads and of targets)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kontor.core.fields import DropdownFormField
from kontor.webforms.formfields import ALLOWED_FIELDS, MODEL_OF, custom_fields, model_for
from kontor.webforms.models import MODULES, WebForm

SETTINGS = (
    "name",
    "module",
    "language",
    "active",
    "lead_source",
    "campaign_name",
    "assignment",
    "assigned_user",
    "team",
    "thank_you_en",
    "thank_you_de",
    "redirect_url",
    "consent_text_en",
    "consent_text_de",
)
#: Built-in fields on a new form (every person record needs a last name; matching, an e-mail).
DEFAULT_ON = ("last_name", "email1")


class WebFormForm(forms.ModelForm):
    """Edits a WebForm; `field_rows` and `custom_rows` are the grid rows (include, required,
    position, labels). Custom fields belong to one record type, so their rows carry it in the
    input names (`c_<module>_<name>_…`) and only those of the chosen type are saved."""

    class Meta:
        model = WebForm
        fields = SETTINGS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_source"] = DropdownFormField(
            dropdown="lead_source_dom", label=_("Lead source")
        )
        self.fields["assigned_user"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        self.fields["assigned_user"].label_from_instance = lambda u: u.get_full_name() or u.username
        if "team" in self.fields:
            self.fields["team"].required = False
        for name in ("thank_you_en", "thank_you_de", "consent_text_en", "consent_text_de"):
            self.fields[name].widget.attrs["rows"] = 2
        current = {s["name"]: (i, s) for i, s in enumerate(self.instance.fields or [])}
        saved = self.instance.module if self.instance.pk else None
        for position, name in enumerate(ALLOWED_FIELDS, start=1):
            self._add_row(f"f_{name}", current.get(name), position * 10, default=name in DEFAULT_ON)
        #: (module, CustomFieldDef) of every custom field a form may ask for
        self.custom_defs = [(module, f) for module in MODEL_OF for f in custom_fields(module)]
        for position, (module, custom) in enumerate(
            self.custom_defs, start=len(ALLOWED_FIELDS) + 1
        ):
            # A saved form's spec names a custom field of its own record type only.
            found = current.get(custom.name) if module == saved else None
            key = self._key(module, custom.name)
            self._add_row(key, found, position * 10, default=False, required=custom.required)
            # Yes/no is never required (unticked means "no"), so there is nothing to choose.
            self.fields[f"{key}_required"].disabled = custom.field_type == "boolean"
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class",
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control",
            )

    @staticmethod
    def _key(module: str, name: str) -> str:
        return f"c_{module}_{name}"

    def _add_row(
        self, key: str, found, default_pos: int, *, default: bool, required: bool = False
    ) -> None:
        """The inputs of one grid row; `found` is (index, spec) when the form has the field."""
        index, spec = found or (None, {})
        self.fields[f"{key}_on"] = forms.BooleanField(
            required=False, initial=index is not None or default
        )
        self.fields[f"{key}_required"] = forms.BooleanField(
            required=False, initial=spec.get("required", default) or required
        )
        self.fields[f"{key}_pos"] = forms.IntegerField(
            required=False,
            min_value=0,
            max_value=999,
            initial=(index + 1) * 10 if index is not None else default_pos,
        )
        for lang in ("en", "de"):
            self.fields[f"{key}_label_{lang}"] = forms.CharField(
                required=False, max_length=200, initial=spec.get(f"label_{lang}", "")
            )

    def _row(self, key: str, **extra) -> dict:
        # The grid's column headers label its inputs for sight; screen readers get a name each.
        columns = {
            "on": _("On the form"),
            "required": _("Required"),
            "pos": _("Position"),
            "label_en": _("Label (English)"),
            "label_de": _("Label (German)"),
        }
        for part, column in columns.items():
            name = f"{extra.get('label', key)}: {column}"
            self.fields[f"{key}_{part}"].widget.attrs["aria-label"] = name
        return {
            "on": self[f"{key}_on"],
            "required": self[f"{key}_required"],
            "pos": self[f"{key}_pos"],
            "label_en": self[f"{key}_label_en"],
            "label_de": self[f"{key}_label_de"],
            **extra,
        }

    def field_rows(self) -> list[dict]:
        """One row per offered record field, with the field's own name as a hint."""
        lead = model_for("leads")
        return [
            self._row(f"f_{name}", name=name, label=lead._meta.get_field(name).verbose_name)
            for name in ALLOWED_FIELDS
        ]

    def custom_rows(self) -> list[dict]:
        """One row per custom field a form may ask for, grouped by record type (`module`,
        `module_label`), with its type and whether Studio makes it required."""
        from kontor.studio.models import FieldType

        types, modules = dict(FieldType.choices), dict(MODULES)
        return [
            self._row(
                self._key(module, f.name),
                name=f.name,
                label=f.label,
                module=module,
                module_label=modules[module],
                type_label=types.get(f.field_type, f.field_type),
                studio_required=f.required and f.field_type != "boolean",
            )
            for module, f in self.custom_defs
        ]

    def settings_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("f_", "c_"))]

    def _post_clean(self):
        # The chosen fields become the JSON definition before the model's own checks run.
        data = self.cleaned_data
        module = data.get("module") or self.instance.module
        rows = [(f"f_{name}", name) for name in ALLOWED_FIELDS]
        rows += [(self._key(m, f.name), f.name) for m, f in self.custom_defs if m == module]
        chosen = []
        for key, name in rows:
            if data.get(f"{key}_on"):
                chosen.append(
                    (
                        data.get(f"{key}_pos") or 0,
                        {
                            "name": name,
                            "required": bool(data.get(f"{key}_required")),
                            "label_en": data.get(f"{key}_label_en", ""),
                            "label_de": data.get(f"{key}_label_de", ""),
                        },
                    )
                )
        self.instance.fields = [spec for _pos, spec in sorted(chosen, key=lambda c: c[0])]
        other = [
            f.label
            for m, f in self.custom_defs
            if m != module and data.get(f"{self._key(m, f.name)}_on")
        ]
        if other:
            # Ticked for another record type: say so rather than drop the tick unseen.
            self.add_error(
                None,
                _(
                    "These custom fields belong to another record type than the form creates: "
                    "%(fields)s."
                )
                % {"fields": ", ".join(other)},
            )
        super()._post_clean()
