"""What the SuiteCRM APIs never tell a user: the name of an account or contact they may not
see (a relate attribute such as `account_name`), and trashed records they may not delete
(SuiteCRM's `deleted=1` reads the trash, which in Kontor is for those who may delete)."""

import uuid

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.tests.conftest import person
from kontor.users.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return Team.objects.create(name="DACH")


def test_the_name_of_a_hidden_account_is_not_shown(caller, team):
    sven = person("sven", roles=["sales_rep"], teams=[team])
    stan = person("stan", roles=["sales_manager"])
    secret = AccountFactory(name="Geheim GmbH", actor=stan)  # in none of Sven's teams
    contact = ContactFactory(last_name="Krüger", account=secret, actor=sven)
    api = caller(sven)
    status, document = api.v8("GET", f"V8/module/Contacts/{contact.pk}")
    assert status == 200
    assert document["data"]["attributes"]["account_name"] == ""
    # SuiteCRM's not-found, as for an id that does not exist
    missing = api.v8("GET", f"V8/module/Accounts/{uuid.uuid4()}")[0]
    assert api.v8("GET", f"V8/module/Accounts/{secret.pk}")[0] == missing == 400
    answer = api.v41("get_entry", [api.session, "Contacts", str(contact.pk), [], []])
    values = answer["entry_list"][0]["name_value_list"]
    assert values["account_name"]["value"] == ""
    assert "Geheim" not in str(document) + str(answer)
    # Stan may see the account: he reads its name.
    status, document = caller(stan).v8("GET", f"V8/module/Contacts/{contact.pk}")
    assert document["data"]["attributes"]["account_name"] == "Geheim GmbH"


def test_the_trash_is_read_by_who_may_delete(caller, team):
    sven = person("sven", roles=["sales_rep"], teams=[team])  # lists his team's, deletes his own
    mia = person("mia", roles=["sales_manager"], teams=[team])
    own = LeadFactory(last_name="Eigener", actor=sven)
    mates = LeadFactory(last_name="Kollegin", actor=mia)
    delete_records([own, mates], actor=mia)
    api = caller(sven)
    status, document = api.v8("GET", "V8/module/Leads?filter[deleted][eq]=1")
    assert status == 200
    assert [row["id"] for row in document["data"]] == [str(own.pk)]
    answer = api.v41("get_entry_list", [api.session, "Leads", "", "", 0, [], [], 20, 1])
    assert [entry["id"] for entry in answer["entry_list"]] == [str(own.pk)]
    # Mia deletes everything in the team: both.
    manager = caller(mia)
    status, document = manager.v8("GET", "V8/module/Leads?filter[deleted][eq]=1")
    assert sorted(row["id"] for row in document["data"]) == sorted([str(own.pk), str(mates.pk)])
