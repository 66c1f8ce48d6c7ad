"""Reports in a German browser: build a report, preview it, share it with a team, save it, see
its chart and table, open a group as the filtered list; start one from a saved view; the result
page on a phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.reports.models import Report
from kontor.savedviews import actions as view_actions
from kontor.users.models import Team

pytestmark = pytest.mark.browser


@pytest.fixture
def team(german):
    team = Team.objects.create(name="Vertrieb Süd")
    team.members.add(german)
    return team


@pytest.fixture
def leads(german):
    made = []
    for last, source, amount in (
        ("Albers", "Web Site", "1000.00"),
        ("Brandt", "Web Site", "250.50"),
        ("Dorn", "Cold Call", "80.00"),
    ):
        made.append(
            save_record(
                Lead(
                    last_name=last,
                    lead_source=source,
                    opportunity_amount=Decimal(amount),
                    assigned_user=german,
                ),
                actor=german,
            )
        )
    return made


def test_build_share_save_and_open_a_group_as_the_list(signed_in, team, leads, screenshot):
    page = signed_in
    page.goto("/reports/")
    page.locator('#nav-pages a[data-nav-page="reports"]').wait_for()
    page.get_by_role("link", name="Bericht erstellen").first.click()
    page.get_by_label("Name", exact=True).fill("Interessenten nach Quelle")
    page.get_by_label("Datensatztyp").select_option("leads")
    # The record type's fields and filter panel are swapped in.
    expect(page.locator("select[name=report-group_1] option[value=lead_source]")).to_have_count(1)
    page.locator("select[name=report-group_1]").select_option("lead_source")
    page.get_by_label("Summe von Betrag der Verkaufschance").check()
    page.get_by_role("button", name="Vorschau").click()
    preview = page.locator("#report-preview table")
    expect(preview).to_contain_text("Webseite")
    expect(preview.locator("tfoot")).to_contain_text("1.330,50")
    assert not Report.objects.exists()
    screenshot(page, "report-builder-de")

    page.get_by_label("Freigegeben für").select_option("team")
    page.get_by_label("Gruppe").select_option(str(team.pk))
    page.get_by_role("button", name="Bericht speichern").click()
    expect(page.locator("h1")).to_contain_text("Interessenten nach Quelle")
    report = Report.objects.get()
    assert (report.share, report.team, report.group_by) == ("team", team, ["lead_source"])
    expect(page.locator("#report-result canvas")).to_be_visible()
    table = page.locator("#report-result table")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.get_by_text("Freigegeben für das Team Vertrieb Süd")).to_be_visible()
    screenshot(page, "report-de")

    table.get_by_role("link", name="Webseite").click()
    expect(page).to_have_url(re.compile(r"/leads/\?.*lead_source=Web\+Site"))
    expect(page.locator("#list-table tbody tr")).to_have_count(2)


def test_start_a_report_from_a_saved_view(signed_in, german, leads):
    """The builder takes the filters of a saved view of the list: copied into the panel, shown
    in the preview, stored with the report."""
    view_actions.create_view(
        "leads",
        name="Web-Leads",
        query="lead_source=Web+Site&sort=-last_name",
        columns=[],
        share="private",
        actor=german,
    )
    page = signed_in
    page.goto("/reports/new/?report-module=leads")
    page.get_by_label("Name", exact=True).fill("Web-Leads nach Status")
    page.locator("select[name=report-group_1]").select_option("status")
    page.get_by_label("Mit einer gespeicherten Ansicht beginnen").select_option(label="Web-Leads")
    expect(page.get_by_role("status")).to_have_text(
        "Die Filter von „Web-Leads“ wurden übernommen: Der Bericht behält sie, auch wenn sich "
        "die Ansicht ändert."
    )
    chosen = page.locator("#report-filters select[name=lead_source]")
    assert chosen.evaluate("s => Array.from(s.selectedOptions, o => o.value)") == ["Web Site"]
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator("#report-preview tfoot")).to_contain_text("2")  # Albers and Brandt
    page.get_by_role("button", name="Bericht speichern").click()
    expect(page.locator("h1")).to_contain_text("Web-Leads nach Status")
    assert Report.objects.get().filters == "lead_source=Web+Site"


def test_the_result_page_fits_a_phone(signed_in, leads, german, screenshot):
    report = Report.objects.create(
        owner=german,
        module="leads",
        name="Quellen",
        group_by=["lead_source", "assigned_user"],
        aggregates=["count", "sum:opportunity_amount", "avg:opportunity_amount"],
    )
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator("#report-result table tbody tr")).to_have_count(2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(page, "report-phone-de")


def test_the_report_pages_pass_axe(browser, live_server, german, leads):
    from django.conf import settings
    from django.test import Client

    from .test_every_page import AXE, RUN_AXE

    report = Report.objects.create(
        owner=german,
        module="leads",
        name="Quellen",
        group_by=["lead_source", "date_entered:month"],
        aggregates=["count", "sum:opportunity_amount"],
        chart="line",
    )
    client = Client()
    client.force_login(german)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    # axe-core is added as a script the page did not ship, which Kontor's CSP would refuse.
    context = browser.new_context(base_url=live_server.url, locale="de-DE", bypass_csp=True)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    problems = []
    try:
        for url in ("/reports/", "/reports/new/?report-module=leads", f"/reports/{report.pk}/"):
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            problems += [f"{url}: {v}" for v in page.evaluate(RUN_AXE)]
    finally:
        context.close()
    assert problems == []
