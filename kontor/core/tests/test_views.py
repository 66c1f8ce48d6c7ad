"""The generic list machinery seen through HTTP: filters, sorting, pages, count, fragments.

Module by module behaviour (create, edit, trash …) is in each app's declarative tests; this file
covers what the list pages share, on leads, contacts and opportunities.
"""

import base64
import datetime
import json

import pytest
from django.utils import timezone

from kontor.accounts.tests.factories import AccountFactory
from kontor.activities.tests.factories import CallFactory, TaskFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.actions import delete_records, save_record
from kontor.core.models import ChangeLog
from kontor.core.testing import (
    count_queries,
    csv_rows,
    form_data,
    whole_page,
)
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.opportunities.tests.factories import OpportunityFactory


def pks(response) -> set:
    assert response.status_code == 200
    return {row["pk"] for row in response.context["rows"]}


def range_params(response, name: str, start: str, end: str) -> dict:
    """The GET parameters of the from–to filter `name`, named as the filter form names them."""
    low, high = response.context["filterset"].form.fields[name].widget.suffixes
    return {f"{name}_{low}": start, f"{name}_{high}": end}


@pytest.fixture
def leads(rep, admin):
    return {
        "new": LeadFactory(status="New", actor=rep),
        "dead": LeadFactory(status="Dead", actor=rep),
        "assigned": LeadFactory(status="Assigned", actor=rep),
        "ada_new": LeadFactory(status="New", actor=admin),
    }


# --- filters ----------------------------------------------------------------------------------


def test_the_status_filter_takes_several_statuses(rep_client, leads):
    response = rep_client.get("/leads/", {"status": ["New", "Dead"]})
    assert pks(response) == {leads["new"].pk, leads["dead"].pk, leads["ada_new"].pk}


def test_only_mine_shows_the_records_assigned_to_me(rep_client, leads):
    assert pks(rep_client.get("/leads/", {"mine": "on"})) == {
        leads["new"].pk,
        leads["dead"].pk,
        leads["assigned"].pk,
    }
    assert pks(rep_client.get("/leads/", {"mine": "on", "status": "New"})) == {leads["new"].pk}
    assert len(pks(rep_client.get("/leads/", {"sort": "-date_entered"}))) == 4


def test_the_assigned_user_filter(rep_client, leads, admin, rep):
    assert pks(rep_client.get("/leads/", {"assigned_user": admin.pk})) == {leads["ada_new"].pk}
    both = rep_client.get("/leads/", {"assigned_user": [admin.pk, rep.pk]})
    assert len(pks(both)) == 4


def test_the_date_range_includes_both_whole_days(rep_client, rep):
    berlin = timezone.get_current_timezone()
    moments = {
        "before": datetime.datetime(2024, 12, 31, 23, 59, tzinfo=berlin),
        "first_day": datetime.datetime(2025, 1, 1, 0, 0, tzinfo=berlin),
        "last_day": datetime.datetime(2025, 1, 31, 23, 30, tzinfo=berlin),
        "after": datetime.datetime(2025, 2, 1, 0, 30, tzinfo=berlin),
    }
    made = {}
    for key, moment in moments.items():
        made[key] = LeadFactory(actor=rep)
        Lead.objects.filter(pk=made[key].pk).update(date_entered=moment)
    params = range_params(rep_client.get("/leads/"), "date_entered", "2025-01-01", "2025-01-31")
    assert pks(rep_client.get("/leads/", params)) == {made["first_day"].pk, made["last_day"].pk}
    only_from = {k: v for k, v in params.items() if v == "2025-01-01"}
    assert pks(rep_client.get("/leads/", only_from)) == {
        made["first_day"].pk,
        made["last_day"].pk,
        made["after"].pk,
    }


def test_the_date_range_of_a_date_field(rep_client, rep):
    deals = {
        d: OpportunityFactory(date_closed=datetime.date(2025, 3, d), actor=rep) for d in (1, 15, 31)
    }
    params = range_params(
        rep_client.get("/opportunities/"), "date_closed", "2025-03-01", "2025-03-15"
    )
    assert pks(rep_client.get("/opportunities/", params)) == {deals[1].pk, deals[15].pk}


