"""The "Convert target" page as a user meets it: the lead form pre-filled from the target,
the lead created and linked both ways, a second conversion refused, bad values on their fields.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory
from kontor.conversion.actions import convert_target
from kontor.conversion.tests.pages import convert_url, messages_of, snapshot
from kontor.core.testing import form_data
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.targets.models import Target
from kontor.targets.tests.factories import TargetFactory


@pytest.fixture
def target(rep):
    return TargetFactory(
        actor=rep,
        first_name="Vorname",
        last_name="Nachname",
        account_name="Firma",
        phone_work="+49 30 555123",
        lead_source="Trade Show",
    )


def target_form(client, target, **changes) -> dict:
    conversion = client.get(convert_url(target)).context["conversion"]
    data = {**form_data(conversion.lead), **form_data(conversion.hand_over)}
    data.update(changes)
    return data


def test_the_target_page_offers_the_conversion(rep_client, target):
    html = rep_client.get(target.get_absolute_url()).content.decode()
    assert f'href="{convert_url(target)}"' in html and "Convert target" in html


def test_the_lead_form_is_prefilled_from_the_target(rep_client, target):
    response = rep_client.get(convert_url(target))
    assert response.status_code == 200
    form = response.context["conversion"].lead
    assert (
        form["first_name"].value(),
        form["last_name"].value(),
        form["account_name"].value(),
        form["lead_source"].value(),
    ) == ("Vorname", "Nachname", "Firma", "Trade Show")
    assert "status" not in form.fields and "lifecycle_stage" not in form.fields
    assert response.context["conversion"].hand_over["activities"].value() == "move"


@pytest.mark.parametrize("mode", ["move", "copy"])
def test_converting_a_target_creates_the_lead_and_links_both_ways(rep_client, rep, target, mode):
    call = CallFactory(
        actor=rep, parent_type=ContentType.objects.get_for_model(Target), parent_id=target.pk
    )
    data = target_form(rep_client, target, **{"lead-title": "Einkauf", "activities": mode})

    response = rep_client.post(convert_url(target), data)

    target.refresh_from_db()
    lead = target.lead
    assert response.status_code == 302 and response.url == lead.get_absolute_url()
    assert (lead.first_name, lead.last_name, lead.account_name, lead.title) == (
        "Vorname",
        "Nachname",
        "Firma",
        "Einkauf",
    )
    assert (lead.status, lead.lifecycle_stage, lead.target) == ("New", "ML", target)
    assert target.status == "Converted"
    call.refresh_from_db()
    assert call.parent == (lead if mode == "move" else target)
    assert Call.objects.count() == (1 if mode == "move" else 2)
    page = rep_client.get(response.url)
    assert "Converted Vorname Nachname into the lead Vorname Nachname." in messages_of(page)
    assert f'href="{convert_url(lead)}"' in page.content.decode()  # the next step
    html = rep_client.get(target.get_absolute_url()).content.decode()
    assert f'href="{lead.get_absolute_url()}"' in html
    assert f'href="{convert_url(target)}"' not in html


def test_a_target_is_converted_once(rep_client, rep, target):
    data = target_form(rep_client, target)
    lead = convert_target(target, actor=rep)
    page = rep_client.get(convert_url(target))
    before = snapshot(target, lead)

    response = rep_client.post(convert_url(target), data)

    assert page.status_code == 200 and response.status_code == 409
    for shown in (page, response):
        html = shown.content.decode()
        assert "This target was already converted." in html
        assert f'href="{lead.get_absolute_url()}"' in html
        assert 'id="convert-target-form"' not in html
    assert snapshot(target, lead) == before


def test_an_invalid_lead_value_answers_400_on_its_field(rep_client, target):
    data = target_form(rep_client, target, **{"lead-last_name": "", "lead-phone_mobile": "abc"})
    before = snapshot(target)
    response = rep_client.post(convert_url(target), data)
    assert response.status_code == 400
    errors = response.context["conversion"].lead.errors
    assert errors["last_name"] == ["This field is required."]
    assert 'data-error-for="lead-last_name"' in response.content.decode()
    assert snapshot(target) == before
    # The phone number is the action's finding: it comes back once the name is given.
    data["lead-last_name"] = "Nachname"
    response = rep_client.post(convert_url(target), data)
    assert response.status_code == 400
    assert response.context["conversion"].lead.errors["phone_mobile"] == [
        "Enter a valid phone number."
    ]
    assert snapshot(target) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_users_are_sent_to_sign_in(db, rep, method):
    target, lead = TargetFactory(actor=rep), LeadFactory(actor=rep)
    for record in (lead, target):
        response = getattr(Client(), method)(convert_url(record))
        assert response.status_code == 302 and response.url.startswith("/login/")
    assert not Lead.objects.filter(target=target).exists()
