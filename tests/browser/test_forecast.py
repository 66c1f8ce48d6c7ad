"""The forecast in German: a sales manager enters a quota for a member of their team, sees the
attainment follow, and drills from a figure to the opportunities list showing exactly its
records; on a phone the tables scroll inside their frame."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kontor.forecasts.periods import start_of
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile
from kontor.users.models import Team
from kontor.users.tests.people import member

pytestmark = pytest.mark.browser


@pytest.fixture
def team(user):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    nord = Team.objects.create(name="Nord")
    user.teams.add(nord)
    sam = member("sam", "Sam", "Schulz", "sales_rep", nord)
    day = start_of("quarter", timezone.localdate()) + datetime.timedelta(days=4)
    for name, amount, stage in (
        ("Rahmenvertrag", "3000", "Closed Won"),
        ("Wartung", "1000", "Prospecting"),
        ("Verloren", "500", "Closed Lost"),
    ):
        OpportunityFactory(
            name=name,
            amount=Decimal(amount),
            sales_stage=stage,
            date_closed=day,
            assigned_user=sam,
            actor=sam,
        )
    return nord, sam


def sam_row(page, table: int = 0):
    return page.locator("section").nth(table).locator("tr", has_text="Sam Schulz")


def test_enter_a_quota_see_attainment_and_drill_to_the_list(signed_in, team, screenshot):
    nord, sam = team
    page = signed_in
    page.goto(f"/forecast/?scope=team:{nord.pk}")
    expect(page.get_by_role("heading", name="Prognose")).to_be_visible()
    row = sam_row(page)
    expect(row.locator('[data-figure="won"]')).to_have_text("3.000,00")
    expect(row.locator('[data-figure="attainment"]')).to_have_text("—")
    screenshot(page, "forecast-de")

    page.get_by_role("link", name="Vorgaben").click()
    expect(page.get_by_role("heading", name="Vorgaben")).to_be_visible()
    cell = page.get_by_role("textbox", name="Sam Schulz").first
    cell.fill("6000")
    page.get_by_role("button", name="Vorgaben speichern").click()
    expect(page.get_by_text("1 Vorgabe gespeichert.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Sam Schulz").first).to_have_value("6000,00")

    page.get_by_role("link", name="Prognose").first.click()
    row = sam_row(page)
    expect(row.locator('[data-figure="quota"]')).to_have_text("6.000,00")
    expect(row.locator('[data-figure="attainment"]')).to_have_text("50,0 %")
    expect(row.locator('[data-figure="gap"]')).to_have_text("3.000,00")

    row.locator('[data-figure="won"] a').click()
    expect(page).to_have_url(re.compile(r"/opportunities/\?assigned_user="))
    rows = page.locator("table.record-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rahmenvertrag")
    expect(page.get_by_text("Wartung")).to_have_count(0)


def test_the_forecast_fits_a_phone(signed_in, team, screenshot):
    nord, _sam = team
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/forecast/?scope=team:{nord.pk}")
    expect(page.get_by_role("heading", name="Prognose")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(page, "forecast-de-phone")
