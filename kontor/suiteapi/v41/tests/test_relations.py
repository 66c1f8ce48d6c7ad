"""v4_1 set_relationship(s), get_relationships, get_available_modules and get_module_fields."""

import pytest

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, MeetingFactory
from kontor.contacts.models import Contact
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.opportunities.models import OpportunityContact
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

NO_ACCESS = {"name": "Access Denied", "number": 40, "description": "You do not have access"}


@pytest.fixture
def session(client, rolf):
    return login(client, "rolf", "pw-rolf-123!")


def nv(**values) -> dict:
    return {k: {"name": k, "value": v} for k, v in values.items()}


def test_set_relationship_links_contacts_to_an_account(client, rolf, session):
    account = AccountFactory(name="Acme", actor=rolf)
    first, second = ContactFactory(actor=rolf), ContactFactory(actor=rolf)
    answer = call(
        client,
        "set_relationship",
        [session, "Accounts", str(account.pk), "contacts", [str(first.pk), str(second.pk)]],
    )
    assert answer == {"created": 1, "failed": 0, "deleted": 0}  # calls, not ids
    assert set(Contact.objects.filter(account=account)) == {first, second}
    change = ChangeLog.objects.get(record_id=first.pk, action="update")
    assert change.field == "account" and change.origin.startswith("suiteapi:")
    answer = call(
        client,
        "set_relationship",
        [session, "Accounts", str(account.pk), "contacts", [str(first.pk)], [], 1],
    )
    assert answer == {"created": 0, "failed": 0, "deleted": 1}
    assert list(Contact.objects.filter(account=account)) == [second]


def test_a_contact_role_on_an_opportunity(client, rolf, session):
    opportunity, contact = OpportunityFactory(actor=rolf), ContactFactory(actor=rolf)
    role = [{"name": "contact_role", "value": "Influencer"}]
    answer = call(
        client,
        "set_relationship",
        [session, "Opportunities", str(opportunity.pk), "contacts", [str(contact.pk)], role],
    )
    assert answer["created"] == 1
    assert OpportunityContact.objects.get().contact_role == "Influencer"


@pytest.mark.parametrize(
    "module, link, ids",
    [
        ("Bugs", "contacts", None),
        ("Accounts", "no_link", None),
        ("Accounts", "leads", None),  # read-only: set by the conversion
        ("Accounts", "contacts", ["not-there"]),
    ],
)
def test_failed_links_change_nothing(client, rolf, session, module, link, ids):
    account, contact = AccountFactory(actor=rolf), ContactFactory(account=None, actor=rolf)
    answer = call(
        client,
        "set_relationship",
        [session, module, str(account.pk), link, ids or [str(contact.pk)]],
    )
    assert answer == {"created": 0, "failed": 1, "deleted": 0}
    contact.refresh_from_db()
    assert contact.account is None


def test_a_user_who_may_not_edit_the_contact_fails_and_changes_nothing(client, rolf):
    sven = create_user("sven", password="", roles=["sales_rep"])
    sven.set_password("pw-sven-123!")
    sven.save()
    account, contact = AccountFactory(actor=sven), ContactFactory(account=None, actor=rolf)
    session = login(client, "sven", "pw-sven-123!")
    answer = call(
        client,
        "set_relationship",
        [session, "Accounts", str(account.pk), "contacts", [str(contact.pk)]],
    )
    assert answer["failed"] == 1
    contact.refresh_from_db()
    assert contact.account is None


def test_set_relationships_counts_each_call(client, rolf, session):
    account, contact = AccountFactory(actor=rolf), ContactFactory(actor=rolf)
    answer = call(
        client,
        "set_relationships",
        [
            session,
            ["Accounts", "Accounts"],
            [str(account.pk), str(account.pk)],
            ["contacts", "nope"],
            [[str(contact.pk)], [str(contact.pk)]],
            [[], []],
            [0, 0],
        ],
    )
    assert answer == {"created": 1, "failed": 1, "deleted": 0}
    assert call(client, "set_relationships", [session, [], [], [], []])["number"] == 1001


