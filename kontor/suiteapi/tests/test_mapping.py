"""The table of SuiteCRM modules and attributes (kontor.suiteapi.mapping), as both SuiteCRM APIs
read it: names, ids of migrated records and users, values, filters, writes and query counts."""

import uuid
from datetime import UTC, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ExternalId
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.mapping import api_module, api_modules
from kontor.suiteapi.references import user_pk
from kontor.suitecrm.models import LegacyId
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(db):
    """Sven, a sales rep in no team: sees only his own records."""
    return create_user("sven", password="pw-sven-123!", first_name="Sven", roles=["sales_rep"])


def test_every_suitecrm_module_names_a_kontor_record_type_or_users():
    names = [m.name for m in api_modules()]
    assert names == [
        "Leads",
        "Contacts",
        "Accounts",
        "Opportunities",
        "Prospects",
        "Calls",
        "Meetings",
        "Tasks",
        "Notes",
        "Users",
    ]
    assert api_module("Lead") is api_module("Leads")
    assert api_module("Prospects").module.slug == "targets"
    assert api_module("Users").module is None
    assert api_module("Cases") is None


def test_attributes_keep_suitecrm_names_with_the_exceptions_declared():
    leads = api_module("Leads").attributes
    assert list(leads)[:3] == ["name", "date_entered", "date_modified"]
    assert leads["email1"].field == "email1" and leads["email1"].type == "email"
    assert leads["assigned_user_id"].field == "assigned_user"
    assert leads["assigned_user_name"].read_only and leads["assigned_user_name"].field is None
    assert leads["status"].type == "enum" and leads["status"].options == "lead_status_dom"
    assert "search_text" not in leads and "custom" not in leads and "id" not in leads
    calls = api_module("Calls").attributes
    assert {"parent_type", "parent_id", "parent_name", "duration_hours"} <= set(calls)
    assert "user_name" in api_module("Users").attributes
    assert not api_module("Users").attributes["user_name"].api_visible


def test_values_are_read_in_suitecrm_form_with_related_names_in_one_query(rep):
    account = AccountFactory(name="Acme", actor=rep)
    contacts = [ContactFactory(account=account, actor=rep) for _ in range(3)]
    module = api_module("Contacts")
    with CaptureQueriesContext(connection) as captured:
        rows = list(module.queryset(rep).filter(pk__in=[c.pk for c in contacts]))
        prepared = module.prepare(rows, rep)
        texts = [{n: a.text(r, prepared) for n, a in module.attributes.items()} for r in rows]
    # rows with account and users joined, the migrated users' ids: nothing per row
    assert len(captured.captured_queries) == 2 + _config_queries(captured)
    assert {t["account_name"] for t in texts} == {"Acme"}
    assert {t["account_id"] for t in texts} == {str(account.pk)}
    assert {t["assigned_user_id"] for t in texts} == {str(rep.pk)}
    assert {t["assigned_user_name"] for t in texts} == {"Rolf Rep"}
    assert {t["deleted"] for t in texts} == {"0"}
    entered = texts[0]["date_entered"]
    assert datetime.strptime(entered, "%Y-%m-%d %H:%M:%S")


def _config_queries(captured) -> int:
    """Studio's configuration read on a cold cache (custom fields): not per row."""
    return sum("studio_" in q["sql"] for q in captured.captured_queries)


def test_migrated_users_and_records_answer_under_their_suitecrm_ids(rep):
    LegacyId.objects.create(kind="user", suitecrm_id="seed_sally_id", kontor_id=str(rep.pk))
    derived = uuid.uuid5(uuid.NAMESPACE_DNS, "leads:7")
    lead = LeadFactory(id=derived, actor=rep)
    ExternalId.objects.create(
        source="suitecrm",
        external_id="7",
        record_type=ContentType.objects.get_for_model(Lead),
        record_id=derived,
    )
    module = api_module("Leads")
    prepared = module.prepare([lead], rep)
    assert module.suitecrm_id(lead, prepared) == "7"
    assert module.suitecrm_id(lead) == "7"
    assert module.attributes["assigned_user_id"].text(lead, prepared) == "seed_sally_id"
    assert module.find(rep, "7") == lead
    assert module.find(rep, str(derived)) == lead
    assert api_module("Users").find(rep, "seed_sally_id") == rep
    assert (
        module.queryset(rep)
        .filter(module.attributes["assigned_user_id"].condition("eq", "seed_sally_id"))
        .get()
        == lead
    )


