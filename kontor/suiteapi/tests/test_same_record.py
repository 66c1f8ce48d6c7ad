"""One record, three APIs: SuiteCRM's V8 (GET module/<Module>/<id>), SuiteCRM's v4_1
(get_entry) and Kontor's /api/v1 read the same values of the same lead or contact — names with
umlauts, e-mail, dropdown keys, the assigned user, dates, a Studio field — each in its own
format, converted here to one form and compared field by field. A migrated record whose
SuiteCRM id is not UUID-shaped answers under that id through both SuiteCRM APIs."""

import html
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.models import ExternalId
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.studio.tests.fields import add_field
from kontor.suiteapi.tests.conftest import person
from kontor.suitecrm.ids import kontor_id
from kontor.suitecrm.models import LegacyId

pytestmark = pytest.mark.django_db


def v8_time(text: str) -> datetime:
    """V8's datetime ("2026-12-07T02:02:49+00:00")."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S+00:00").replace(tzinfo=UTC)


def v41_time(text: str) -> datetime:
    """v4_1's datetime: UTC without a zone ("2026-12-07 02:02:49")."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def v1_time(text: str) -> datetime:
    """/api/v1's datetime: ISO 8601 in the site's zone with microseconds; SuiteCRM's APIs
    show whole seconds."""
    return datetime.fromisoformat(text).astimezone(UTC).replace(microsecond=0)


