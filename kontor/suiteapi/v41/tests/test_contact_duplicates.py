"""v4_1 set_entries takes an existing contact instead of a duplicate, as SuiteCRM 7.14 does
(kontor.suiteapi.v41.duplicates); set_entry creates one, as SuiteCRM does."""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(client, rolf):
    return login(client, "rolf", "pw-rolf-123!")


@pytest.fixture
def anna(rolf):
    account = AccountFactory(name="Muster GmbH", actor=rolf)
    return ContactFactory(
        first_name="Anna",
        last_name="Muster",
        email1="anna@muster.example",
        email2="a.muster@privat.example",
        account=account,
        actor=rolf,
    )


def nv(**values) -> list:
    return [{"name": k, "value": v} for k, v in values.items()]


def set_entries(client, session, *lists) -> list:
    return call(client, "set_entries", [session, "Contacts", list(lists)])["ids"]


def test_a_duplicate_in_set_entries_answers_the_existing_contact(client, session, anna):
    before, logs = Contact.objects.count(), ChangeLog.objects.count()
    same = nv(first_name="Annette", last_name="Muster", email1="ANNA@muster.example")
    crosswise = nv(last_name="Muster", email1="a.muster@privat.example")
    with_account = nv(last_name="Muster", email2="anna@muster.example", account_name="Muster GmbH")
    ids = set_entries(client, session, same, crosswise, with_account)
    assert ids == [str(anna.pk)] * 3
    assert (Contact.objects.count(), ChangeLog.objects.count()) == (before, logs)
    anna.refresh_from_db()
    assert anna.first_name == "Anna"  # taken as it is, not overwritten


def test_contacts_that_differ_are_created(client, session, anna):
    before = Contact.objects.count()
    other_name = nv(last_name="Muster-Berg", email1="anna@muster.example")
    other_case = nv(last_name="muster", email1="anna@muster.example")  # SuiteCRM's strcmp
    other_account = nv(last_name="Muster", email1="anna@muster.example", account_name="Other AG")
    no_email = nv(first_name="Anna", last_name="Muster")
    ids = set_entries(client, session, other_name, other_case, other_account, no_email)
    assert len(ids) == 4 and str(anna.pk) not in ids
    assert Contact.objects.count() == before + 4


def test_set_entry_never_checks(client, session, anna):
    values = nv(last_name="Muster", email1="anna@muster.example")
    answer = call(client, "set_entry", [session, "Contacts", values])
    assert answer["id"] != str(anna.pk)
    assert Contact.objects.filter(email1="anna@muster.example").count() == 2


def test_an_update_and_a_hidden_contact_are_no_duplicates(client, session, anna, rolf):
    # an id: SuiteCRM checks only new contacts
    update = nv(id=str(anna.pk), last_name="Muster", email1="anna@muster.example", title="Dr.")
    assert set_entries(client, session, update) == [str(anna.pk)]
    anna.refresh_from_db()
    assert anna.title == "Dr."
    # a sales rep in another team does not see Anna: a new contact, Anna's id is not told
    sven = create_user(
        "sven", password="", roles=["sales_rep"], teams=[Team.objects.create(name="B")]
    )
    sven.set_password("pw-sven-123!")
    sven.save()
    other = login(client, "sven", "pw-sven-123!")
    ids = set_entries(client, other, nv(last_name="Muster", email1="anna@muster.example"))
    assert len(ids) == 1 and ids != [str(anna.pk)]
    assert Contact.objects.filter(email1="anna@muster.example").count() == 2