def test_show_all_of_an_account_filters_by_it(rep_client, rep):
    account = AccountFactory(actor=rep)
    mine = ContactFactory.create_batch(2, account=account, actor=rep)
    ContactFactory(actor=rep)
    assert pks(rep_client.get("/contacts/", {"account": account.pk})) == {c.pk for c in mine}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "Bogus"},
        {"assigned_user": "abc"},
        {"account": "not-an-id"},
        {"date_entered_min": "2025-02-30"},
        {"date_entered_after": "2025-02-30"},
        {"mine": "maybe"},
        {"sort": "password"},
        {"sort": "-account__password"},
        {"q": "%_*\\'\""},
        {"q": "x" * 2000},
    ],
    ids=lambda p: "-".join(p),
)
def test_bad_list_parameters_never_break_the_list(rep_client, leads, params):
    response = rep_client.get("/leads/", params)
    assert response.status_code == 200
    assert response.context["sort"] == "-date_entered"


# --- sorting and pages ------------------------------------------------------------------------


def test_a_column_sorts_both_ways(rep_client, rep):
    for name in ("bravo", "alpha", "charlie"):
        LeadFactory(last_name=name, actor=rep)
    names = [
        row["cells"][0][0]
        for row in rep_client.get("/leads/", {"sort": "last_name"}).context["rows"]
    ]
    assert names == ["alpha", "bravo", "charlie"]
    names = [
        row["cells"][0][0]
        for row in rep_client.get("/leads/", {"sort": "-last_name"}).context["rows"]
    ]
    assert names == ["charlie", "bravo", "alpha"]


def test_a_link_column_sorts_by_the_linked_records_name(rep_client, rep):
    deals = [
        OpportunityFactory(account=AccountFactory(name=n), actor=rep)
        for n in ("bravo", "alpha", "charlie")
    ]
    response = rep_client.get("/opportunities/", {"sort": "account__name"})
    assert [row["pk"] for row in response.context["rows"]] == [
        deals[1].pk,
        deals[0].pk,
        deals[2].pk,
    ]


def test_the_list_pages_through_every_record_and_back(rep_client, rep, settings):
    settings.KONTOR_PAGE_SIZE = 4
    created = {lead.pk for lead in LeadFactory.create_batch(10, actor=rep)}
    seen, pages, response = [], [], rep_client.get("/leads/", {"status": "New"})
    while True:
        pages.append([row["pk"] for row in response.context["rows"]])
        seen += pages[-1]
        page = response.context["page"]
        if not page.has_next:
            break
        assert f"cursor={page.next_cursor}" in response.content.decode()
        response = rep_client.get("/leads/", {"status": "New", "cursor": page.next_cursor})
    assert [len(p) for p in pages] == [4, 4, 2] and set(seen) == created and len(seen) == 10
    back = rep_client.get(
        "/leads/", {"status": "New", "cursor": response.context["page"].prev_cursor}
    )
    assert [row["pk"] for row in back.context["rows"]] == pages[1]


def raw_cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        raw_cursor("next", "2025-01-01T00:00:00+00:00", "not-a-uuid"),
        raw_cursor("prev", None, "1"),
        raw_cursor("next", "yesterday", "x"),
    ],
    ids=["garbage", "next-with-bad-id", "prev-with-bad-id", "bad-value"],
)
def test_a_damaged_cursor_shows_the_first_page(rep_client, leads, cursor):
    response = rep_client.get("/leads/", {"cursor": cursor})
    assert response.status_code == 200
    assert len(pks(response)) == 4 and not response.context["page"].has_prev


# --- count and fragments ----------------------------------------------------------------------


def test_the_count_follows_the_filters(rep_client, leads):
    assert rep_client.get("/leads/count/", {"status": "New"}).json() == {
        "count": 2,
        "capped": False,
        "text": "2 records",
    }
    assert rep_client.get("/leads/count/").json()["count"] == 4


