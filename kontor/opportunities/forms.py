"""The opportunity form: the stage fills the probability in the browser too; B2B needs an
account; the currency is an ISO 4217 code."""

import json
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from kontor.core import dropdowns
from kontor.core.records.forms import RecordForm
from kontor.opportunities.models import NEEDS_ACCOUNT


class OpportunityForm(RecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sales_stage" in self.fields:
            probabilities = {
                o.key: o.extra.get("probability") for o in dropdowns.options("sales_stage_dom")
            }
            self.fields["sales_stage"].widget.attrs["data-probabilities"] = json.dumps(
                probabilities
            )
        if "account" in self.fields and settings.KONTOR_MODE == "b2b":
            self.fields["account"].required = True
            self.fields["account"].error_messages["required"] = NEEDS_ACCOUNT

    def clean_currency(self):
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise forms.ValidationError(_("Enter a three-letter currency code such as EUR."))
        return code
