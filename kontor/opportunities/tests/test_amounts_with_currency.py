"""Amounts of mixed currencies are never read as one: lists, the account's and the contact's
subpanels and exports show each amount with its currency (for whoever reads a pipeline in
EUR, GBP and USD)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.testing import whole_page
from kontor.core.testing_tools import csv_rows
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(rep):
    account, contact = AccountFactory(actor=rep), ContactFactory(actor=rep)
    out = []
    for name, amount, currency in (
        ("Fjord", "12500.50", "EUR"),
        ("Thames", "800.00", "GBP"),
        ("Hudson", "1000.00", "USD"),
    ):
        deal = OpportunityFactory(
            name=name, account=account, amount=Decimal(amount), currency=currency, actor=rep
        )
        deal.contacts.add(contact)
        out.append(deal)
    return {"account": account, "contact": contact, "deals": out}


def amounts(rows) -> set[str]:
    return {text for row in rows for text, _url in row["cells"] if text[-3:].isupper()}


EXPECTED = {"12,500.50 EUR", "800.00 GBP", "1,000.00 USD"}


def test_the_list_shows_each_amount_with_its_currency(rep_client, deals, rep):
    def page():
        with CaptureQueriesContext(connection) as captured:
            response = rep_client.get("/opportunities/?sort=name")
        return response, len(captured.captured_queries)

    response, few = page()
    assert amounts(response.context["rows"]) == EXPECTED
    assert "800.00 GBP" in response.content.decode()
    for i in range(20):
        OpportunityFactory(amount=Decimal(i), currency="CHF", actor=rep)
    response, many = page()
    assert "19.00 CHF" in amounts(response.context["rows"])
    assert few == many  # the currency comes with the row, not a query per row


def test_the_account_and_contact_subpanels_show_the_currency(rep_client, deals):
    for record in (deals["account"], deals["contact"]):
        page = whole_page(rep_client, record.get_absolute_url())
        panel = next(s for s in page.context["subpanels"] if s["module"].slug == "opportunities")
        assert amounts(panel["rows"]) == EXPECTED


def test_the_export_has_a_currency_column_beside_the_amount(rep_client, deals):
    rows = csv_rows(rep_client.get(reverse("opportunities:export") + "?sort=name"))
    header = rows[0]
    at = header.index("amount")
    assert header[at + 1] == "currency"
    assert sorted((r[at], r[at + 1]) for r in rows[1:]) == [
        ("1000.00", "USD"),
        ("12500.50", "EUR"),
        ("800.00", "GBP"),
    ]
