"""POST /api/v1/leads/<id>/convert/ and /api/v1/targets/<id>/convert/: the UI's conversions."""

import pytest

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target


@pytest.mark.django_db
def test_convert_lead_creates_and_links_everything(rep, api):
    lead = save_record(
        Lead(
            last_name="Schmidt",
            first_name="Anna",
            email1="anna@web.de",
            account_name="Schmidt GmbH",
        ),
        actor=rep,
    )
    response = api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {
            "contact": {"title": "CEO"},
            "account": {},
            "opportunity": {
                "name": "Erstauftrag",
                "amount": "499.00",
                "date_closed": "2026-11-30",
                "sales_stage": "Closed Won",
            },
            "task": {"name": "Danke sagen"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    contact = Contact.objects.get(pk=body["contact"]["id"])
    assert (contact.last_name, contact.title) == ("Schmidt", "CEO")
    assert Account.objects.get(pk=body["account"]["id"]).name == "Schmidt GmbH"
    opportunity = Opportunity.objects.get(pk=body["opportunity"]["id"])
    assert (opportunity.amount, opportunity.account_id) == (499, contact.account_id)
    lead.refresh_from_db()
    assert (lead.converted, lead.contact_id, lead.status) == (True, contact.pk, "Converted")
    assert body["task"]["name"] == "Danke sagen" and body["call"] is None

    again = api.post(f"/api/v1/leads/{lead.pk}/convert/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["existing"] == str(contact.pk)
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_convert_lead_selects_an_existing_contact_and_account(rep, api):
    account = save_record(Account(name="Bestand AG"), actor=rep)
    contact = save_record(Contact(last_name="Alt", account=account), actor=rep)
    lead = save_record(Lead(last_name="Alt"), actor=rep)
    response = api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {"contact": {"id": str(contact.pk)}, "account": {"id": str(account.pk)}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["contact"]["id"] == str(contact.pk)
    assert Contact.objects.count() == 1 and Account.objects.count() == 1


@pytest.mark.django_db
def test_invalid_part_converts_nothing(rep, api):
    lead = save_record(Lead(last_name="Schmidt", account_name="X GmbH"), actor=rep)
    response = api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {
            "opportunity": {"name": "Ohne Betrag", "sales_stage": "Prospecting"},
            "contact": {"nickname": "x"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "contact.nickname" in response.json()["errors"]
    response = api.post(
        f"/api/v1/leads/{lead.pk}/convert/",
        {"opportunity": {"name": "Ohne Betrag", "sales_stage": "Prospecting"}},
        format="json",
    )
    assert response.status_code == 400
    assert any(k.startswith("opportunity.") for k in response.json()["errors"])
    lead.refresh_from_db()
    assert not lead.converted
    assert not Contact.objects.exists() and not Account.objects.exists()
    bad = api.post(f"/api/v1/leads/{lead.pk}/convert/", {"activities": "drop"}, format="json")
    assert bad.status_code == 400 and "activities" in bad.json()["errors"]


@pytest.mark.django_db
def test_convert_target_into_lead(rep, api):
    target = save_record(Target(last_name="Kalt", email1="kalt@web.de"), actor=rep)
    response = api.post(
        f"/api/v1/targets/{target.pk}/convert/",
        {"lead": {"lead_source": "Cold Call"}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    lead = Lead.objects.get(pk=response.json()["lead"]["id"])
    assert (lead.email1, lead.target_id, lead.lifecycle_stage) == ("kalt@web.de", target.pk, "ML")
    assert response.json()["target"]["status"] == "Converted"
    again = api.post(f"/api/v1/targets/{target.pk}/convert/", {}, format="json")
    assert again.status_code == 409 and Lead.objects.count() == 1
