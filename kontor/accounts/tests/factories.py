"""Accounts for tests, created through save_record like every record."""

import factory

from kontor.accounts.models import Account
from kontor.core.testing import RecordFactory


class AccountFactory(RecordFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n:04d}")
    account_type = "Customer"
    industry = "Technology"
    email1 = factory.Sequence(lambda n: f"info{n:04d}@account.example")
    phone_office = "+49 30 1234567"
    billing_address_city = "Berlin"
