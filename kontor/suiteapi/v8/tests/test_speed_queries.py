"""What a V8 list of 100 leads and a V8 create cost in queries (pinned: a change that adds one
shows up here), and that the shortcuts behind them answer as the plain ways do: the bearer
check's one statement (kontor.core.fast.token) with the fast paths on and off, the renderers
of user and record ids, and the count of `total-pages` cached under the query's parameters."""

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.suiteapi.mapping import api_module
from kontor.suiteapi.references import Row
from kontor.suiteapi.v8 import records
from kontor.suiteapi.v8.counts import list_count_key
from kontor.suiteapi.v8.documents import renderer, value
from kontor.suitecrm.models import LegacyId
from kontor.users.actions import save_team
from kontor.users.models import Team

pytestmark = pytest.mark.django_db

LIST = "V8/module/Leads?page[size]=100"
NEW_LEAD = {
    "data": {
        "type": "Leads",
        "attributes": {
            "last_name": "Neu",
            "first_name": "Nina",
            "email1": "nina@neu.example",
            "status": "New",
            "lead_source": "Web Site",
        },
    }
}


def _queries(call) -> tuple[list, object]:
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    return [q["sql"] for q in captured.captured_queries], answer


def test_a_list_of_100_leads_reads_the_token_and_the_page(as_rep, rep):
    LeadFactory.create_batch(101, actor=rep)
    # warm the configuration caches and the migrated users' ids (a page that is not full
    # needs no count)
    assert len(as_rep.get("V8/module/Leads?page[size]=200")[1]["data"]) == 101
    first, (status, body) = _queries(lambda: as_rep.get(LIST))
    assert status == 200 and len(body["data"]) == 100
    assert body["meta"] == {"total-pages": 2, "records-on-this-page": 100}
    # the token with its user, client, roles and teams (one statement), the page, the count
    assert len(first) == 3, first
    again, (status, body) = _queries(lambda: as_rep.get(LIST))
    assert status == 200 and len(body["data"]) == 100
    assert len(again) == 2, again  # the count comes from the cache


def test_a_create_writes_in_one_statement(as_rep, rep):
    warm = {**NEW_LEAD["data"], "attributes": {"last_name": "Warm"}}
    assert as_rep.post("V8/module", {"data": warm})[0] == 201  # configuration caches
    sql, (status, body) = _queries(lambda: as_rep.post("V8/module", NEW_LEAD))
    assert status == 201, body
    assert body["data"]["attributes"]["last_name"] == "Neu"
    assert Lead.objects.filter(email1="nina@neu.example").count() == 1
    token, savepoint, *writes, release = sql
    if connection.vendor == "postgresql":  # the statement prepared once per connection
        assert token.startswith("EXECUTE kontor_"), sql
    else:
        assert "suiteapi_accesstoken" in token and "users_role" in token
    assert savepoint.startswith("SAVEPOINT") and release.startswith("RELEASE SAVEPOINT")
    if connection.vendor == "postgresql":
        # the lead, its change-log row and its team rows in one prepared INSERT
        assert len(writes) == 1 and writes[0].startswith("EXECUTE"), sql
    else:
        # SQLite: the lead and its change-log row one INSERT each (Rolf is in no team)
        assert [w.split()[:3] for w in writes] == [
            ["INSERT", "INTO", '"leads_lead"'],
            ["INSERT", "INTO", '"core_changelog"'],
        ], sql


def test_the_fast_and_the_plain_bearer_check_answer_alike(client, as_rep, rep, settings):
    LeadFactory.create_batch(3, actor=rep)
    answers = []
    for switch in (True, False):
        settings.KONTOR_FAST_PATHS = switch
        answers.append(as_rep.get("V8/module/Leads?page[size]=2"))
        answers.append(as_rep.get("V8/module/Users"))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0][0] == 200 and len(answers[0][1]["data"]) == 2


