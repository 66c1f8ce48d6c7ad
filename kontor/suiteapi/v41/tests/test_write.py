"""v4_1 set_entry and set_entries: shapes, the change log's origin, chosen ids, refusals that
change nothing."""

import uuid

import pytest

from kontor.core import dropdowns
from kontor.core.models import ChangeLog, ExternalId
from kontor.core.origins import describe
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.v41.tests.helpers import call, login
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

NO_ACCESS = {"name": "Access Denied", "number": 40, "description": "You do not have access"}


@pytest.fixture
def session(client, rolf):
    return login(client, "rolf", "pw-rolf-123!")


def user_with_role(name: str, role: str):
    user = create_user(name, password="", roles=[role])
    user.set_password(f"pw-{name}-123!")
    user.save()
    return user


def nv(**values) -> dict:
    return {k: {"name": k, "value": v} for k, v in values.items()}


def test_set_entry_creates_a_record_logged_as_the_suitecrm_api(client, rolf, session):
    answer = call(
        client,
        "set_entry",
        [
            session,
            "Leads",
            [
                {"name": "last_name", "value": "O&#039;Neil"},
                {"name": "status", "value": "New"},
                {"name": "full_name", "value": "ignored: computed"},
                {"name": "no_such_field", "value": "ignored"},
            ],
        ],
    )
    lead = Lead.objects.get()
    assert answer == {
        "id": str(lead.pk),
        "entry_list": nv(last_name="O&#039;Neil", status="New", full_name="O&#039;Neil"),
    }
    assert lead.last_name == "O'Neil" and lead.created_by == rolf
    log = ChangeLog.objects.get(record_id=lead.pk)
    assert log.action == "create" and log.actor == rolf
    assert log.origin.startswith("suiteapi:v41:")
    assert describe(log.origin) == ("SuiteCRM API", "")


def test_set_entry_updates_by_id_with_a_map_of_values(client, rolf, session):
    lead = LeadFactory(last_name="Alt", status="New", actor=rolf)
    answer = call(
        client,
        "set_entry",
        {
            "session": session,
            "module_name": "Leads",
            "name_value_list": {"id": str(lead.pk), "status": "Dead"},
        },
    )
    assert answer == {"id": str(lead.pk), "entry_list": nv(id=str(lead.pk), status="Dead")}
    lead.refresh_from_db()
    assert lead.status == "Dead"
    change = ChangeLog.objects.get(record_id=lead.pk, action="update")
    assert (change.field, change.old_value, change.new_value) == ("status", "New", "Dead")
    assert change.origin.startswith("suiteapi:")


def test_a_record_the_user_may_not_edit_is_no_access_and_unchanged(client, rolf):
    user_with_role("sven", "sales_rep")
    lead = LeadFactory(last_name="Rolfs", actor=rolf)
    session = login(client, "sven", "pw-sven-123!")
    for values in (
        [{"name": "id", "value": str(lead.pk)}, {"name": "last_name", "value": "Sven war hier"}],
        [{"name": "id", "value": "no-such-id"}, {"name": "last_name", "value": "x"}],
    ):
        assert call(client, "set_entry", [session, "Leads", values]) == NO_ACCESS
    lead.refresh_from_db()
    assert lead.last_name == "Rolfs" and Lead.objects.count() == 1


def test_a_role_without_the_module_gets_no_access_and_creates_nothing(client, rolf):
    user_with_role("elga", "external_lead_generation")
    session = login(client, "elga", "pw-elga-123!")
    values = [{"name": "last_name", "value": "x"}]
    assert call(client, "set_entry", [session, "Leads", values]) == NO_ACCESS
    assert call(client, "set_entries", [session, "Leads", [values]]) == NO_ACCESS
    assert call(client, "set_entry", [session, "Users", values]) == NO_ACCESS
    assert not Lead.objects.exists()


