"""The opportunity form: choosing a stage fills the probability in the browser too."""

import json

from kontor.core import dropdowns
from kontor.core.records.forms import RecordForm


class OpportunityForm(RecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sales_stage" in self.fields:
            probabilities = {o.key: o.extra.get("probability")
                             for o in dropdowns.options("sales_stage_dom")}
            self.fields["sales_stage"].widget.attrs["data-probabilities"] = json.dumps(
                probabilities)
