"""Leads: the standard module tests, the Converted status and lifecycle stages."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kontor.core.actions import mass_update, save_record
from kontor.core.models import ChangeLog
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
    form_data,
    log_of,
)
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory

ONLY_CONVERSION = "Only converting the lead sets the status Converted."
NOT_OFFERED = "Select a valid choice. Converted is not one of the available choices."


class TestLeadModule(RecordModuleTests):
    module_slug = "leads"
    factory = LeadFactory
    edit = ("status", "In Process")
    invalid_cases = [
        Invalid("converted-by-hand", {"status": "Converted"}, "status", NOT_OFFERED),
        Invalid("missing-last-name", {"last_name": None}, "last_name", "This field is required."),
        Invalid("bad-email", {"email1": "lena@lead"}, "email1", "Enter a valid email address."),
        Invalid(
            "unknown-stage",
            {"lifecycle_stage": "XQL"},
            "lifecycle_stage",
            "Select a valid choice. XQL is not one of the available choices.",
        ),
        Invalid(
            "too-long-status-description",
            {"status_description": "x" * 5001},
            "status_description",
            "Ensure this value has at most 5000 characters (it has 5001).",
        ),
        Invalid(
            "amount-not-a-number",
            {"opportunity_amount": "viel"},
            "opportunity_amount",
            "Enter a number.",
        ),
        Invalid(
            "impossible-birthdate", {"birthdate": "2025-02-30"}, "birthdate", "Enter a valid date."
        ),
    ]

    def valid_data(self):
        return {
            "salutation": "Mr.",
            "first_name": "Lars",
            "last_name": "Lead",
            "account_name": "Fjord GmbH",
            "email1": "lars@fjord.example",
            "phone_work": "+49 40 123456",
            "status": "Assigned",
            "lifecycle_stage": "MQL",
            "lead_source": "Web Site",
            "opportunity_name": "Roll-out 2025",
            "opportunity_amount": "1500.00",
            "website": "https://fjord.example",
        }

    def mass_update_value(self, other_user):
        return "status", "Dead"


def fetch(lead) -> Lead:
    return Lead.objects.get(pk=lead.pk)


def test_a_blank_status_and_stage_become_new_and_ml(rep):
    started = timezone.now()
    lead = save_record(Lead(last_name="Leer", status="", lifecycle_stage=""), actor=rep)
    stored = fetch(lead)
    assert (stored.status, stored.lifecycle_stage) == ("New", "ML")
    assert started <= stored.stage_entered_at <= timezone.now()


def test_the_forms_do_not_offer_converted_and_refuse_it(rep_client, rep):
    lead = LeadFactory(actor=rep)
    url = f"/leads/{lead.pk}/edit/"
    for form in (
        rep_client.get("/leads/new/").context["form"],
        rep_client.get(url).context["form"],
    ):
        offered = [key for key, _label in form.fields["status"].choices]
        assert "Converted" not in offered and "Dead" in offered
    data = {**form_data(rep_client.get(url).context["form"]), "status": "Converted"}
    response = rep_client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["status"] == [NOT_OFFERED]
    assert (fetch(lead).status, fetch(lead).converted) == ("New", False)
    assert log_of(lead, "update") == []


def test_mass_update_refuses_converted_for_all(rep_client, rep):
    leads = LeadFactory.create_batch(2, actor=rep)
    rep_client.post(
        "/leads/mass/",
        {"verb": "update", "field": "status", "status": "Converted", "ids": [x.pk for x in leads]},
    )
    assert [fetch(x).status for x in leads] == ["New", "New"]
    assert [log_of(x, "update") for x in leads] == [[], []]
    count, refused = mass_update([fetch(x) for x in leads], {"status": "Converted"}, actor=rep)
    assert count == 0
    assert [errors for errors in refused.values()] == [{"status": [ONLY_CONVERSION]}] * 2
    assert [fetch(x).status for x in leads] == ["New", "New"]
    assert [log_of(x, "update") for x in leads] == [[], []]


def test_a_stage_change_in_the_form_sets_stage_entered_at(rep_client, rep):
    lead = LeadFactory(actor=rep)
    entered = fetch(lead).stage_entered_at
    url = f"/leads/{lead.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "lifecycle_stage": "SQL"}
    assert rep_client.post(url, data).status_code == 302
    stored = fetch(lead)
    assert stored.lifecycle_stage == "SQL"
    assert stored.stage_entered_at > entered
    # The log row of the stage change carries the time; the derived column is not logged again.
    assert [row[1] for row in log_of(lead, "update")] == ["lifecycle_stage"]


def test_other_edits_keep_stage_entered_at(rep_client, rep):
    lead = LeadFactory(actor=rep)
    entered = fetch(lead).stage_entered_at
    url = f"/leads/{lead.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "title": "Einkauf"}
    assert rep_client.post(url, data).status_code == 302
    assert fetch(lead).stage_entered_at == entered


def test_saving_the_same_lead_twice_logs_the_stage_change_once(rep):
    # An action may save one instance twice (a conversion, a workflow); the second save,
    # with nothing changed, must write nothing (the early return of save_record).
    lead = fetch(LeadFactory(actor=rep))
    lead.lifecycle_stage = "MQL"
    save_record(lead, actor=rep)
    entered = fetch(lead).stage_entered_at
    rows = len(log_of(lead))
    save_record(lead, actor=rep)
    assert fetch(lead).stage_entered_at == entered
    assert len(log_of(lead)) == rows


def test_a_stage_change_by_mass_update_sets_stage_entered_at(rep):
    lead = LeadFactory(actor=rep)
    Lead.objects.filter(pk=lead.pk).update(
        stage_entered_at=fetch(lead).stage_entered_at - timedelta(days=30)
    )
    before = fetch(lead).stage_entered_at
    assert mass_update([fetch(lead)], {"lifecycle_stage": "SQL"}, actor=rep) == (1, {})
    assert fetch(lead).stage_entered_at > before


def test_the_converted_status_is_refused_by_the_action_too(rep):
    lead = fetch(LeadFactory(actor=rep))
    logs = ChangeLog.objects.count()
    lead.status = "Converted"
    with pytest.raises(ValidationError) as refused:
        save_record(lead, actor=rep)
    assert refused.value.message_dict == {"status": [ONLY_CONVERSION]}
    assert fetch(lead).status == "New"
    assert ChangeLog.objects.count() == logs


def test_open_leads_exclude_converted_recycled_and_dead(rep):
    statuses = ("New", "Assigned", "In Process", "Recycled", "Dead")
    assert [LeadFactory.build(status=s).is_open for s in statuses] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert LeadFactory.build(status="Converted").is_open is False


def test_a_converted_lead_stays_editable_and_keeps_its_status(rep_client, rep):
    lead = LeadFactory(actor=rep)
    Lead.objects.filter(pk=lead.pk).update(status="Converted", converted=True)
    url = f"/leads/{lead.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "title": "Einkauf"}
    assert data["status"] == "Converted"
    assert rep_client.post(url, data).status_code == 302
    assert (fetch(lead).status, fetch(lead).title) == ("Converted", "Einkauf")
