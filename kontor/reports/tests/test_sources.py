"""A report started from a saved view: its filters and search are copied (the report keeps them
when the view changes), only views the user sees of the chosen record type are taken, and a
forged id is refused with the reason and changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kontor.core import registry
from kontor.reports import engine, sources
from kontor.reports.models import Report
from kontor.reports.tests.conftest import make_report
from kontor.savedviews import actions as view_actions
from kontor.savedviews.models import SavedView

pytestmark = pytest.mark.django_db

START = "/reports/start/"
LEADS = registry.get("leads")


def view(owner, name="Web-Leads", query="lead_source=Web+Site&q=gmbh&sort=-last_name", **kw):
    values = {"columns": [], "share": "private", "team": None, **kw}
    return view_actions.create_view("leads", name=name, query=query, actor=owner, **values)


def stored():
    """What the tests' refusals must leave as it was."""
    return (
        list(Report.objects.order_by("pk").values_list("pk", "filters", "modified")),
        list(SavedView.objects.order_by("pk").values_list("pk", "query", "name")),
    )


def test_the_views_filters_and_search_are_copied_without_its_sort(rep):
    chosen = view(rep)
    filters, name = sources.filters_of(LEADS, chosen.pk, rep)
    assert (filters, name) == ("lead_source=Web+Site&q=gmbh", "Web-Leads")
    assert sources.choices(rep, LEADS) == [(chosen.pk, "Web-Leads")]
    assert sources.choices(rep, registry.get("contacts")) == []


def test_a_view_shared_with_everyone_is_a_start_for_everyone(rep, seller):
    shared = view(rep, "Für alle", share="everyone")
    assert sources.filters_of(LEADS, shared.pk, seller)[0] == "lead_source=Web+Site&q=gmbh"


@pytest.mark.parametrize("forged", ["private", "other type", "missing", "text"])
def test_a_forged_view_is_refused_with_the_reason(rep, seller, forged):
    private = view(rep)
    contacts = view_actions.create_view(
        "contacts", name="Kontakte", query="", columns=[], share="private", actor=seller
    )
    view_id = {
        "private": private.pk,  # Rolf's, not shared: Sina does not see it
        "other type": contacts.pk,  # Sina's own, but of contacts
        "missing": 999_999,
        "text": "1 OR 1=1",
    }[forged]
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        sources.filters_of(LEADS, view_id, seller)
    message = refused.value.message_dict["view"][0]
    if forged == "other type":
        assert (
            message
            == "„Kontakte“ ist eine gespeicherte Ansicht von Kontakte, nicht von Interessenten."
        )
    else:
        assert (
            message
            == "Diese gespeicherte Ansicht gibt es nicht, oder sie ist nicht für Sie freigegeben."
        )


def test_the_builder_fills_the_filters_from_the_chosen_view(rep_client, rep):
    chosen = view(rep)
    panel = rep_client.get(START, {"report-module": "leads", "report-view": chosen.pk})
    assert panel.status_code == 200
    assert panel.context["filterset"].data.urlencode() == "lead_source=Web+Site&q=gmbh"
    assert panel.context["q"] == "gmbh"
    assert panel.context["chosen_view"] == chosen.pk
    assert "Web-Leads" in panel.content.decode()
    # The builder opened with the view named in its address starts the same way.
    page = rep_client.get("/reports/new/", {"report-module": "leads", "report-view": chosen.pk})
    assert page.context["filterset"].data.urlencode() == "lead_source=Web+Site&q=gmbh"


def test_a_forged_view_in_the_builder_keeps_the_filters_and_says_why(client, rep, seller):
    private = view(rep)
    client.force_login(seller)
    before = stored()
    panel = client.get(
        START, {"report-module": "leads", "report-view": private.pk, "status": "Dead", "q": "x"}
    )
    assert panel.status_code == 200
    assert panel.context["filterset"].data.urlencode() == "q=x&status=Dead"  # as it was sent
    assert "chosen_view" not in panel.context
    assert panel.context["view_error"].startswith("This saved view does not exist")
    assert stored() == before
    # Nor does the builder page start from it.
    page = client.get("/reports/new/", {"report-module": "leads", "report-view": private.pk})
    assert page.context["filterset"].data.urlencode() == ""
    assert page.context["view_error"]
    # Only record types the user may list have a panel at all.
    assert client.get(START, {"report-module": "nonsense"}).status_code == 404


def test_a_report_keeps_the_copied_filters_when_the_view_changes(rep_client, rep, leads):
    chosen = view(rep, query="lead_source=Web+Site")
    filters, _name = sources.filters_of(LEADS, chosen.pk, rep)
    report = make_report(rep, filters=filters)
    before = engine.run(report, rep)
    assert [r.keys for r in before.rows] == [["Web Site"]]
    view_actions.change_view(chosen, query="lead_source=Cold+Call", actor=rep)
    view_actions.delete_view(chosen, actor=rep)
    report.refresh_from_db()
    assert report.filters == "lead_source=Web+Site"
    assert [r.values for r in engine.run(report, rep).rows] == [r.values for r in before.rows]


def test_the_start_panel_costs_a_fixed_number_of_queries(rep_client, rep):
    views = [view(rep, f"Ansicht {n}") for n in range(5)]
    params = {"report-module": "leads", "report-view": views[0].pk}
    rep_client.get(START, params)  # the cached dropdowns
    with CaptureQueriesContext(connection) as captured:
        rep_client.get(START, params)
    # Session, user, roles, the chosen view, the views offered, the users of the owner filter:
    # however many views there are.
    assert len(captured) == 6