def test_an_htmx_request_gets_only_the_table(rep_client, leads):
    fragment = rep_client.get("/leads/", {"status": "Dead"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "<html" not in html and 'id="mass-form"' in html
    assert f"/leads/{leads['dead'].pk}/" in html and f"/leads/{leads['new'].pk}/" not in html


# --- a detail page does not grow with its related records -----------------------------------


def test_the_account_page_costs_the_same_with_many_related_records(rep_client, rep):
    account = AccountFactory(actor=rep)

    def add(n):
        for i in range(n):
            ContactFactory(account=account, actor=rep)
            LeadFactory(account=account, actor=rep)
            OpportunityFactory(account=account, actor=rep)
            AccountFactory(parent=account, actor=rep)
            CallFactory(parent=account, actor=rep)
            TaskFactory(parent=account, actor=rep, status=("Completed", "Not Started")[i % 2])
            account.description = f"Version {i}"
            save_record(account, actor=rep)

    add(2)
    url = f"/accounts/{account.pk}/"
    rep_client.get(url)
    few, _response = count_queries(lambda: rep_client.get(url))
    add(9)
    many, response = count_queries(lambda: rep_client.get(url))
    assert len(response.context["open_activities"]) == 11 + 5
    assert few == many, f"{few} queries with 2 of each related record, {many} with 11"


def test_recent_changes_show_on_the_detail_page(rep_client, rep, admin):
    lead = LeadFactory(actor=rep)
    lead.status = "Dead"
    save_record(lead, actor=admin)
    entries = whole_page(rep_client, f"/leads/{lead.pk}/").context["changelog"]
    changed = next(e for e in entries if e["entry"].field == "status")
    assert (changed["old"], changed["new"], changed["actor"]) == ("New", "Dead", "Ada Admin")


# --- mass actions, export, pickers ------------------------------------------------------------


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/"])
def test_a_mass_action_never_sends_the_user_off_site(rep_client, leads, target):
    response = rep_client.post(
        "/leads/mass/",
        {
            "verb": "update",
            "field": "status",
            "status": "Dead",
            "ids": [leads["new"].pk],
            "next": target,
        },
    )
    assert response.status_code == 302 and response.url == "/leads/"
    assert Lead.objects.get(pk=leads["new"].pk).status == "Dead"


def test_a_mass_update_of_a_field_not_offered_changes_nothing(rep_client, leads):
    stored = {lead.pk: (lead.last_name, lead.date_modified) for lead in Lead.objects.all()}
    logs = ChangeLog.objects.count()
    response = rep_client.post(
        "/leads/mass/",
        {
            "verb": "update",
            "field": "last_name",
            "last_name": "Hacked",
            "ids": [lead.pk for lead in leads.values()],
        },
        follow=True,
    )
    assert "Choose a field to update." in response.content.decode()
    assert {lead.pk: (lead.last_name, lead.date_modified) for lead in Lead.objects.all()} == stored
    assert ChangeLog.objects.count() == logs


def test_the_export_follows_the_filters_and_the_search(rep_client, leads):
    rows = csv_rows(rep_client.get("/leads/export.csv", {"status": "New", "mine": "on"}))
    assert [r[0] for r in rows[1:]] == [str(leads["new"].pk)]
    rows = csv_rows(rep_client.get("/leads/export.csv", {"q": str(leads["dead"])}))
    assert [r[0] for r in rows[1:]] == [str(leads["dead"].pk)]


def test_the_picker_lookup_finds_live_records_only(rep_client, rep):
    live = AccountFactory(name="Fjord Maschinenbau", actor=rep)
    gone = AccountFactory(name="Fjord Logistik", actor=rep)
    delete_records([gone], actor=rep)
    assert rep_client.get("/accounts/lookup/", {"q": "fjord"}).json() == {
        "results": [{"value": str(live.pk), "text": "Fjord Maschinenbau"}]
    }


def test_a_record_of_a_deactivated_user_stays_editable(rep_client, rep, admin):
    # People leave; their records must keep their owner until someone reassigns them.
    lead = LeadFactory(actor=admin)
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    url = f"/leads/{lead.pk}/edit/"
    form = rep_client.get(url).context["form"]
    assert str(admin.pk) in [str(key) for key, _label in form.fields["assigned_user"].choices]
    response = rep_client.post(url, {**form_data(form), "title": "Einkauf"})
    assert response.status_code == 302, response.context["form"].errors
    stored = Lead.objects.get(pk=lead.pk)
    assert (stored.title, stored.assigned_user) == ("Einkauf", admin)


def test_the_changes_of_one_request_share_one_origin(rep_client, rep):
    lead = LeadFactory(actor=rep)
    url = f"/leads/{lead.pk}/edit/"
    data = {**form_data(rep_client.get(url).context["form"]), "title": "CEO", "status": "Dead"}
    assert rep_client.post(url, data).status_code == 302
    origins = set(
        ChangeLog.objects.filter(record_id=lead.pk, action="update").values_list(
            "origin", flat=True
        )
    )
    assert len(origins) == 1 and origins.pop().startswith("req:")


@pytest.mark.parametrize(
    "url",
    [
        "/contacts/new/?account=notauuid",
        "/opportunities/new/?account=abc",
        "/tasks/new/?contact=xyz",
        "/search/?q=%00x",
        "/leads/?q=x%00y",
        "/leads/lookup/?q=%00",
    ],
)
def test_damaged_ids_and_control_characters_in_the_address_never_give_a_500(rep_client, url):
    response = rep_client.get(url)
    assert response.status_code == 200
