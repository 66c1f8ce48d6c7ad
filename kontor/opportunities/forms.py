"""The opportunity form: the stage fills the probability in the browser too; B2B needs an
account (the model checks it too). The currency code is checked by the model field
(`CurrencyField`), for the form, the API and the import alike."""

import json

from django.conf import settings

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
