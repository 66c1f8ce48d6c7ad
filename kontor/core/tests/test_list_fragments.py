"""What a list page leaves out and loads on demand: the filter panel and the mass-update value
input come as fragments; the rows are rendered in Python, from the columns it shows only, with
dates written as Django writes them."""

import datetime
import re

import pytest
from django.utils import formats, timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core import permissions, preferences, registry
from kontor.core.records import tables
from kontor.core.testing import count_queries
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import save_role
from kontor.users.models import Role


@pytest.fixture
def leads(rep):
    return [
        LeadFactory(last_name="Albers", status="New", actor=rep),
        LeadFactory(last_name="Dorn", status="Dead", actor=rep),
    ]


def select_named(html: str, name: str) -> str:
    """The first <select name=…> element of `html` ("" when there is none)."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S)
    return found.group(0) if found else ""


# --- the filter panel ---------------------------------------------------------------------------


def test_a_plain_list_renders_no_filter_widget_but_the_button_that_loads_them(rep_client, leads):
    html = rep_client.get("/leads/", {"q": "alb", "sort": "last_name"}).content.decode()
    assert select_named(html, "status") == "" and 'name="mine"' not in html
    assert 'hx-get="/leads/filters/?q=alb&amp;sort=last_name"' in html
    assert 'href="?q=alb&amp;sort=last_name&amp;filters=1"' in html  # without JavaScript


@pytest.mark.parametrize("params", [{"status": "Dead"}, {"filters": "1"}, {"mine": "on"}])
def test_a_filtered_list_renders_its_filters_with_their_values(rep_client, leads, params):
    html = rep_client.get("/leads/", params).content.decode()
    status = select_named(html, "status")
    assert '<option value="Dead"' in status and 'name="mine"' in html
    assert ('<option value="Dead" selected>' in status) == (params.get("status") == "Dead")
    assert "autofocus" not in html  # only an opened panel takes the focus


def test_the_filter_panel_fragment_shows_the_addresses_values(rep_client, leads):
    rep_client.get("/leads/filters/")  # warm the caches (dropdown lists)
    queries, response = count_queries(
        lambda: rep_client.get("/leads/filters/", {"status": "Dead", "q": "dorn"})
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "<form" not in html
    assert '<option value="Dead" selected>' in select_named(html, "status")
    # Focus moves into the panel the user opened (the first field: "Only mine").
    assert re.search(r'<input type="checkbox" name="mine"[^>]*autofocus', html)
    # Session, user with profile, roles as on every page, then the assigned-user choices: none
    # per field or value.
    assert queries == 4


def test_filtering_by_the_loaded_panels_fields_filters_the_list(rep_client, leads):
    html = rep_client.get("/leads/filters/").content.decode()
    assert 'name="status"' in html
    response = rep_client.get("/leads/", {"status": "Dead"})
    assert [row["pk"] for row in response.context["rows"]] == [leads[1].pk]


def test_a_user_who_may_not_list_gets_no_filter_panel(client, leads):
    from kontor.users.actions import create_user

    outsider = create_user("otto", password="pw-otto-123!", roles=["external_lead_generation"])
    client.force_login(outsider)
    assert client.get("/leads/filters/").status_code == 404


# --- the mass-update value input ----------------------------------------------------------------


def test_the_list_offers_the_mass_update_fields_without_their_inputs(rep_client, leads):
    html = rep_client.get("/leads/").content.decode()
    field = select_named(html, "field")
    assert '<option value="status">Status</option>' in field
    assert '<option value="assigned_user">Assigned to</option>' in field
    assert 'hx-get="/leads/mass/"' in field and 'hx-target="#mass-value"' in field
    assert select_named(html, "status") == "" and select_named(html, "assigned_user") == ""


def test_choosing_a_field_loads_its_input(rep_client, leads, rep, admin):
    rep_client.get("/leads/mass/", {"field": "status"})  # warm the caches
    queries, response = count_queries(
        lambda: rep_client.get("/leads/mass/", {"field": "assigned_user"})
    )
    html = response.content.decode()
    users = select_named(html, "assigned_user")
    assert 'id="mass_assigned_user"' in users and '<label class="visually-hidden"' in html
    assert f'<option value="{rep.pk}">Rolf Rep</option>' in users
    assert f'<option value="{admin.pk}">Ada Admin</option>' in users
    assert queries == 4  # session, user with profile, roles as on every page; the active users

    status = select_named(
        rep_client.get("/leads/mass/", {"field": "status"}).content.decode(), "status"
    )
    assert '<option value="In Process">In Process</option>' in status


def test_a_field_not_offered_loads_nothing(rep_client, leads):
    for field in ("", "last_name", "password"):
        response = rep_client.get("/leads/mass/", {"field": field})
        assert response.status_code == 200 and response.content == b""


def test_a_user_who_may_not_mass_update_gets_no_input(client, rep, admin, leads):
    role = Role.objects.get(key="sales_manager")
    grants = {**role.grants, "leads": {**role.grants["leads"], "mass_update": "none"}}
    save_role(role, actor=admin, grants=grants, users=role.users.all())
    permissions.forget(rep)
    client.force_login(rep)
    assert client.get("/leads/mass/", {"field": "status"}).status_code == 404
    html = client.get("/leads/").content.decode()
    assert select_named(html, "field") == ""
    before = dict(Lead.objects.values_list("pk", "status"))
    client.post(
        "/leads/mass/",
        {"verb": "update", "field": "status", "status": "Dead", "ids": [lead.pk for lead in leads]},
    )
    assert dict(Lead.objects.values_list("pk", "status")) == before


# --- the column chooser ------------------------------------------------------------------------


def test_the_column_chooser_loads_with_the_shown_columns_checked(rep_client, rep, leads):
    html = rep_client.get("/leads/").content.decode()
    assert 'name="columns"' not in html
    assert 'hx-get="/leads/columns/" hx-target="#column-chooser" hx-trigger="click once"' in html

    rep_client.get("/leads/columns/")
    queries, response = count_queries(lambda: rep_client.get("/leads/columns/"))
    chooser = response.content.decode()
    checked = re.findall(r'name="columns" value="(\w+)"[^>]* checked', chooser)
    offered = re.findall(r'name="columns" value="(\w+)"', chooser)
    assert checked == list(registry.get("leads").list_columns)
    assert "opportunity_amount" in offered and "opportunity_amount" not in checked
    assert 'action="/leads/columns/"' in chooser and "csrfmiddlewaretoken" in chooser
    assert re.search(r'value="last_name" id="col-last_name" checked autofocus', chooser)
    assert queries == 3  # session, user with profile, roles as on every page

    rep_client.post("/leads/columns/", {"columns": ["last_name", "opportunity_amount"]})
    chooser = rep_client.get("/leads/columns/").content.decode()
    checked = re.findall(r'name="columns" value="(\w+)"[^>]* checked', chooser)
    assert checked == ["last_name", "opportunity_amount"]
    columns = rep_client.get("/leads/").context["columns"]
    assert [c.name for c in columns] == ["last_name", "opportunity_amount"]


# --- rows --------------------------------------------------------------------------------------


def test_cell_texts_are_escaped_and_the_link_column_links_the_record(rep_client, rep):
    lead = LeadFactory(last_name='<b>"Bold" & Co</b>', account_name="<i>x</i>", actor=rep)
    html = rep_client.get("/leads/").content.decode()
    assert (
        f'<td><a href="/leads/{lead.pk}/">&lt;b&gt;&quot;Bold&quot; &amp; Co&lt;/b&gt;</a></td>'
        in html
    )
    # An editable cell (kontor.core.records.inline) holds its escaped text in a span.
    assert '<span class="inline-text">&lt;i&gt;x&lt;/i&gt;</span>' in html and "<b>" not in html
    assert f'name="ids" value="{lead.pk}" aria-label="Select"' in html


def test_every_column_a_user_may_choose_loads_without_a_query_per_row(rep_client, rep):
    names = [
        "last_name",
        "first_name",
        "title",
        "account_name",
        "email1",
        "phone_work",
        "phone_mobile",
        "primary_address_city",
        "status",
        "lifecycle_stage",
        "lead_source",
        "opportunity_amount",
        "assigned_user",
        "date_entered",
        "date_modified",
    ]
    preferences.save_list_columns(rep, "leads", names, actor=rep)
    LeadFactory(last_name="Zander", opportunity_amount="12500.50", actor=rep)
    rep_client.get("/leads/")
    few, response = count_queries(lambda: rep_client.get("/leads/"))
    assert [c.name for c in response.context["columns"]] == names
    (row,) = response.context["rows"]
    texts = [text for text, _url in row["cells"]]
    assert texts[0] == "Zander" and "12,500.50" in texts and "Rolf Rep" in texts
    LeadFactory.create_batch(5, actor=rep)
    many, response = count_queries(lambda: rep_client.get("/leads/", {"sort": "lead_source"}))
    assert len(response.context["rows"]) == 6 and few == many


def test_a_linked_records_name_shows_with_only_the_shown_fields_loaded(rep_client, rep):
    account = AccountFactory(name="Albers Bau", actor=rep)
    contact = ContactFactory(account=account, actor=rep)
    preferences.save_list_columns(rep, "contacts", ["last_name", "account"], actor=rep)
    response = rep_client.get("/contacts/", {"sort": "account__name"})
    (row,) = response.context["rows"]
    assert row["cells"] == [
        (contact.last_name, f"/contacts/{contact.pk}/"),
        ("Albers Bau", f"/accounts/{account.pk}/"),
    ]


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(9998, 12, 31),
        timezones=st.just(datetime.UTC),
    ),
    language=st.sampled_from(["en", "de"]),
    name=st.sampled_from(
        ["SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "DATE_FORMAT"]
    ),
)
def test_list_dates_read_as_djangos_date_format_writes_them(moment, language, name):
    local = timezone.localtime(moment)
    value = local if "TIME" in name else local.date()
    with translation.override(language):
        assert tables.format_date(value, name) == formats.date_format(value, name)
