"""The upload form and the reading of the mapping screen's fields, for the import pages."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kontor.imports.actions import MATCHES, MODES, RULES
from kontor.imports.values import FORMATS

#: The largest file the upload form accepts (a million leads are about 150 MB of CSV).
MAX_BYTES = getattr(settings, "KONTOR_IMPORT_MAX_BYTES", 300 * 1024 * 1024)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file (.csv, .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(MAX_BYTES)}
            )
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
