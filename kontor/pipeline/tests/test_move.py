"""Moving a card: the same action as the edit form, or a refusal that changes nothing."""

import pytest

from kontor.core import registry
from kontor.core.actions import save_record
from kontor.core.grants import grant
from kontor.core.testing import count_queries, log_of
from kontor.core.tests.hidden_links import snapshot
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions.fields import set_required
from kontor.users.actions import create_user
from kontor.users.models import Role

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def move(client, deal, stage, *, version=None, query=""):
    version = deal.date_modified.isoformat() if version is None else version
    return client.post(
        f"/opportunities/board/{deal.pk}/move/",
        {"stage": stage, "version": version, "query": query},
        headers=JSON,
    )


def test_a_move_saves_the_stage_through_the_action(rep_client, pipeline):
    deal = pipeline.usd
    response = move(rep_client, deal, "Qualification")
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] and answer["message"] == ""
    stored = Opportunity.objects.get(pk=deal.pk)
    assert (stored.sales_stage, stored.probability) == ("Qualification", 20)
    assert ("update", "sales_stage", "Prospecting", "Qualification") in log_of(deal)
    # The card as stored now (its new version) and both columns' headers, recounted.
    assert stored.date_modified.isoformat() in answer["card"]
    assert set(answer["headers"]) == {"Prospecting", "Qualification"}
    assert "3,000.50 EUR" in answer["headers"]["Qualification"]
    assert "1,000.00 EUR" in answer["headers"]["Prospecting"]


def test_the_headers_of_a_move_follow_the_boards_filters(rep_client, pipeline):
    answer = move(rep_client, pipeline.eur, "Qualification", query="mine=on").json()
    # Only the manager's own: Lizenzen alone in Qualification now, nothing left in Prospecting.
    assert "1,000.00 EUR" in answer["headers"]["Qualification"]
    assert "2,000.50" not in answer["headers"]["Qualification"]


def test_a_move_to_a_field_studio_requires_is_refused_and_changes_nothing(
    rep_client, admin, pipeline
):
    set_required(registry.get("opportunities"), ["next_step"], actor=admin)
    before = snapshot(pipeline.usd)
    response = move(rep_client, pipeline.usd, "Qualification")
    assert response.status_code == 409
    answer = response.json()
    assert not answer["ok"]
    assert answer["message"].startswith("The stage was not changed.")
    assert "Next step" in answer["message"]
    assert snapshot(pipeline.usd) == before


def test_a_move_after_someone_elses_save_is_refused(rep_client, rep, pipeline):
    shown = pipeline.usd.date_modified.isoformat()
    deal = Opportunity.objects.get(pk=pipeline.usd.pk)
    deal.next_step = "Anrufen"
    save_record(deal, actor=rep)
    before = snapshot(deal)
    response = move(rep_client, deal, "Qualification", version=shown)
    assert response.status_code == 409
    assert "someone else saved this record meanwhile" in response.json()["message"]
    assert snapshot(deal) == before


def test_a_rep_cannot_move_what_they_may_not_see(sam_client, pipeline):
    before = snapshot(pipeline.eur)
    assert move(sam_client, pipeline.eur, "Qualification").status_code == 404
    assert snapshot(pipeline.eur) == before


def test_a_viewer_who_may_not_edit_is_told_so_and_nothing_changes(client, pipeline):
    role = Role.objects.create(
        name="Leser", grants={"opportunities": grant(access="all", view="all", list="all")}
    )
    reader = create_user("lena", password="pw-lena-123!", roles=[role])
    client.force_login(reader)
    before = snapshot(pipeline.eur)
    response = move(client, pipeline.eur, "Qualification")
    assert response.status_code == 403
    assert response.json()["message"] == "You may not change this opportunity."
    assert "Move to" not in response.json()["card"]
    assert snapshot(pipeline.eur) == before
    assert "Move to" not in client.get("/opportunities/board/").content.decode()


def test_an_unknown_stage_is_refused(rep_client, pipeline):
    before = snapshot(pipeline.eur)
    response = move(rep_client, pipeline.eur, "Gewürfelt")
    assert response.status_code == 409
    assert snapshot(pipeline.eur) == before


def test_without_javascript_the_move_posts_and_the_board_shows_the_result(rep_client, pipeline):
    deal = pipeline.eur
    response = rep_client.post(
        f"/opportunities/board/{deal.pk}/move/",
        {"stage": "Closed Won", "version": deal.date_modified.isoformat(), "query": "mine=on"},
    )
    assert response.status_code == 302
    assert response.url == "/opportunities/board/?mine=on"
    assert Opportunity.objects.get(pk=deal.pk).probability == 100


def test_a_move_answers_german_reasons(rep_client, rep, admin, pipeline):
    rep.profile.language = "de"
    rep.profile.save()
    set_required(registry.get("opportunities"), ["next_step"], actor=admin)
    message = move(rep_client, pipeline.usd, "Qualification").json()["message"]
    assert message.startswith("Die Phase wurde nicht geändert.")


def test_a_move_costs_a_fixed_number_of_queries(rep_client, rep, pipeline):
    def measure(deal, stage):
        deal = Opportunity.objects.get(pk=deal.pk)
        found, response = count_queries(lambda: move(rep_client, deal, stage))
        assert response.status_code == 200 and response.json()["ok"]
        return found

    first = measure(pipeline.eur, "Qualification")
    for _ in range(10):
        OpportunityFactory(sales_stage="Needs Analysis", actor=rep)
    # Session, user, the manager's roles, the record, its row under lock, the update, the
    # change log, both columns' figures in one grouped query and the card: none per card of
    # either column.
    assert measure(pipeline.eur, "Needs Analysis") == first == 9
