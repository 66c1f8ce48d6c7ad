"""Fixtures of the conversion tests: `lead`, the lead the page tests convert (the action and
duplicate tests define their own, with the fields they need)."""

from decimal import Decimal

import pytest

from kontor.leads.tests.factories import LeadFactory


@pytest.fixture
def lead(rep):
    """Lena Lorenz, the rep's lead, with a company, web site, e-mail, phone and an opportunity."""
    return LeadFactory(
        actor=rep,
        first_name="Lena",
        last_name="Lorenz",
        account_name="Lorenz Logistik GmbH",
        email1="lena@lorenz-logistik.example",
        phone_work="+49 40 1234567",
        website="https://lorenz-logistik.example",
        opportunity_name="Interesse Produkt A",
        opportunity_amount=Decimal("2500.00"),
        lead_source="Web Site",
    )