@pytest.mark.parametrize("as_row", [True, False])
def test_id_renderers_show_what_the_attributes_text_shows(rep, admin, as_row):
    module = api_module("Leads")
    lead = LeadFactory(actor=rep, assigned_user=admin)
    LegacyId.objects.create(kind="user", kontor_id=str(admin.pk), suitecrm_id="seed-admin-1")
    if as_row:
        columns = module.row_columns()
        values = Lead.objects.values_list(*columns).get(pk=lead.pk)
        record = Row(dict(zip(columns, values, strict=True)))
    else:
        record = Lead.objects.get(pk=lead.pk)
    prepared = module.prepare([record], rep)
    assert prepared["users"] == {admin.pk: "seed-admin-1"}
    for name, attribute in module.attributes.items():
        shown = renderer(attribute, Lead)(record, prepared)
        assert shown == value(attribute.text(record, prepared)), name
    assert renderer(module.attributes["assigned_user_id"], Lead)(record, prepared) == (
        "seed-admin-1"
    )


def test_the_count_is_kept_per_query_user_and_teams(client, as_seller, seller, rep, admin):
    LeadFactory.create_batch(2, actor=seller)
    theirs = LeadFactory.create_batch(3, actor=rep)
    path = "V8/module/Leads?page[size]=1"
    assert as_seller.get(path)[1]["meta"]["total-pages"] == 2
    LeadFactory(actor=seller)
    # the same query within the minute: the kept count (never less than the page shows)
    assert as_seller.get(path)[1]["meta"]["total-pages"] == 2
    # another filter is another query
    status, body = as_seller.get(path + "&filter[status][neq]=Dead")
    assert status == 200 and body["meta"]["total-pages"] == 3
    # once in a team with Rolf, Sven reaches Rolf's leads: his reach changed, so did the key
    save_team(Team(name="Nord"), actor=admin, members=[seller, rep])
    Lead.teams.through.objects.bulk_create(
        Lead.teams.through(lead_id=lead.pk, team_id=Team.objects.get(name="Nord").pk)
        for lead in theirs
    )
    assert as_seller.get(path)[1]["meta"]["total-pages"] == 6


def test_a_condition_that_cannot_be_written_out_has_no_key(seller):
    module = api_module("Leads")
    assert list_count_key(seller, module, Q(last_name=F("first_name")), False) is None
    plain = list_count_key(seller, module, Q(status="New"), False)
    assert plain is not None
    assert plain != list_count_key(seller, module, ~Q(status="New"), False)
    assert plain != list_count_key(seller, module, Q(status="New"), True)
    assert list_count_key(seller, api_module("Users"), Q(), False) is None


@pytest.mark.parametrize("query", ["", "&sort=last_name", "&filter[status][neq]=Dead"])
def test_pages_through_their_ids_are_the_pages_of_the_plain_offset(
    as_seller, seller, rep, admin, monkeypatch, query
):
    """Deep pages (their ids first, in a sub-query) hold what OFFSET gives, for a user who
    sees his own and his team's leads (the permission filter inside the sub-query too)."""
    LeadFactory.create_batch(4, actor=seller)
    shared = LeadFactory.create_batch(3, actor=rep)
    LeadFactory.create_batch(2, actor=rep)  # not in the team: never shown
    team = save_team(Team(name="Nord"), actor=admin, members=[seller, rep])
    Lead.teams.through.objects.bulk_create(
        Lead.teams.through(lead_id=lead.pk, team_id=team.pk) for lead in shared
    )
    pages = {}
    for deferred_from in (10**9, 2):
        monkeypatch.setattr(records, "DEFERRED_OFFSET", deferred_from)
        pages[deferred_from] = []
        for number in range(1, 5):
            path = f"V8/module/Leads?page[size]=2&page[number]={number}{query}"
            status, body = as_seller.get(path)
            assert status == 200, body
            pages[deferred_from].append([row["id"] for row in body["data"]])
    assert pages[2] == pages[10**9]
    visible = Lead.objects.filter(pk__in=[lead.pk for lead in shared]) | Lead.objects.filter(
        created_by=seller
    )
    if "Dead" in query:
        visible = visible.exclude(status="Dead")
    shown = [pk for page in pages[2] for pk in page]
    assert sorted(shown) == sorted(str(pk) for pk in visible.values_list("pk", flat=True))
