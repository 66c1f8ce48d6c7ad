"""A submission whose e-mail matches an existing contact or lead: an anonymous visitor who knows
the address changes no field of that record (not even an empty one, not its consent); the
submission is kept on the record's timeline for the people who may see the record to review."""

import pytest
from django.test import Client, override_settings

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.core.testing_tools import whole_page
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.webforms.actions import EVENT_FIELD, submit_webform
from kontor.webforms.tests.factories import make_webform, rendered_token, submit

pytestmark = pytest.mark.django_db

INTRUDER = {
    "first_name": "Mallory",
    "last_name": "Evil",
    "email1": "Anna.Berg@Example.org",
    "phone_work": "+49 40 999999",
    "description": "Delete all my data and call 0900-123.",
}


def stored(record) -> dict:
    """Every concrete column of `record` as it is in the database now."""
    fresh = type(record).objects.get(pk=record.pk)
    return {f.attname: getattr(fresh, f.attname) for f in type(record)._meta.concrete_fields}


def test_a_matching_submission_changes_no_field_of_the_contact(rep, admin):
    # Empty phone, description, campaign and consent: exactly what the old code filled in.
    contact = ContactFactory(
        actor=admin,
        email1="anna.berg@example.org",
        phone_work="",
        description="",
        campaign_name="",
        lawful_basis="",
        lawful_basis_source="",
        date_reviewed=None,
    )
    before = stored(contact)
    outcome = submit_webform(make_webform(rep), dict(INTRUDER), nonce="m-1", consent=True)
    assert outcome.record_id == contact.pk and not outcome.created
    assert stored(contact) == before
    assert Lead.objects.count() == 0
    event = ChangeLog.objects.get(record_id=contact.pk, field=EVENT_FIELD)
    assert event.origin == "webform:Contact us" and event.actor is None
    for value in ("Mallory", "Evil", "+49 40 999999", "0900-123", "I agree that Kontor GmbH"):
        assert value in event.new_value
    # The event is the only change-log row the submission wrote.
    assert ChangeLog.objects.filter(origin="webform:Contact us").count() == 1


def test_a_matching_submission_changes_no_field_of_a_lead_and_no_custom_value(rep, admin):
    lead = LeadFactory(
        actor=admin, email1="anna.berg@example.org", campaign_name="", phone_work="", custom={}
    )
    before = stored(lead)
    submit_webform(make_webform(rep), dict(INTRUDER), nonce="m-2", consent=True)
    assert stored(lead) == before
    assert Lead.objects.count() == 1


@override_settings(KONTOR_WEBFORM_MIN_SECONDS=0)
def test_the_submission_is_on_the_timeline_for_those_who_see_the_record(rep, admin, admin_client):
    contact = ContactFactory(actor=admin, email1="anna@example.org", description="")
    before = stored(contact)
    webform = make_webform(rep)
    visitor = Client(enforce_csrf_checks=True)
    answer = submit(
        visitor,
        webform,
        rendered_token(visitor, webform),
        first_name="Mallory",
        description="Please unsubscribe me.",
    )
    assert answer.status_code == 200
    assert stored(contact) == before
    page = whole_page(admin_client, contact.get_absolute_url()).content.decode()
    assert "Web form submission" in page
    assert "Mallory" in page and "Please unsubscribe me." in page


def test_without_a_match_a_new_lead_still_gets_the_sent_values_and_consent(rep):
    outcome = submit_webform(make_webform(rep), dict(INTRUDER), nonce="m-3", consent=True)
    lead = Lead.objects.get(pk=outcome.record_id)
    assert outcome.created
    assert (lead.first_name, lead.phone_work, lead.lawful_basis) == (
        "Mallory",
        "+49 40 999999",
        "consent",
    )


@override_settings(KONTOR_WEBFORM_MIN_SECONDS=0)
def test_sent_markup_is_shown_as_text_on_the_timeline(rep, admin, admin_client):
    contact = ContactFactory(actor=admin, email1="anna@example.org")
    webform = make_webform(rep)
    visitor = Client(enforce_csrf_checks=True)
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    submit(visitor, webform, rendered_token(visitor, webform), description=attack)
    page = whole_page(admin_client, contact.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page and "<img src=x" not in page
