"""Shared saved views and reports about a record type the viewer may not list stay hidden from
them, on every page and in the API: their names and filters could name hidden records."""

import pytest

from kontor.api.tests.conftest import token_client
from kontor.reports.models import Report
from kontor.savedviews import actions as views
from kontor.savedviews.models import SavedView
from kontor.users.sharing import Share
from kontor.users.tests.people import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def scout(db):
    """Lead generation staff: targets and nothing else."""
    return member("scout", "Sven", "Scout", "external_lead_generation")


@pytest.fixture
def shared(rep):
    """Rolf's opportunity report and view, and a target view, all shared with everyone."""
    report = Report.objects.create(
        owner=rep,
        module="opportunities",
        name="Acme-Deals",
        filters="q=acme",
        group_by=["sales_stage"],
        aggregates=["count"],
        share=Share.EVERYONE,
    )
    deals = views.create_view(
        "opportunities",
        name="Acme-Deals",
        query="q=acme",
        columns=[],
        share=Share.EVERYONE,
        team=None,
        actor=rep,
    )
    targets = views.create_view(
        "targets", name="Messe", query="q=messe", columns=[], share=Share.EVERYONE, actor=rep
    )
    return report, deals, targets


def test_the_querysets_leave_out_types_the_user_may_not_list(scout, rep, shared):
    report, deals, targets = shared
    assert list(Report.objects.visible_to(rep)) == [report]
    assert list(Report.objects.visible_to(scout)) == []
    assert set(SavedView.objects.visible_to(rep)) == {deals, targets}
    assert list(SavedView.objects.visible_to(scout)) == [targets]


def test_the_report_pages_answer_as_if_there_were_no_such_report(client, scout, shared):
    report, _, _ = shared
    client.force_login(scout)
    assert "Acme" not in client.get("/reports/").content.decode()
    for url in (
        f"/reports/{report.pk}/",
        f"/reports/{report.pk}/result/",
        f"/reports/{report.pk}/export.csv",
        f"/reports/{report.pk}/export.xlsx",
    ):
        assert client.get(url).status_code == 404, url


def test_the_apis_answer_as_if_there_were_no_such_report_or_view(scout, rep, shared):
    report, deals, targets = shared
    api = token_client(scout)
    assert api.get("/api/v1/analytics/reports/").json() == []
    assert api.get(f"/api/v1/analytics/reports/{report.pk}/result/").status_code == 404
    assert api.get(f"/api/v1/saved-views/{deals.pk}/").status_code == 404
    assert api.get(f"/api/v1/saved-views/{targets.pk}/").json()["name"] == "Messe"
    # Rolf, who may list opportunities, still reads both.
    assert token_client(rep).get(f"/api/v1/saved-views/{deals.pk}/").status_code == 200
    assert [r["name"] for r in token_client(rep).get("/api/v1/analytics/reports/").json()] == [
        "Acme-Deals"
    ]
