"""Opportunities for tests, each with an account (B2B mode requires one)."""

import datetime
from decimal import Decimal

import factory

from kontor.accounts.tests.factories import AccountFactory
from kontor.core.testing import RecordFactory
from kontor.opportunities.models import Opportunity


class OpportunityFactory(RecordFactory):
    class Meta:
        model = Opportunity

    name = factory.Sequence(lambda n: f"Deal {n:04d}")
    account = factory.SubFactory(AccountFactory)
    amount = Decimal("1000.00")
    currency = "EUR"
    date_closed = datetime.date(2025, 9, 30)
    sales_stage = "Prospecting"
    opportunity_type = "New Business"
