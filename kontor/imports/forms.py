"""The upload form and the reading of the mapping screen's fields, for the import pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kontor.core.cell_values import FORMATS
from kontor.imports.actions import MATCHES, MODES, RULES, check_upload


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV, Excel or vCard file (.csv, .xlsx, .vcf)"))

    def clean_file(self):
        """The action's own check (`check_upload`), shown on the field before the upload is
        stored."""
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["file"]) from None
        return upload


def settings_from_post(data, width: int, current: dict) -> dict:
    """The batch options the mapping screen posted (unknown values fall back to defaults;
    the action validates the rest)."""
    columns = [
        {"field": data.get(f"field_{i}", ""), "rule": _pick(data.get(f"rule_{i}"), RULES)}
        for i in range(width)
    ]
    return {
        **current,
        "columns": columns,
        "mode": _pick(data.get("mode"), MODES),
        "match": _pick(data.get("match"), MATCHES),
        "number_format": _pick(data.get("number_format"), FORMATS),
        "create_missing": data.get("create_missing") == "on",
        "external_source": (data.get("external_source") or "").strip()[:64],
    }


def _pick(value, allowed):
    return value if value in allowed else allowed[0]