def test_new_with_id_creates_under_the_clients_id(client, rolf, session):
    chosen = str(uuid.uuid4())
    values = [{"name": "id", "value": chosen}, {"name": "new_with_id", "value": 1}]
    answer = call(
        client, "set_entry", [session, "Leads", [*values, {"name": "last_name", "value": "U"}]]
    )
    assert answer["id"] == chosen and Lead.objects.get().pk == uuid.UUID(chosen)
    values = [{"name": "id", "value": "crm_42"}, {"name": "new_with_id", "value": "1"}]
    answer = call(
        client, "set_entry", [session, "Leads", [*values, {"name": "last_name", "value": "C"}]]
    )
    assert answer["id"] == "crm_42"
    created = Lead.objects.get(last_name="C")
    assert ExternalId.objects.get(record_id=created.pk).external_id == "crm_42"
    again = call(client, "get_entry", [session, "Leads", "crm_42", ["last_name"]])
    assert again["entry_list"][0]["name_value_list"] == nv(last_name="C")
    # the same id again updates it
    call(client, "set_entry", [session, "Leads", [*values, {"name": "last_name", "value": "D"}]])
    created.refresh_from_db()
    assert created.last_name == "D" and Lead.objects.count() == 2


def test_an_id_without_new_with_id_creates_nothing(client, rolf, session):
    values = [{"name": "id", "value": str(uuid.uuid4())}, {"name": "last_name", "value": "x"}]
    assert call(client, "set_entry", [session, "Leads", values]) == NO_ACCESS
    bad = [{"name": "id", "value": "a b;c"}, {"name": "last_name", "value": "x"}]
    assert call(client, "set_entry", [session, "Leads", bad]) is None
    assert not Lead.objects.exists()


def test_a_value_kontor_refuses_writes_nothing(client, rolf, session):
    lead = LeadFactory(status="New", actor=rolf)
    values = [{"name": "id", "value": str(lead.pk)}, {"name": "status", "value": "Bogus"}]
    answer = call(client, "set_entry", [session, "Leads", values])
    assert answer["number"] == 1001
    lead.refresh_from_db()
    assert lead.status == "New"
    assert (
        call(client, "set_entry", [session, "Leads", [{"name": "status", "value": "New"}]])[
            "number"
        ]
        == 1001
    )  # no last name
    assert Lead.objects.count() == 1
    assert call(client, "set_entry", [session, "Leads", "last_name=x"])["number"] == 1001


def test_a_dropdown_value_sent_as_its_label_is_stored_as_its_key(client, rolf, session):
    lead = LeadFactory(actor=rolf)
    label = next(
        o.label for o in dropdowns.options("lawful_basis_source_dom") if o.key == "given_to_user"
    )
    assert label == "Given to user"
    values = [
        {"name": "id", "value": str(lead.pk)},
        {"name": "lawful_basis_source", "value": label},
    ]
    call(client, "set_entry", [session, "Leads", values])
    lead.refresh_from_db()
    assert lead.lawful_basis_source == "given_to_user"


def test_deleted_1_moves_the_record_to_the_trash(client, rolf, session):
    lead = LeadFactory(actor=rolf)
    values = [{"name": "id", "value": str(lead.pk)}, {"name": "deleted", "value": "1"}]
    call(client, "set_entry", [session, "Leads", values])
    assert not Lead.objects.filter(pk=lead.pk).exists()
    assert Lead.with_deleted.get(pk=lead.pk).deleted


def test_set_entries_answers_the_ids_written_and_leaves_out_the_refused(client, rolf, session):
    answer = call(
        client,
        "set_entries",
        [
            session,
            "Leads",
            [
                [{"name": "last_name", "value": "Eins"}],
                [{"name": "last_name", "value": "Kaputt"}, {"name": "status", "value": "Bogus"}],
                {"last_name": "Drei"},
            ],
        ],
    )
    created = {lead.last_name: str(lead.pk) for lead in Lead.objects.all()}
    assert sorted(created) == ["Drei", "Eins"]
    assert answer == {"ids": [created["Eins"], created["Drei"]]}
