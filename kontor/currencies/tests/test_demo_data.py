"""The demo and `kontor generate` come with base amounts: the demo imports a year and a half
of monthly rates before its deals, generated rows carry what a save would store."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from kontor.currencies import rates
from kontor.currencies.models import ExchangeRate
from kontor.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db


def test_the_demo_converts_every_deal(client):
    call_command("demo", "--if-empty", stdout=StringIO())
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"GBP", "USD"}
    assert ExchangeRate.objects.count() == 36
    deals = list(Opportunity.objects.all())
    assert {d.currency for d in deals} >= {"EUR", "GBP"}
    for deal in deals:
        day = deal.base_amount_day()
        assert deal.amount_base == rates.to_base(deal.amount, deal.currency, day), deal.name
        assert deal.amount_base is not None, deal.name


def test_generated_opportunities_carry_their_base_amount():
    call_command("generate", accounts=3, opportunities=40, seed=7, verbosity=0)
    stored = list(Opportunity.objects.values_list("amount", "amount_base"))
    assert len(stored) == 40
    assert all(base == amount and isinstance(base, Decimal) for amount, base in stored)