def test_get_relationships_reads_the_related_records(client, rolf, session):
    account = AccountFactory(name="Acme", actor=rolf)
    anna = ContactFactory(last_name="Anna", account=account, email1="anna@acme.example")
    ContactFactory(last_name="Bert", account=account)
    ContactFactory(last_name="Elsewhere")
    call_ = CallFactory(name="Kickoff", parent=account, actor=rolf)
    answer = call(
        client,
        "get_relationships",
        [
            session,
            "Accounts",
            str(account.pk),
            "contacts",
            "contacts.last_name LIKE 'A%'",
            ["id", "last_name"],
            [{"name": "email_addresses", "value": ["email_address"]}],
            0,
        ],
    )
    assert answer == {
        "entry_list": [
            {
                "id": str(anna.pk),
                "module_name": "Contacts",
                "name_value_list": nv(id=str(anna.pk), last_name="Anna"),
            }
        ],
        "relationship_list": [
            [{"name": "email_addresses", "records": [nv(email_address="anna@acme.example")]}]
        ],
    }
    calls = call(
        client,
        "get_relationships",
        [session, "Accounts", str(account.pk), "calls", "", ["name"], [], 0],
    )
    assert [e["name_value_list"] for e in calls["entry_list"]] == [nv(name="Kickoff")]
    assert calls["entry_list"][0]["id"] == str(call_.pk)


def test_get_relationships_of_a_hidden_record_is_no_access(client, rolf):
    sven = create_user("sven", password="", roles=["sales_rep"])
    sven.set_password("pw-sven-123!")
    sven.save()
    account = AccountFactory(actor=rolf)
    ContactFactory(last_name="Secret", account=account, actor=rolf)
    session = login(client, "sven", "pw-sven-123!")
    rest = [session, "Accounts", str(account.pk), "contacts", "", ["last_name"], [], 0]
    assert call(client, "get_relationships", rest) == NO_ACCESS


def test_available_modules_follow_the_users_role(client, rolf, session):
    modules = call(client, "get_available_modules", [session])["modules"]
    leads = next(m for m in modules if m["module_key"] == "Leads")
    assert leads == {
        "module_key": "Leads",
        "module_label": "Leads",
        "favorite_enabled": False,
        "acls": [
            {"action": a, "access": True}
            for a in ("edit", "delete", "list", "view", "import", "export")
        ],
    }
    elga = create_user("elga", password="", roles=["external_lead_generation"])
    elga.set_password("pw-elga-123!")
    elga.save()
    other = login(client, "elga", "pw-elga-123!")
    keys = [m["module_key"] for m in call(client, "get_available_modules", [other])["modules"]]
    assert "Leads" not in keys and "Prospects" in keys


def test_module_fields(client, rolf, session):
    answer = call(client, "get_module_fields", [session, "Leads", ["status", "do_not_call", "id"]])
    assert answer["module_name"] == "Leads" and answer["table_name"] == "leads"
    fields = answer["module_fields"]
    assert list(fields) == ["id", "do_not_call", "status"]
    assert fields["status"]["type"] == "enum"
    assert fields["status"]["options"]["New"] == {"name": "New", "value": "New"}
    assert list(fields["do_not_call"]["options"]) == ["", "1", "2"]
    assert answer["link_fields"] == []
    links = call(client, "get_module_fields", [session, "Accounts"])["link_fields"]
    assert links["contacts"] == {
        "name": "contacts",
        "type": "link",
        "group": "",
        "id_name": "",
        "relationship": "contacts",
        "module": "Contacts",
        "bean_name": "Contact",
    }
    assert call(client, "get_module_fields", [session, "Nope"])["number"] == 20


def test_invitees_of_calls_and_meetings_from_either_side(client, rolf, session):
    contact = ContactFactory(last_name="Gast", actor=rolf)
    call_ = CallFactory(name="Rückruf", actor=rolf)
    meeting = MeetingFactory(name="Termin", actor=rolf)
    answer = call(
        client, "set_relationship", [session, "Calls", str(call_.pk), "contacts", [str(contact.pk)]]
    )
    assert answer["created"] == 1
    assert list(call_.contacts.all()) == [contact]
    accepted = [{"name": "accept_status", "value": "accept"}]
    rest = [session, "Contacts", str(contact.pk), "meetings", [str(meeting.pk)], accepted]
    assert call(client, "set_relationship", rest)["created"] == 1
    assert meeting.invitees.get(contact=contact).accept_status == "accept"
    refused = [session, "Contacts", str(contact.pk), "meetings", [str(meeting.pk)]]
    bad = [{"name": "accept_status", "value": "maybe-later"}]
    assert call(client, "set_relationship", [*refused, bad])["failed"] == 1
    assert meeting.invitees.get(contact=contact).accept_status == "accept"
    rest = [session, "Contacts", str(contact.pk), "calls", "", ["name"], [], 0]
    assert [e["id"] for e in call(client, "get_relationships", rest)["entry_list"]] == [
        str(call_.pk)
    ]
    rest = [session, "Calls", str(call_.pk), "contacts", [str(contact.pk)], [], 1]
    assert call(client, "set_relationship", rest)["deleted"] == 1
    assert not call_.contacts.exists()
