"""Rates for the currencies tests, written through the actions as an admin would."""

from datetime import date
from decimal import Decimal

from kontor.currencies.actions import save_rate
from kontor.currencies.models import ExchangeRate


def add_rate(code: str, day: date, rate: str, *, actor=None) -> ExchangeRate:
    return save_rate(
        ExchangeRate(currency_id=code, valid_from=day, rate=Decimal(rate)), actor=actor
    )
