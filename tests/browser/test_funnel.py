"""The funnel in a German browser: open it from the top bar, filter by lead source, drill into
a count and open a lead of it; the chart and its table; the page on a phone."""

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead

pytestmark = pytest.mark.browser


@pytest.fixture
def leads(german):
    """Three leads of today (the funnel's default period), one of them moved to MQL."""
    made = [
        save_record(Lead(last_name=last, lead_source=source, assigned_user=german), actor=german)
        for last, source in (("Albers", "Web Site"), ("Brandt", "Web Site"), ("Dorn", "Cold Call"))
    ]
    moved = Lead.objects.get(pk=made[0].pk)
    moved.lifecycle_stage = "MQL"
    save_record(moved, actor=german)
    return made


def reached(page, stage: str):
    return page.locator(f'#funnel-stages tr[data-stage="{stage}"] a.funnel-count')


def test_filter_by_source_and_drill_into_a_count(signed_in, leads, screenshot):
    page = signed_in
    page.goto("/leads/")
    expect(page.locator("#leads-funnel-link")).to_be_visible()
    page.locator('#nav-pages a[data-nav-page="funnel"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trichter")
    expect(reached(page, "lead")).to_have_text("3")
    expect(reached(page, "mql")).to_have_text("1")
    expect(page.locator("#funnel-stages")).to_contain_text("Interessent")
    expect(page.locator("#funnel-chart")).to_be_visible()
    page.get_by_text("Als Tabelle anzeigen").click()
    expect(page.locator("#funnel-trend-table table")).to_be_visible()
    screenshot(page, "funnel-de")

    page.get_by_label("Quelle des Interessenten").select_option("Web Site")
    page.get_by_role("button", name="Anwenden").click()
    expect(reached(page, "lead")).to_have_text("2")
    expect(reached(page, "mql")).to_have_text("1")
    expect(page.locator('#funnel-stages tr[data-stage="mql"]')).to_contain_text("50,0 %")

    reached(page, "lead").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kundenreisen, die Interessent")
    rows = page.locator("#funnel-drill tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#funnel-drill")).not_to_contain_text("Dorn")
    page.get_by_role("link", name="Albers").click()
    page.wait_for_url(f"**/leads/{leads[0].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Albers")


def test_the_funnel_fits_a_phone(signed_in, leads, screenshot):
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/funnel/")
    expect(reached(page, "lead")).to_have_text("3")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    screenshot(page, "funnel-de-phone")
