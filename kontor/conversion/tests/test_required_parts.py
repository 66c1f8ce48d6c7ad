"""Fields admins mark required in Studio appear in the conversion forms, in every part that
creates a record (contact, account, opportunity, call, meeting, task, the target's lead), and
the page and the API name them when they are left empty."""

import pytest
from django.core.exceptions import ValidationError

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.conversion.actions import convert_lead
from kontor.conversion.tests.pages import convert_url, lead_form, snapshot, with_parts
from kontor.core import registry
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.studio.actions.fields import set_required
from kontor.targets.tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

#: One field admins may mark required per record type a lead conversion creates.
MARKED = {
    "contacts": "department",
    "accounts": "industry",
    "opportunities": "next_step",
    "calls": "description",
    "meetings": "description",
    "tasks": "date_start",
}
PART = {
    "contacts": "contact",
    "accounts": "account",
    "opportunities": "opportunity",
    "calls": "call",
    "meetings": "meeting",
    "tasks": "task",
}


@pytest.fixture
def de_client(rep_client, rep):
    """Rolf's client, his profile set to German."""
    rep.profile.language = "de"
    rep.profile.save()
    return rep_client


@pytest.fixture
def marked(admin):
    for slug, name in MARKED.items():
        set_required(registry.get(slug), [name], actor=admin)


def test_every_part_shows_the_fields_admins_marked_required(de_client, lead, marked):
    response = de_client.get(convert_url(lead))
    html = response.content.decode()
    for slug, name in MARKED.items():
        part = response.context["conversion"].parts[PART[slug]]
        assert part.fields[name].required, name
        assert f'name="{PART[slug]}-{name}"' in html, name
    assert "Nächster Schritt" in html  # the opportunity's next step, labelled in German


def test_an_empty_required_field_is_named_in_german_and_nothing_is_saved(de_client, lead, marked):
    data = lead_form(de_client, lead, **with_parts("opportunity"))
    data.update({"contact-department": "IT", "account-industry": "Energy"})
    before = snapshot(lead)
    response = de_client.post(convert_url(lead), data)
    assert response.status_code == 400
    assert list(response.context["conversion"].opportunity.errors) == ["next_step"]
    assert (
        '<div class="invalid-feedback d-block" data-error-for="opportunity-next_step">'
        "Dieses Feld ist zwingend erforderlich.</div>"
    ) in response.content.decode()
    assert snapshot(lead) == before


def test_the_typed_required_values_are_saved(rep_client, lead, marked):
    data = lead_form(rep_client, lead, **with_parts("opportunity", "call", "meeting", "task"))
    data.update(
        {
            "contact-department": "Einkauf",
            "account-industry": "Energy",
            "opportunity-next_step": "Angebot schicken",
            "call-description": "Erstkontakt",
            "meeting-description": "Demo",
            "task-name": "Angebot",
            "task-date_start": "2020-01-02T09:00",
        }
    )
    response = rep_client.post(convert_url(lead), data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["conversion"].parts.values()
    ]
    assert Contact.objects.get().department == "Einkauf"
    assert Account.objects.get().industry == "Energy"
    assert Opportunity.objects.get().next_step == "Angebot schicken"
    assert Lead.objects.get(pk=lead.pk).converted


def test_a_part_not_created_does_not_ask_for_its_required_fields(rep_client, lead, marked):
    data = lead_form(rep_client, lead, **with_parts())
    data.update({"contact-department": "IT", "account-industry": "Energy"})
    response = rep_client.post(convert_url(lead), data)
    assert response.status_code == 302
    assert not Opportunity.objects.exists()


def test_the_api_names_the_required_field_of_a_part(rep, lead, marked):
    from kontor.api.tests.conftest import token_client

    api = token_client(rep)
    body = {
        "contact": {"department": "IT"},
        "account": {"industry": "Energy"},
        "opportunity": {},
    }
    before = snapshot(lead)
    response = api.post(f"/api/v1/leads/{lead.pk}/convert/", body, format="json")
    assert response.status_code == 400
    assert "opportunity.next_step" in str(response.json())
    assert snapshot(lead) == before
    body["opportunity"] = {"next_step": "Anrufen"}
    response = api.post(f"/api/v1/leads/{lead.pk}/convert/", body, format="json")
    assert response.status_code == 201
    assert response.json()["opportunity"]["next_step"] == "Anrufen"


def test_the_action_refuses_a_missing_required_field(rep, lead, marked):
    with pytest.raises(ValidationError) as caught:
        convert_lead(
            lead,
            actor=rep,
            new_contact={"department": "IT"},
            new_account={"industry": "Energy"},
            opportunity={},
        )
    assert "opportunity-next_step" in caught.value.message_dict
    assert not Contact.objects.exists()


def test_the_target_conversion_shows_the_leads_required_fields(de_client, rep, admin):
    set_required(registry.get("leads"), ["refered_by"], actor=admin)
    target = TargetFactory(actor=rep, last_name="Vogel")
    url = convert_url(target)
    page = de_client.get(url)
    assert page.context["conversion"].lead.fields["refered_by"].required
    assert 'name="lead-refered_by"' in page.content.decode()
    from kontor.core.testing import form_data

    conversion = page.context["conversion"]
    data = {**form_data(conversion.lead), **form_data(conversion.hand_over)}
    data["lead-refered_by"] = ""
    response = de_client.post(url, data)
    assert response.status_code == 400
    assert list(response.context["conversion"].lead.errors) == ["refered_by"]
    assert (
        'data-error-for="lead-refered_by">Dieses Feld ist zwingend erforderlich.</div>'
        in response.content.decode()
    )
    assert not Lead.objects.exists()
    data["lead-refered_by"] = "Messe"
    assert de_client.post(url, data).status_code == 302
    assert Lead.objects.get().refered_by == "Messe"


def test_a_required_owner_is_offered_pre_filled_and_links_are_never_offered(
    rep_client, rep, lead, admin
):
    set_required(registry.get("contacts"), ["assigned_user", "account"], actor=admin)
    set_required(registry.get("tasks"), ["assigned_user", "contact"], actor=admin)
    conversion = rep_client.get(convert_url(lead)).context["conversion"]
    assert conversion.contact["assigned_user"].value() == lead.assigned_user_id
    assert conversion.task["assigned_user"].value() == rep.pk
    assert "account" not in conversion.contact.fields  # the chosen or new account
    assert "contact" not in conversion.task.fields  # the converted contact
