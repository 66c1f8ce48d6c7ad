"""E-mails for tests: an archived mail to a contact's address."""

import factory

from kontor.core.testing import RecordFactory
from kontor.emails.models import Email


class EmailFactory(RecordFactory):
    class Meta:
        model = Email

    name = factory.Sequence(lambda n: f"Angebot {n:04d}")
    type = "archived"
    status = "archived"
    from_addr = "rolf@kontor.example"
    to_addrs = factory.Sequence(lambda n: f"anna{n:04d}@contact.example")
    description = "Hallo Anna, anbei unser Angebot."
