"""A user's date format, number format and default currency: chosen on the settings page,
applied where dates and numbers are rendered and to new opportunities."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kontor.accounts.tests.factories import AccountFactory
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile
from kontor.users.preference_actions import save_formats

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(rep):
    return OpportunityFactory(
        name="Fjord",
        account=AccountFactory(actor=rep),
        amount=Decimal("12500.50"),
        currency="EUR",
        date_closed=datetime.date(2026, 12, 31),
        actor=rep,
    )


def list_page(client) -> str:
    return client.get("/opportunities/?sort=name").content.decode()


def test_formats_follow_the_language_by_default(rep_client, rep, deal):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    page = list_page(rep_client)
    assert "12.500,50 EUR" in page and "31.12.2026" in page


def test_a_german_speaker_may_choose_english_numbers_and_iso_dates(rep_client, rep, deal):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    response = rep_client.post(
        reverse("user-settings"),
        {
            "language": "de",
            "time_zone": "Europe/Berlin",
            "date_format": "iso",
            "number_format": "en",
            "currency": "CHF",
        },
    )
    assert response.status_code == 302
    page = list_page(rep_client)
    assert "12,500.50 EUR" in page and "2026-12-31" in page
    assert "12.500,50" not in page and "31.12.2026" not in page
    rep.refresh_from_db()
    assert rep.profile.preferences["currency"] == "CHF"


def test_the_chosen_formats_stay_with_their_request(rep, admin, deal):
    save_formats(rep, date_format="iso", number_format="space", currency="EUR", actor=rep)
    mine, hers = Client(), Client()
    mine.force_login(rep)
    hers.force_login(admin)
    assert "12\u00a0500,50 EUR" in list_page(mine)
    assert "12,500.50 EUR" in list_page(hers)  # Ada chose nothing: her language's formats
    assert "12\u00a0500,50 EUR" in list_page(mine)


def test_an_unknown_format_is_refused_and_nothing_changes(rep_client, rep):
    response = rep_client.post(
        reverse("user-settings"),
        {"language": "en", "time_zone": "UTC", "date_format": "ymd?", "currency": "EUR"},
    )
    assert response.status_code == 400
    rep.refresh_from_db()
    assert "date_format" not in rep.profile.preferences


def test_new_opportunities_start_in_the_chosen_currency(rep_client, rep):
    form = rep_client.get("/opportunities/new/").context["form"]
    assert form["currency"].value() == "EUR"
    save_formats(rep, date_format="", number_format="", currency="GBP", actor=rep)
    form = rep_client.get("/opportunities/new/").context["form"]
    assert form["currency"].value() == "GBP"
    # A currency in the address wins, and an existing opportunity keeps its own.
    assert (
        rep_client.get("/opportunities/new/?currency=USD").context["form"]["currency"].value()
        == "USD"
    )


def test_an_edit_keeps_the_opportunitys_currency(rep_client, rep, deal):
    save_formats(rep, date_format="", number_format="", currency="GBP", actor=rep)
    form = rep_client.get(f"/opportunities/{deal.pk}/edit/").context["form"]
    assert form["currency"].value() == "EUR"


def test_an_amount_is_typed_in_the_chosen_number_format(rep_client, rep):
    from kontor.opportunities.models import Opportunity
    from kontor.opportunities.tests.test_opportunities import TestOpportunityModule

    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    save_formats(rep, date_format="", number_format="en", currency="EUR", actor=rep)
    data = {**TestOpportunityModule().valid_data(), "amount": "12,500.50"}
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    assert Opportunity.objects.get(name="Fjord roll-out").amount == Decimal("12500.50")


def test_converting_a_lead_proposes_the_chosen_currency(rep_client, rep):
    from kontor.conversion.tests.pages import convert_url
    from kontor.leads.tests.factories import LeadFactory

    lead = LeadFactory(actor=rep, account_name="Fjord AS")
    proposed = rep_client.get(convert_url(lead)).context["conversion"].opportunity
    assert proposed["currency"].value() == "EUR"
    save_formats(rep, date_format="", number_format="", currency="NOK", actor=rep)
    proposed = rep_client.get(convert_url(lead)).context["conversion"].opportunity
    assert proposed["currency"].value() == "NOK"
