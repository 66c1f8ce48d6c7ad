"""The journeys most funnel tests count (times in UTC, cohort months in Europe/Berlin)."""

import pytest

from kontor.funnel.tests.helpers import at, change, lead, target, to_lead, to_opportunity


@pytest.fixture
def journeys(rep, django_capture_on_commit_callbacks):
    """A journey from target to won, a lead created directly and moved back from SQL to MQL,
    and a lead created in MQL; the listener ran after each commit."""
    with django_capture_on_commit_callbacks(execute=True):
        start = target(rep, at(1, 10), campaign_name="Messe")
        won_lead = to_lead(start, at(1, 12), actor=rep)
        change(won_lead, "lifecycle_stage", "MQL", at(1, 15), actor=rep)
        change(won_lead, "lifecycle_stage", "SQL", at(1, 20), actor=rep)
        deal = to_opportunity(won_lead, at(2, 1), actor=rep)
        change(deal, "sales_stage", "Closed Won", at(3, 1), actor=rep)
        direct = lead(rep, at(2, 5), lead_source="Email")
        change(direct, "lifecycle_stage", "SQL", at(2, 6), actor=rep)
        change(direct, "lifecycle_stage", "MQL", at(2, 7), actor=rep)
        hot = lead(rep, at(2, 8), lifecycle_stage="MQL")
    return {"target": start, "lead": won_lead, "deal": deal, "direct": direct, "hot": hot}
