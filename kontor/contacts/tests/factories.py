"""Contacts for tests, each with an account of its own (lists show the account column)."""

import factory

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.models import Contact
from kontor.core.testing import RecordFactory


class ContactFactory(RecordFactory):
    class Meta:
        model = Contact

    salutation = "Ms."
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Meyer{n:04d}")
    email1 = factory.Sequence(lambda n: f"anna{n:04d}@contact.example")
    phone_work = "+49 30 7654321"
    lead_source = "Trade Show"
    account = factory.SubFactory(AccountFactory)
