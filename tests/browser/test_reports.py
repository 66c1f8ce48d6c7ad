"""Reports in a German browser: build a report, preview it, share it with a team, save it, see
its chart and table, open a group as the filtered list; the result page on a phone."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.reports.models import Report
from kontor.users.models import Team

pytestmark = pytest.mark.browser


@pytest.fixture
def german(user):
    user.profile.language = "de"
    user.profile.save()
    return user


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
