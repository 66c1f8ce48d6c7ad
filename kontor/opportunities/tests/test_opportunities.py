"""Opportunities: the standard module tests and the probability that follows the stage."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kontor.accounts.tests.factories import AccountFactory
from kontor.core.actions import mass_update, save_record
from kontor.core.testing import (
    Invalid,
    RecordModuleTests,
    form_data,
    log_of,
    whole_page,
)
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile

NEEDS_ACCOUNT = "An opportunity needs an account (B2B mode)."


class TestOpportunityModule(RecordModuleTests):
    module_slug = "opportunities"
    factory = OpportunityFactory
    edit = ("amount", "2500.50")
    invalid_cases = [
        Invalid("missing-name", {"name": None}, "name", "This field is required."),
        Invalid("missing-amount", {"amount": None}, "amount", "This field is required."),
        Invalid("amount-not-a-number", {"amount": "zwölf"}, "amount", "Enter a number."),
        Invalid(
            "impossible-close-date",
            {"date_closed": "2025-02-30"},
            "date_closed",
            "Enter a valid date.",
        ),
        Invalid(
            "unknown-stage",
            {"sales_stage": "Dreaming"},
            "sales_stage",
            "Select a valid choice. Dreaming is not one of the available choices.",
        ),
        Invalid("missing-stage", {"sales_stage": None}, "sales_stage", "This field is required."),
        Invalid(
            "probability-over-100",
            {"probability": "150"},
            "probability",
            "Ensure this value is less than or equal to 100.",
        ),
        Invalid("no-account-in-b2b", {"account": None}, "account", NEEDS_ACCOUNT),
        Invalid(
            "bad-currency",
            {"currency": "E1"},
            "currency",
            "Enter a three-letter currency code such as EUR.",
        ),
        Invalid(
            "too-long-name",
            {"name": "x" * 151},
            "name",
            "Ensure this value has at most 150 characters (it has 151).",
        ),
    ]

    def valid_data(self):
        return {
            "name": "Fjord roll-out",
            "account": str(AccountFactory().pk),
            "amount": "12500.00",
            "currency": "EUR",
            "date_closed": "2025-09-30",
            "sales_stage": "Qualification",
            "probability": "",
            "lead_source": "Partner",
            "opportunity_type": "New Business",
            "next_step": "Send the offer",
        }

    def mass_update_value(self, other_user):
        return "sales_stage", "Negotiation/Review"


def fetch(opportunity) -> Opportunity:
    return Opportunity.objects.get(pk=opportunity.pk)


def edit(client, opportunity, **changes):
    url = f"/opportunities/{opportunity.pk}/edit/"
    data = {**form_data(client.get(url).context["form"]), **changes}
    return client.post(url, data)


def test_a_new_opportunity_gets_the_probability_of_its_stage(rep_client):
    data = TestOpportunityModule().valid_data()
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    assert Opportunity.objects.get(name="Fjord roll-out").probability == 20


def test_a_probability_typed_on_create_is_kept(rep_client):
    data = {**TestOpportunityModule().valid_data(), "probability": "33"}
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    assert Opportunity.objects.get(name="Fjord roll-out").probability == 33


def test_a_stage_change_fills_the_probability(rep_client, rep):
    opportunity = OpportunityFactory(actor=rep)
    assert fetch(opportunity).probability == 10
    assert edit(rep_client, opportunity, sales_stage="Proposal/Price Quote").status_code == 302
    assert fetch(opportunity).probability == 65
    assert sorted(row[1:] for row in log_of(opportunity, "update")) == [
        ("forecast_category", "pipeline", "commit"),
        ("probability", "10", "65"),
        ("sales_stage", "Prospecting", "Proposal/Price Quote"),
    ]


def test_a_probability_edited_with_the_stage_is_kept(rep_client, rep):
    opportunity = OpportunityFactory(actor=rep)
    response = edit(rep_client, opportunity, sales_stage="Proposal/Price Quote", probability="55")
    assert response.status_code == 302
    assert (fetch(opportunity).sales_stage, fetch(opportunity).probability) == (
        "Proposal/Price Quote",
        55,
    )


def test_a_probability_edited_alone_is_kept(rep_client, rep):
    opportunity = OpportunityFactory(actor=rep)
    assert edit(rep_client, opportunity, probability="15").status_code == 302
    assert fetch(opportunity).probability == 15


def test_a_cleared_probability_is_filled_from_the_stage(rep_client, rep):
    opportunity = OpportunityFactory(actor=rep, sales_stage="Negotiation/Review")
    Opportunity.objects.filter(pk=opportunity.pk).update(probability=70)
    assert edit(rep_client, opportunity, probability="").status_code == 302
    assert fetch(opportunity).probability == 80


def test_closing_won_and_lost_sets_100_and_0(rep):
    won, lost = OpportunityFactory.create_batch(2, actor=rep)
    for opportunity, stage in ((won, "Closed Won"), (lost, "Closed Lost")):
        opportunity = fetch(opportunity)
        opportunity.sales_stage = stage
        save_record(opportunity, actor=rep)
    assert (fetch(won).probability, fetch(lost).probability) == (100, 0)
    assert (fetch(won).is_open, fetch(lost).is_open) == (False, False)


def test_a_stage_change_on_the_instance_just_created_fills_the_probability(rep):
    # The instance save_record returned (a conversion, an import) is changed and saved again.
    opportunity = OpportunityFactory(actor=rep)
    opportunity.sales_stage = "Negotiation/Review"
    save_record(opportunity, actor=rep)
    assert fetch(opportunity).probability == 80


def test_a_mass_stage_update_fills_each_probability(rep):
    first, second = OpportunityFactory.create_batch(2, actor=rep)
    Opportunity.objects.filter(pk=second.pk).update(probability=12)
    records = [fetch(first), fetch(second)]
    assert mass_update(records, {"sales_stage": "Id. Decision Makers"}, actor=rep) == (2, {})
    assert [fetch(o).probability for o in records] == [40, 40]


def test_b2b_refuses_an_opportunity_without_account_and_b2c_allows_it(rep, settings):
    with pytest.raises(ValidationError) as refused:
        OpportunityFactory(account=None, actor=rep)
    assert refused.value.message_dict == {"account": [NEEDS_ACCOUNT]}
    assert not Opportunity.objects.filter(account=None).exists()
    settings.KONTOR_MODE = "b2c"
    created = OpportunityFactory(account=None, actor=rep)
    assert fetch(created).account is None and fetch(created).probability == 10


def test_the_account_page_lists_its_opportunities(rep_client, rep):
    account = AccountFactory(actor=rep)
    deal = OpportunityFactory(account=account, actor=rep)
    OpportunityFactory(actor=rep)
    page = whole_page(rep_client, f"/accounts/{account.pk}/")
    panel = next(s for s in page.context["subpanels"] if s["module"].slug == "opportunities")
    assert [row["pk"] for row in panel["rows"]] == [deal.pk]


def test_a_german_user_can_type_an_amount_as_the_list_shows_it(rep_client, rep):
    update_profile(rep, language="de", time_zone="Europe/Berlin", actor=rep)
    data = {**TestOpportunityModule().valid_data(), "amount": "12500,50"}
    assert rep_client.post("/opportunities/new/", data).status_code == 302
    opportunity = Opportunity.objects.get(name="Fjord roll-out")
    assert opportunity.amount == Decimal("12500.50")
    shown = [row["cells"][3][0] for row in rep_client.get("/opportunities/").context["rows"]]
    assert shown == ["12.500,50 EUR"]  # with its currency (test_amounts_with_currency.py)
    # Typing back what the list shows means the same amount, not "Bitte eine Zahl eingeben."
    url = f"/opportunities/{opportunity.pk}/edit/"
    typed = shown[0].removesuffix(" EUR")
    data = {**form_data(rep_client.get(url).context["form"]), "amount": typed}
    response = rep_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert fetch(opportunity).amount == Decimal("12500.50")
    assert log_of(opportunity, "update") == []
