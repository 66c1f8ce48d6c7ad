"""The opportunity form: the stage fills the probability in the browser too; B2B needs an
account (the model checks it too). The currency code is checked by the model field
(`CurrencyField`), for the form, the API and the import alike."""

import json

from kontor.core import config, dropdowns, preferences
from kontor.core.records.forms import RecordForm
from kontor.opportunities.models import NEEDS_ACCOUNT


class OpportunityForm(RecordForm):
    def __init__(self, *args, **kwargs):
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        if "sales_stage" in self.fields:
            probabilities = {
                o.key: o.extra.get("probability") for o in dropdowns.options("sales_stage_dom")
            }
            self.fields["sales_stage"].widget.attrs["data-probabilities"] = json.dumps(
                probabilities
            )
        if (
            "currency" in self.fields
            and self.instance._state.adding
            and "currency" not in given
            and self.user is not None
        ):
            # A new opportunity starts in the currency its creator chose in their settings.
            chosen = preferences.default_currency(self.user)
            if chosen:
                self.initial["currency"] = chosen
        if "account" in self.fields and config.mode() == "b2b":
            self.fields["account"].required = True
            self.fields["account"].error_messages["required"] = NEEDS_ACCOUNT

    def _post_clean(self):
        super()._post_clean()
        # The model refuses a missing account too (for the API and the import), with the words
        # the required field already used: a message is shown once per field.
        for found in self._errors.values():
            texts = [str(text) for text in found]  # as shown, one per error
            found.data = [e for i, e in enumerate(found.data) if texts[i] not in texts[:i]]
