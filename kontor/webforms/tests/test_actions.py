"""submit_webform without HTTP: new leads, duplicates by e-mail, consent, notifications, the
one-time token, and refused submissions that write nothing."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.targets.models import Target
from kontor.webforms.actions import EVENT_FIELD, submit_webform
from kontor.webforms.models import UsedToken
from kontor.webforms.tests.factories import FIELDS, make_webform

pytestmark = pytest.mark.django_db(transaction=False)

ANNA = {
    "first_name": "Anna",
    "last_name": "Berg",
    "email1": "Anna.Berg@Example.org",
    "phone_work": "",
    "description": "Please call me about the offer.",
}


def submit(webform, values=None, *, nonce="n-1", consent=True):
    return submit_webform(webform, dict(values or ANNA), nonce=nonce, consent=consent)


def test_a_new_lead_starts_new_ml_with_consent_source_and_owner(
    rep, django_capture_on_commit_callbacks
):
    webform = make_webform(rep)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = submit(webform)
    lead = Lead.objects.get(pk=outcome.record_id)
    assert outcome.created and not outcome.repeated
    assert (lead.first_name, lead.last_name, lead.email1) == (
        "Anna",
        "Berg",
        "anna.berg@example.org",
    )
    assert (lead.status, lead.lifecycle_stage) == ("New", "ML")
    assert (lead.lead_source, lead.campaign_name) == ("Web Site", "Spring 2027")
    assert (lead.lawful_basis, lead.lawful_basis_source, lead.date_reviewed) == (
        "consent",
        "website",
        timezone.localdate(),
    )
    assert lead.assigned_user == rep
    assert lead.created_by is None  # the actor of a web submission is the system
    row = ChangeLog.objects.get(record_id=lead.pk, action="create")
    assert row.origin == "webform:Contact us" and row.actor is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rolf@kontor.example"]
    assert "Anna Berg" in mail.outbox[0].subject and str(lead.pk) in mail.outbox[0].body


def test_without_consent_no_lawful_basis_is_recorded(rep):
    webform = make_webform(rep, consent_text_en="", consent_text_de="")
    lead = Lead.objects.get(pk=submit(webform, consent=False).record_id)
    assert (lead.lawful_basis, lead.lawful_basis_source, lead.date_reviewed) == ("", "", None)


def test_the_same_token_twice_creates_one_lead(rep, django_capture_on_commit_callbacks):
    webform = make_webform(rep)
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(webform)
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(webform, {**ANNA, "last_name": "Other"})
    assert second.repeated and second.record_id == first.record_id
    assert Lead.objects.count() == 1 and Lead.objects.get().last_name == "Berg"
    assert len(mail.outbox) == 1


def test_an_email_of_a_contact_attaches_the_submission_and_fills_nothing(rep, admin):
    contact = ContactFactory(
        actor=admin, email1="anna.berg@example.org", phone_work="", description=""
    )
    webform = make_webform(rep, fields=FIELDS[:4])
    outcome = submit(webform, {**ANNA, "first_name": "Annette", "phone_work": "030 1234567"})
    contact.refresh_from_db()
    assert not outcome.created and outcome.record_id == contact.pk
    assert Lead.objects.count() == 0
    assert contact.first_name == "Anna"  # filled fields are kept
    assert contact.phone_work == ""  # and empty ones stay empty: the timeline has the value
    event = ChangeLog.objects.get(record_id=contact.pk, field=EVENT_FIELD)
    assert event.origin == "webform:Contact us"
    assert "Contact us" in event.new_value and "Annette" in event.new_value
    assert "030 1234567" in event.new_value


def test_an_email_of_a_lead_attaches_instead_of_a_duplicate(rep, admin):
    lead = LeadFactory(actor=admin, email1="anna.berg@example.org", campaign_name="")
    outcome = submit(make_webform(rep))
    lead.refresh_from_db()
    assert outcome.record_id == lead.pk and Lead.objects.count() == 1
    assert lead.campaign_name == ""
    assert lead.assigned_user == admin  # the existing owner keeps the record
    assert ChangeLog.objects.filter(record_id=lead.pk, field=EVENT_FIELD).count() == 1


def test_a_targets_form_creates_a_target(rep):
    webform = make_webform(rep, module="targets", name="Newsletter")
    target = Target.objects.get(pk=submit(webform).record_id)
    assert (target.status, target.lead_source, target.lawful_basis) == (
        "New",
        "Web Site",
        "consent",
    )


def test_values_the_record_refuses_write_nothing(rep):
    webform = make_webform(rep)
    with pytest.raises(ValidationError) as error:
        submit(webform, {**ANNA, "last_name": ""})
    assert "last_name" in error.value.error_dict
    assert Lead.objects.count() == 0
    assert not UsedToken.objects.exists()  # the page can be corrected and sent again
    assert not ChangeLog.objects.filter(origin="webform:Contact us").exists()
    assert mail.outbox == []


def test_used_tokens_past_their_life_are_forgotten(rep):
    from datetime import timedelta

    webform = make_webform(rep)
    submit(webform, nonce="old")
    UsedToken.objects.filter(pk="old").update(used_at=timezone.now() - timedelta(days=2))
    submit(webform, {**ANNA, "email1": "second@example.org"}, nonce="new")
    assert list(UsedToken.objects.values_list("nonce", flat=True)) == ["new"]


def test_round_robin_takes_turns_among_active_members_and_joins_the_team(rep, admin):
    from kontor.users.actions import create_user, save_team
    from kontor.users.models import Team

    anna = create_user("anna", password="pw-anna-123!", email="anna@kontor.example")
    bert = create_user("bert", password="pw-bert-123!", email="bert@kontor.example")
    gone = create_user("gone", password="pw-gone-123!")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    team = save_team(Team(name="Inside sales"), actor=admin, members=[anna, bert, gone])
    webform = make_webform(rep, assignment="round_robin", assigned_user=None, team=team)
    owners = []
    for i in range(4):
        outcome = submit(webform, {**ANNA, "email1": f"p{i}@example.org"}, nonce=f"rr-{i}")
        lead = Lead.objects.get(pk=outcome.record_id)
        owners.append(lead.assigned_user.username)
        assert list(lead.teams.values_list("name", flat=True)) == ["Inside sales"]
    assert owners == ["anna", "bert", "anna", "bert"]


def test_round_robin_needs_a_team(rep):
    with pytest.raises(ValidationError) as error:
        make_webform(rep, assignment="round_robin", team=None)
    assert "assignment" in error.value.error_dict