def suitecrm_text(value) -> str:
    """A /api/v1 value as SuiteCRM's APIs write it: "" for none, "1"/"0" for booleans,
    numbers and ids as text (dates are compared as times, not through this)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def same_everywhere(v8: dict, v41: dict, v1: dict) -> set[str]:
    """Assert every attribute the three answers share has one value (but the times, each in
    its API's format, compared by the tests); the names compared."""
    times = {"date_entered", "date_modified"}
    assert list(v41) == ["id", *v8]  # v4_1 shows V8's attributes, in V8's order, the id first
    assert {n: v for n, v in v41.items() if n not in times | {"id"}} == {
        n: v for n, v in v8.items() if n not in times
    }
    shared = set(v8) & set(v1) - times
    for name in shared:
        assert html.unescape(v8[name]) == suitecrm_text(v1[name]), name
    return shared


def read_three(caller, module: str, suitecrm_id: str, slug: str, pk) -> tuple:
    """The record's values through V8, v4_1 and /api/v1 (after checking each answered)."""
    status, document = caller.v8("GET", f"V8/module/{module}/{suitecrm_id}")
    assert status == 200, document
    assert document["data"]["id"] == suitecrm_id
    v8 = document["data"]["attributes"]
    answer = caller.v41("get_entry", [caller.session, module, suitecrm_id, []])
    [entry] = answer["entry_list"]
    assert entry["id"] == suitecrm_id and entry["module_name"] == module
    v41 = {name: pair["value"] for name, pair in entry["name_value_list"].items()}
    assert v41["id"] == suitecrm_id
    status, v1 = caller.v1("GET", f"{slug}/{pk}/")
    assert status == 200, v1
    return v8, v41, v1


def test_a_lead_reads_the_same_through_v8_v41_and_api_v1(caller):
    rolf = person("rolf", roles=["sales_manager"], first_name="Rolf", last_name="Rep")
    admin = person("ada", first_name="Ada", last_name="Admin")
    admin.is_superuser = True
    admin.save()
    add_field(admin)  # "budget", currency, served as budget_c
    lead = LeadFactory(
        salutation="Mr.",
        first_name="Jürgen",
        last_name="Müßig-Öztürk",
        email1="juergen.muessig@beispiel.de",
        status="Assigned",
        lead_source="Trade Show",
        account_name="Größe & Söhne <GmbH>",
        description="Grüße aus Köln",
        birthdate=date(1980, 2, 29),
        do_not_call=True,
        opportunity_amount=Decimal("1234.50"),
        custom={"budget": "9999.99"},
        actor=rolf,
    )
    v8, v41, v1 = read_three(caller(rolf), "Leads", str(lead.pk), "leads", lead.pk)

    plain = {
        "salutation": "Mr.",
        "first_name": "Jürgen",
        "last_name": "Müßig-Öztürk",
        "email1": "juergen.muessig@beispiel.de",
        "status": "Assigned",
        "lead_source": "Trade Show",
        "description": "Grüße aus Köln",
        "opportunity_amount": "1234.50",
    }
    for name, value in plain.items():
        assert (name, v8[name], v41[name], v1[name]) == (name, value, value, value)
    # SuiteCRM's APIs send quotes and angle brackets HTML-escaped (not "&"), as SuiteCRM
    # stores text; Kontor's API sends it as typed.
    assert v8["account_name"] == v41["account_name"] == "Größe & Söhne &lt;GmbH&gt;"
    assert html.unescape(v8["account_name"]) == v1["account_name"] == "Größe & Söhne <GmbH>"
    assert v8["name"] == v41["name"] == v8["full_name"] == "Jürgen Müßig-Öztürk"
    assert v8["assigned_user_id"] == v41["assigned_user_id"] == str(v1["assigned_user"])
    assert v1["assigned_user"] == rolf.pk
    assert v8["assigned_user_name"] == v41["assigned_user_name"] == "Rolf Rep"
    assert v8["created_by"] == v41["created_by"] == str(v1["created_by"])
    assert v8["do_not_call"] == v41["do_not_call"] == "1" and v1["do_not_call"] is True
    assert v8["converted"] == v41["converted"] == "0" and v1["converted"] is False
    assert v8["birthdate"] == v41["birthdate"] == v1["birthdate"] == "1980-02-29"
    assert v8["budget_c"] == v41["budget_c"] == v1["custom"]["budget"] == "9999.99"
    for name in ("date_entered", "date_modified"):
        stored = getattr(lead, name).astimezone(UTC).replace(microsecond=0)
        assert v8_time(v8[name]) == v41_time(v41[name]) == v1_time(v1[name]) == stored, name
    assert len(same_everywhere(v8, v41, v1)) > 40


def test_a_contact_with_its_account_reads_the_same(caller):
    rolf = person("rolf", roles=["sales_manager"], first_name="Rolf", last_name="Rep")
    contact = ContactFactory(
        first_name="Åsa",
        last_name="Björk",
        email1="asa.bjork@kunde.example",
        account__name="Bäckerei Müller",
        actor=rolf,
    )
    account = contact.account
    v8, v41, v1 = read_three(caller(rolf), "Contacts", str(contact.pk), "contacts", contact.pk)
    assert v8["account_id"] == v41["account_id"] == str(v1["account"]) == str(account.pk)
    assert v8["account_name"] == v41["account_name"] == "Bäckerei Müller"
    for name in ("first_name", "last_name", "email1", "salutation", "lead_source", "phone_work"):
        assert v8[name] == v41[name] == v1[name], name
    assert (v8["first_name"], v8["last_name"]) == ("Åsa", "Björk")
    assert v8["assigned_user_id"] == v41["assigned_user_id"] == str(v1["assigned_user"])
    entered = contact.date_entered.astimezone(UTC).replace(microsecond=0)
    assert v8_time(v8["date_entered"]) == v41_time(v41["date_entered"]) == entered
    assert v1_time(v1["date_entered"]) == entered
    assert len(same_everywhere(v8, v41, v1)) > 30


def test_a_migrated_record_answers_under_its_suitecrm_id_in_both_apis(caller):
    """A lead migrated with SuiteCRM id "4711" (not UUID-shaped: it got a derived Kontor id)
    assigned to a user migrated as "seed_sally_id": both SuiteCRM APIs name them by their
    SuiteCRM ids, Kontor's API by Kontor's; the values are the same."""
    rolf = person("rolf", roles=["sales_manager"], first_name="Rolf", last_name="Rep")
    sally = person("sally", roles=["sales_manager"], first_name="Sally", last_name="Bronsen")
    LegacyId.objects.create(kind="user", suitecrm_id="seed_sally_id", kontor_id=str(sally.pk))
    pk = kontor_id("leads", "4711")
    lead = LeadFactory(
        id=pk, first_name="Zoë", last_name="Weiß", assigned_user=sally, status="In Process"
    )
    ExternalId.objects.create(
        source="suitecrm",
        external_id="4711",
        record_type=ContentType.objects.get_for_model(Lead),
        record_id=pk,
    )
    as_rolf = caller(rolf)
    v8, v41, v1 = read_three(as_rolf, "Leads", "4711", "leads", lead.pk)
    assert v1["id"] == str(pk) != "4711"
    assert v8["assigned_user_id"] == v41["assigned_user_id"] == "seed_sally_id"
    assert v1["assigned_user"] == sally.pk
    assert v8["assigned_user_name"] == v41["assigned_user_name"] == "Sally Bronsen"
    for name in ("first_name", "last_name", "status", "email1"):
        assert v8[name] == v41[name] == v1[name], name
    # The derived Kontor id is an alias of the same record in both SuiteCRM APIs.
    status, document = as_rolf.v8("GET", f"V8/module/Leads/{pk}")
    assert status == 200 and document["data"]["id"] == "4711"
    answer = as_rolf.v41("get_entry", [as_rolf.session, "Leads", str(pk), ["last_name"]])
    assert answer["entry_list"][0]["id"] == "4711"
