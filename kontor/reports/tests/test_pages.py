"""The report pages: build, preview, save, refuse bad input, share, forged ids, edit, duplicate,
delete, exports, the stored result and its refresh, the navigation entry, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kontor.core.testing_tools import run_queued_tasks
from kontor.reports.models import Report, ReportResult
from kontor.reports.tests.conftest import make_report

pytestmark = pytest.mark.django_db

NEW = "/reports/new/"


def builder_data(**values) -> dict:
    data = {
        "report-name": "Quellen",
        "report-module": "leads",
        "report-group_1": "lead_source",
        "report-period_1": "",
        "report-group_2": "",
        "report-period_2": "",
        "report-aggregates": ["count", "sum:opportunity_amount"],
        "report-chart": "bar",
        "report-share": "private",
        "report-team": "",
        "status": ["New"],
    }
    data.update(values)
    return data


def test_the_top_bar_links_the_reports(rep_client):
    page = rep_client.get("/reports/")
    assert page.status_code == 200
    assert b'data-nav-page="reports"' in page.content
    assert b"No reports yet" in page.content


def test_the_builder_offers_the_types_fields_and_filters(rep_client):
    page = rep_client.get(NEW, {"report-module": "leads"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="report-group_1"' in html and 'value="lead_source"' in html
    fields = rep_client.get("/reports/fields/?report-module=opportunities").content.decode()
    assert 'value="sales_stage"' in fields and 'value="sum:amount"' in fields
    assert "Sum of Amount (EUR)" in fields
    assert 'name="sales_stage"' in fields  # the list's own filter panel
    assert rep_client.get("/reports/fields/?report-module=nope").status_code == 404


def test_preview_shows_the_figures_without_saving(rep_client, leads):
    page = rep_client.post("/reports/preview/", builder_data())
    assert page.status_code == 200
    html = page.content.decode()
    # New leads: Web Site 100 + 300 + 1000, Cold Call 50
    assert "1,400.00" in html and "1,450.00" in html  # Web Site; the total with Cold Call
    assert 'href="/leads/?status=New&amp;lead_source=Web+Site"' in html
    assert not Report.objects.exists()


def test_save_stores_the_normalised_filters_and_opens_the_report(rep_client, rep, leads):
    response = rep_client.post(NEW, builder_data(**{"status": ["New", "Dead"], "q": ""}))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.owner == rep
    assert report.filters == "status=Dead&status=New"
    assert report.group_by == ["lead_source"]
    assert report.aggregates == ["count", "sum:opportunity_amount"]
    page = rep_client.get(response["Location"])
    assert page.status_code == 200
    assert "1,400.00" in page.content.decode()  # Web Site, New
    assert b'id="report-chart-data"' in page.content  # the chart beside the table


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"report-name": ""}, "This field is required."),
        ({"report-module": "nope"}, "Select a valid choice."),
        ({"report-group_1": "email1"}, "Select a valid choice."),
        ({"report-group_1": "date_entered"}, "by week, month, quarter or year"),
        ({"report-aggregates": ["sum:last_name"]}, "Select a valid choice."),
        ({"report-aggregates": []}, "Choose at least one figure."),
        ({"report-share": "team"}, "Choose the team to share the report with."),
        ({"date_entered_min": "2026-02-30"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(rep_client, values, message):
    page = rep_client.post(NEW, builder_data(**values))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Report.objects.exists()


def test_a_team_share_needs_membership(rep_client, rep, team, seller):
    page = rep_client.post(NEW, builder_data(**{"report-share": "team", "report-team": team.pk}))
    assert page.status_code == 400 and not Report.objects.exists()
    team.members.add(rep)
    page = rep_client.post(NEW, builder_data(**{"report-share": "team", "report-team": team.pk}))
    assert page.status_code == 302
    assert Report.objects.get().team == team


def test_shared_reports_show_each_viewer_their_own_figures(client, rep, seller, team, leads):
    team.members.add(rep)
    report = make_report(rep, share="team", team=team)
    client.force_login(seller)
    listing = client.get("/reports/")
    assert report.name in listing.content.decode()
    page = client.get(f"/reports/{report.pk}/").content.decode()
    # Sina's own leads only: one of each source
    assert '<td class="text-end">1</td>' in page and ">3<" not in page
    assert b"Edit" not in client.get(f"/reports/{report.pk}/").content.split(b"<main")[1]
    assert client.get(f"/reports/{report.pk}/edit/").status_code == 404


def snapshot():
    return list(
        Report.objects.order_by("pk").values_list(
            "pk", "owner_id", "name", "module", "filters", "group_by", "aggregates", "share"
        )
    )


def test_a_shared_reports_viewer_may_not_change_or_delete_it(client, rep, seller, team):
    team.members.add(rep)
    report = make_report(rep, share="team", team=team)
    before = snapshot()
    client.force_login(seller)
    assert client.get(f"/reports/{report.pk}/").status_code == 200  # visible to her
    assert client.post(f"/reports/{report.pk}/edit/", builder_data()).status_code == 404
    assert client.post(f"/reports/{report.pk}/delete/").status_code == 404
    assert snapshot() == before


def test_a_bad_edit_is_refused_and_the_report_stays_as_it_was(rep_client, rep):
    report = make_report(rep)
    before = snapshot()
    page = rep_client.post(
        f"/reports/{report.pk}/edit/",
        builder_data(**{"report-name": "Neu", "report-aggregates": []}),
    )
    assert page.status_code == 400
    assert "Choose at least one figure." in page.content.decode()
    assert snapshot() == before


def test_forged_ids_of_private_reports_are_404_and_change_nothing(client, rep, seller):
    report = make_report(rep)
    client.force_login(seller)
    for url in ("", "edit/", "delete/", "export.csv", "result/"):
        assert client.get(f"/reports/{report.pk}/{url}").status_code == 404, url
    assert client.post(f"/reports/{report.pk}/delete/").status_code == 404
    assert client.post(f"/reports/{report.pk}/edit/", builder_data()).status_code == 404
    assert client.post(f"/reports/{report.pk}/duplicate/").status_code == 404
    assert Report.objects.get().name == "Leads nach Quelle"
    assert Report.objects.count() == 1


def test_edit_duplicate_and_delete(rep_client, rep, leads):
    report = make_report(rep)
    page = rep_client.get(f"/reports/{report.pk}/edit/")
    assert 'value="Leads nach Quelle"' in page.content.decode()
    response = rep_client.post(
        f"/reports/{report.pk}/edit/",
        builder_data(**{"report-name": "Neu", "report-group_1": "status", "status": []}),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.name, report.group_by, report.filters) == ("Neu", ["status"], "")
    response = rep_client.post(f"/reports/{report.pk}/duplicate/")
    copy = Report.objects.exclude(pk=report.pk).get()
    assert copy.name == "Copy of Neu" and copy.group_by == ["status"]
    assert response["Location"] == f"/reports/{copy.pk}/edit/"
    assert rep_client.post(f"/reports/{report.pk}/delete/").status_code == 302
    assert list(Report.objects.all()) == [copy]


def test_exports_hold_the_rows_and_the_totals(rep_client, rep, leads):
    report = make_report(rep, aggregates=["count", "sum:opportunity_amount"])
    response = rep_client.get(f"/reports/{report.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Lead source", "Count", "Sum of Opportunity amount"],
        ["Cold Call", "3", "57.50"],
        ["Web Site", "3", "1400.00"],
        ["Total", "6", "1457.50"],
    ]
    response = rep_client.get(f"/reports/{report.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][:2] == ["Cold Call", 3] and float(values[3][2]) == 1457.5
    assert rep_client.get(f"/reports/{report.pk}/export.pdf").status_code == 404


def test_the_page_shows_the_stored_result_and_a_worker_refreshes_an_old_one(rep_client, rep, leads):
    report = make_report(rep)
    first = rep_client.get(f"/reports/{report.pk}/")
    stored = ReportResult.objects.get(report=report, user=rep)
    assert b"refreshing" not in first.content
    # An hour later, with a new lead: the page shows the stored figures and asks for fresh ones.
    ReportResult.objects.filter(pk=stored.pk).update(
        generated_at=timezone.now() - dt.timedelta(hours=1)
    )
    from kontor.leads.tests.factories import LeadFactory

    LeadFactory(lead_source="Web Site", actor=rep)
    old = rep_client.get(f"/reports/{report.pk}/")
    assert b"refreshing" in old.content and b"hour" in old.content
    since = (timezone.now() - dt.timedelta(minutes=59)).isoformat()
    assert rep_client.get(f"/reports/{report.pk}/result/", {"since": since}).status_code == 204
    run_queued_tasks()
    fresh = rep_client.get(f"/reports/{report.pk}/result/", {"since": since})
    assert fresh.status_code == 200
    assert '<td class="text-end">4</td>' in fresh.content.decode()  # Web Site: 3 + 1
    # Nothing newer and nothing queued: the page stops asking (286 ends HTMX's polling).
    latest = ReportResult.objects.get(report=report).generated_at.isoformat()
    done = rep_client.get(f"/reports/{report.pk}/result/", {"since": latest})
    assert done.status_code == 286


def test_query_counts_of_the_report_page(rep_client, rep, leads, django_assert_num_queries):
    report = make_report(rep, group_by=["lead_source", "assigned_user"])
    rep_client.get(f"/reports/{report.pk}/")  # stores the result
    # session, user with profile, the report, its stored result, the viewer's roles (whether
    # the result was counted with the rights the viewer has now; a viewer whose scope reaches
    # teams adds one query for them)
    with django_assert_num_queries(5):
        assert rep_client.get(f"/reports/{report.pk}/").status_code == 200
    ReportResult.objects.all().delete()
    # … plus the grouped query, the users' names and the upsert of the result
    with django_assert_num_queries(8):
        assert rep_client.get(f"/reports/{report.pk}/").status_code == 200
