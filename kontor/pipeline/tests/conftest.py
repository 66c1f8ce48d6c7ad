"""A pipeline with hand-computed figures: opportunities in three currencies (one without a
rate), owned by a sales manager and a sales rep, one in the trash."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from kontor.core.actions import delete_records
from kontor.currencies import rates
from kontor.currencies.models import Currency, ExchangeRate
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import create_user


@dataclass
class Pipeline:
    manager: object
    rep: object
    eur: Opportunity
    usd: Opportunity
    gbp: Opportunity
    qualified: Opportunity
    won: Opportunity
    trashed: Opportunity


@pytest.fixture
def sam(db):
    """Sam, a sales rep: sees the opportunities they own (and their teams')."""
    return create_user(
        "sam", password="pw-sam-123!", first_name="Sam", last_name="Sales", roles=["sales_rep"]
    )


@pytest.fixture
def sam_client(client, sam):
    client.force_login(sam)
    return client


@pytest.fixture
def pipeline(rep, sam) -> Pipeline:
    """1.25 USD per EUR since 2000; GBP active without any rate."""
    Currency.objects.update_or_create(code="USD", defaults={"name": "US-Dollar", "active": True})
    Currency.objects.update_or_create(code="GBP", defaults={"name": "Pfund", "active": True})
    ExchangeRate.objects.create(
        currency_id="USD", valid_from=datetime.date(2000, 1, 1), rate=Decimal("1.25")
    )
    rates.invalidate()

    def deal(name, amount, currency, stage, owner):
        return OpportunityFactory(
            name=name,
            amount=Decimal(amount),
            currency=currency,
            sales_stage=stage,
            assigned_user=owner,
            actor=owner,
        )

    trashed = deal("Papierkorb", "700.00", "EUR", "Prospecting", rep)
    delete_records(Opportunity.objects.filter(pk=trashed.pk), actor=rep)
    return Pipeline(
        manager=rep,
        rep=sam,
        eur=deal("Lizenzen", "1000.00", "EUR", "Prospecting", rep),  # base 1000, weighted 100
        usd=deal("Wartung", "1250.00", "USD", "Prospecting", sam),  # base 1000, weighted 100
        gbp=deal("Schulung", "500.00", "GBP", "Prospecting", sam),  # no rate: counted only
        qualified=deal("Ausbau", "2000.50", "EUR", "Qualification", sam),  # weighted 400.10
        won=deal("Rahmenvertrag", "3000.00", "EUR", "Closed Won", rep),  # weighted 3000
        trashed=trashed,
    )
