"""The V8 relationship routes: related records through the permission filter, linking and
unlinking through the actions, SuiteCRM's messages; and the meta routes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.models import Call
from kontor.activities.tests.factories import CallFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ChangeLog
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def error(detail: str) -> dict:
    return {"errors": {"status": 400, "title": None, "detail": detail}}


def test_related_records_of_a_link(as_rep, rep):
    account = AccountFactory(name="Acme", actor=rep)
    contact = ContactFactory(account=account, last_name="Kim", actor=rep)
    status, body = as_rep.get(f"V8/module/Accounts/{account.pk}/relationships/contacts")
    assert status == 200
    assert body["meta"] == {"total-records": 1, "total-pages": 1, "records-on-this-page": 1}
    assert list(body) == ["meta", "data"]
    [row] = body["data"]
    assert (row["type"], row["id"]) == ("Contact", str(contact.pk))
    assert row["attributes"]["last_name"] == "Kim"
    assert row["links"] == {"self": f"V8/module/Contact/{contact.pk}"}
    status, paged = as_rep.get(
        f"V8/module/Accounts/{account.pk}/relationships/contacts?page[size]=1&sort=last_name"
    )
    # SuiteCRM's quirk: without page[number], next and last point to page 1
    page_one = (
        f"V8/module/Accounts/{account.pk}/relationships/contacts"
        "?page[size]=1&page[number]=1&sort=last_name"
    )
    assert paged["links"] == {"first": None, "prev": None, "next": page_one, "last": page_one}


def test_related_lists_do_not_grow_with_the_rows(as_rep, rep):
    account = AccountFactory(actor=rep)
    ContactFactory(account=account, actor=rep)
    path = f"V8/module/Accounts/{account.pk}/relationships/contacts?page[size]=20"
    as_rep.get(path)  # warm: configuration and dropdown caches, the count
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            status, body = as_rep.get(path)
        assert status == 200
        counts.append((len(captured.captured_queries), len(body["data"])))
        ContactFactory.create_batch(4, account=account, actor=rep)
    # the token with its user, client, roles and teams, the account, its contacts (the
    # migrated users' ids are cached; a page that is not full needs no count)
    assert counts == [(3, 1), (3, 5)]


def test_no_related_records_and_unknown_links(as_rep, rep):
    account = AccountFactory(actor=rep)
    assert as_rep.get(f"V8/module/Accounts/{account.pk}/relationships/contacts") == (
        200,
        {
            "meta": {
                "message": "There is no relationship set in Account module with contacts link field"
            },
            "data": [],
        },
    )
    assert as_rep.get(f"V8/module/Accounts/{account.pk}/relationships/bugs") == (
        400,
        error("Cannot load relationship bugs for Account module"),
    )


def test_hidden_related_records_are_not_listed(as_seller, seller, rep):
    account = AccountFactory(actor=seller)
    ContactFactory(account=account, actor=rep)  # Rolf's: hidden from Sven
    own = ContactFactory(account=account, actor=seller)
    _s, body = as_seller.get(f"V8/module/Accounts/{account.pk}/relationships/contacts")
    assert [r["id"] for r in body["data"]] == [str(own.pk)]


def test_link_and_unlink_a_contact_to_an_account(as_rep, rep):
    account = AccountFactory(actor=rep)
    contact = ContactFactory(account=None, actor=rep)
    status, body = as_rep.post(
        f"V8/module/Accounts/{account.pk}/relationships/contacts",
        {"data": {"type": "Contacts", "id": str(contact.pk)}},
    )
    assert status == 201
    assert body == {
        "meta": {
            "message": f"Contacts record with id {contact.pk} has been related to Accounts "
            f"record with id {account.pk} using link contacts",
            "sourceModule": "Accounts",
            "sourceModuleLabel": "Accounts",
            "sourceId": str(account.pk),
            "relatedModule": "Contacts",
            "relatedModuleLabel": "Contacts",
            "relatedId": str(contact.pk),
            "relationshipLink": "contacts",
        },
        "data": [],
    }
    contact.refresh_from_db()
    assert contact.account == account
    log = ChangeLog.objects.get(record_id=contact.pk, field="account")
    assert log.origin == "suiteapi:v8:mobile-app"
    status, body = as_rep.delete(
        f"V8/module/Accounts/{account.pk}/relationships/contacts/{contact.pk}"
    )
    assert (status, body["meta"]["message"]) == (
        200,
        f"Relationship has been deleted between Account with id {account.pk} and Contact "
        f"with id {contact.pk}",
    )
    contact.refresh_from_db()
    assert contact.account is None


def test_unlinking_what_is_not_linked_is_refused(as_rep, rep):
    account = AccountFactory(actor=rep)
    contact = ContactFactory(actor=rep)
    assert as_rep.delete(
        f"V8/module/Accounts/{account.pk}/relationships/contacts/{contact.pk}"
    ) == (400, error(f"Module with {contact.pk} id is not related to Account"))


def test_link_without_a_link_name_and_activities_and_m2m(as_rep, rep):
    opportunity = OpportunityFactory(actor=rep)
    contact = ContactFactory(actor=rep)
    status, body = as_rep.post(
        f"V8/module/Opportunities/{opportunity.pk}/relationships",
        {"data": {"type": "Contacts", "id": str(contact.pk)}},
    )
    assert status == 201
    assert body["meta"]["message"] == (
        f"Contact with id {contact.pk} has been added to Opportunity with id {opportunity.pk}"
    )
    assert list(opportunity.contacts.all()) == [contact]
    lead = LeadFactory(actor=rep)
    call = CallFactory(actor=rep)
    assert (
        as_rep.post(
            f"V8/module/Leads/{lead.pk}/relationships/calls",
            {"data": {"type": "Calls", "id": str(call.pk)}},
        )[0]
        == 201
    )
    assert Call.objects.get(pk=call.pk).parent_id == lead.pk
    assert (
        as_rep.post(
            f"V8/module/Calls/{call.pk}/relationships/contacts",
            {"data": {"type": "Contacts", "id": str(contact.pk)}},
        )[0]
        == 201
    )
    assert list(Call.objects.get(pk=call.pk).contacts.all()) == [contact]


def test_a_refused_link_changes_nothing(as_seller, seller, rep):
    account = AccountFactory(actor=rep)  # hidden from Sven
    contact = ContactFactory(account=None, actor=seller)
    status, body = as_seller.post(
        f"V8/module/Contacts/{contact.pk}/relationships/accounts",
        {"data": {"type": "Accounts", "id": str(account.pk)}},
    )
    assert (status, body) == (400, error(f"Accounts module with id {account.pk} is not found"))
    contact.refresh_from_db()
    assert contact.account is None
    lead = LeadFactory(actor=seller)
    account_of_sven = AccountFactory(actor=seller)
    status, body = as_seller.post(  # a conversion link: only the conversion sets it
        f"V8/module/Leads/{lead.pk}/relationships/accounts",
        {"data": {"type": "Accounts", "id": str(account_of_sven.pk)}},
    )
    assert (status, body) == (400, error("[SuiteCRM] [AccessDeniedException] "))
    lead.refresh_from_db()
    assert lead.account is None


def test_meta_modules_lists_what_the_user_may_use(as_rep, as_seller):
    status, body = as_rep.get("V8/meta/modules")
    assert status == 200 and body["data"]["type"] == "modules"
    modules = body["data"]["attributes"]
    assert "Prospects" not in modules and "Users" not in modules
    assert modules["Leads"] == {
        "label": "Leads",
        "access": ["access", "view", "list", "edit", "delete", "import", "export", "massupdate"],
    }


def test_meta_fields_are_the_attributes_of_the_table(as_rep):
    from kontor.suiteapi.mapping import api_module

    status, body = as_rep.get("V8/meta/fields/Leads")
    fields = body["data"]["attributes"]
    expected = [n for n, a in api_module("Leads").attributes.items() if a.api_visible]
    assert status == 200 and list(fields) == expected
    assert fields["last_name"] == {
        "type": "varchar",
        "dbType": "varchar",
        "len": 100,
        "required": True,
    }
    assert fields["assigned_user_name"]["source"] == "non-db"
    assert as_rep.get("V8/meta/fields/Cases") == (400, error("Module Cases does not exist"))
