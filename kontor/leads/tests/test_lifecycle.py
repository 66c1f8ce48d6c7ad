"""The lead's lifecycle path: when it entered ML, MQL and SQL."""

import pytest

from kontor.core.actions import save_record
from kontor.leads.lifecycle import stage_history
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_each_stage_shows_when_it_was_entered(rep, rep_client):
    lead = save_record(Lead(last_name="Kraus", lifecycle_stage="ML"), actor=rep)
    lead = Lead.objects.get(pk=lead.pk)
    lead.lifecycle_stage = "MQL"
    save_record(lead, actor=rep)
    lead = Lead.objects.get(pk=lead.pk)
    lead.lifecycle_stage = "SQL"
    save_record(lead, actor=rep)

    stages = {s["key"]: s for s in stage_history(Lead.objects.get(pk=lead.pk))}

    assert list(stages) == ["ML", "MQL", "SQL"]
    assert stages["ML"]["entered"] == lead.date_entered
    assert stages["ML"]["entered"] < stages["MQL"]["entered"] <= stages["SQL"]["entered"]
    assert [s["current"] for s in stages.values()] == [False, False, True]
    html = rep_client.get(f"/leads/{lead.pk}/").content.decode()
    assert 'id="record-path"' in html and 'data-stage="MQL"' in html


def test_a_new_lead_has_entered_only_its_first_stage(rep):
    lead = save_record(Lead(last_name="Neu"), actor=rep)
    stored = Lead.objects.get(pk=lead.pk)
    stages = {s["key"]: s["entered"] for s in stage_history(stored)}
    # The time the model stamped on save, not just any time (date_entered is the fallback).
    assert stored.stage_entered_at is not None
    assert stages["ML"] == stored.stage_entered_at
    assert stages["MQL"] is None and stages["SQL"] is None