def test_a_hidden_record_is_not_found(rep, seller):
    lead = LeadFactory(actor=rep)
    module = api_module("Leads")
    assert module.find(seller, str(lead.pk)) is None
    assert module.find(rep, str(lead.pk)) == lead
    assert module.find(rep, "not-an-id") is None


def test_conditions_follow_suitecrm_operators(rep):
    a = LeadFactory(last_name="Alpha", actor=rep)
    b = LeadFactory(last_name="Beta", do_not_call=True, actor=rep)
    module = api_module("Leads")
    attrs = module.attributes

    def matching(attr, op, raw):
        return set(module.queryset(rep).filter(attrs[attr].condition(op, raw)))

    assert matching("last_name", "eq", "Alpha") == {a}
    assert matching("last_name", "neq", "Alpha") == {b}
    assert matching("last_name", "like", "b%") == {b}
    assert matching("last_name", "like", "%lph%") == {a}
    assert matching("last_name", "like", "B_ta") == {b}
    assert matching("do_not_call", "eq", "1") == {b}
    assert matching("date_entered", "gte", "2000-01-01 00:00:00") == {a, b}
    with pytest.raises(ValueError):
        attrs["last_name"].condition("between", "x")
    with pytest.raises(ValueError):
        attrs["assigned_user_name"].condition("eq", "x")
    with pytest.raises(ValidationError):
        attrs["date_entered"].condition("gt", "yesterday")


def test_writes_set_kontor_fields_from_suitecrm_values(rep, seller):
    account = AccountFactory(name="Acme", actor=rep)
    module = api_module("Contacts")
    contact = module.model.new({})
    attrs = module.attributes
    attrs["last_name"].set(contact, "Smith", rep)
    attrs["do_not_call"].set(contact, "true", rep)
    attrs["birthdate"].set(contact, "1980-02-03", rep)
    attrs["account_id"].set(contact, str(account.pk), rep)
    attrs["assigned_user_id"].set(contact, str(seller.pk), rep)
    assert (contact.last_name, contact.do_not_call, contact.account) == ("Smith", True, account)
    assert contact.assigned_user_id == seller.pk
    with pytest.raises(ValidationError) as refused:
        attrs["account_id"].set(contact, str(account.pk), seller)  # hidden from Sven
    assert "account_id" in refused.value.message_dict
    with pytest.raises(ValidationError):
        attrs["created_by"].set(contact, str(rep.pk), rep)
    assert contact.account == account  # the refused write changed nothing


def test_activity_parent_and_split_duration(rep, seller):
    lead = LeadFactory(last_name="Parent", actor=rep)
    call = CallFactory(duration_minutes=95, actor=rep)
    module = api_module("Calls")
    attrs = module.attributes
    assert attrs["duration_hours"].get(call) == 1 and attrs["duration_minutes"].get(call) == 35
    attrs["duration_minutes"].set(call, "5", rep)
    attrs["duration_hours"].set(call, "2", rep)
    assert call.duration_minutes == 125
    attrs["parent_type"].set(call, "Leads", rep)
    attrs["parent_id"].set(call, str(lead.pk), rep)
    assert call.parent_id == lead.pk
    prepared = module.prepare([call], rep)
    assert attrs["parent_type"].get(call) == "Leads"
    assert attrs["parent_name"].get(call, prepared) == "Lena Parent"
    assert attrs["parent_name"].get(call, module.prepare([call], seller)) is None
    assert attrs["date_entered"].text(call) == call.date_entered.astimezone(UTC).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def test_json_values_are_stored_as_suitecrm_would_store_them(seller):
    lead = Lead.new({"last_name": "Groß"})
    attributes = api_module("Leads").attributes
    attributes["title"].set(lead, 42, seller)
    attributes["department"].set(lead, True, seller)
    assert (lead.title, lead.department) == ("42", "1")
    for raw in ({"a": 1}, ["a", "b"]):
        with pytest.raises(ValidationError):
            attributes["title"].set(lead, raw, seller)
    assert lead.title == "42"


def test_a_user_id_beyond_the_database_is_nobody():
    assert user_pk(str(2**63)) is None
    assert user_pk("²") is None
    assert user_pk("17") == 17
