"""The dashboard in a German browser: add a widget, move it up by keyboard and by dragging,
make it large, reload: all of it kept. Each widget loads its chart after the page; the page
fits a phone."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kontor.dashboards import queries
from kontor.opportunities.tests.factories import OpportunityFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def german(user):
    user.profile.language = "de"
    user.profile.save()
    today = timezone.localdate()
    for stage, amount in (("Prospecting", "1200"), ("Proposal/Price Quote", "800")):
        OpportunityFactory(sales_stage=stage, amount=Decimal(amount), date_closed=today, actor=user)
    OpportunityFactory(
        sales_stage="Closed Won", amount=Decimal("5000"), date_closed=today, actor=user
    )
    OpportunityFactory(
        sales_stage="Closed Lost", date_closed=today - datetime.timedelta(days=40), actor=user
    )
    return user


def widgets(page):
    return page.locator("#widgets > .kt-widget")


def kinds(page) -> list[str]:
    return widgets(page).evaluate_all("els => els.map(e => e.dataset.kind)")


def test_add_move_drag_resize_and_reload(signed_in, german, screenshot):
    page = signed_in
    page.goto("/")
    expect(page.get_by_role("heading", name="Mein Tag")).to_be_visible()
    expect(widgets(page)).to_have_count(6)
    expect(page.locator('[data-kind="pipeline"] canvas')).to_be_visible()

    page.get_by_role("button", name="Widget hinzufügen").click()
    page.get_by_label("Widget", exact=True).select_option(label="Gewonnen und verloren nach Monat")
    page.get_by_role("button", name="Hinzufügen", exact=True).click()
    expect(page.locator(".alert")).to_contain_text("Das Widget wurde hinzugefügt.")
    expect(widgets(page)).to_have_count(7)
    assert kinds(page)[-1] == "won_lost"
    added = page.locator('[data-kind="won_lost"]')
    expect(added.locator("canvas")).to_be_visible()

    added.get_by_role("button", name="Nach oben").click()
    expect(page.locator(".alert")).to_contain_text("Das Widget wurde verschoben.")
    assert kinds(page)[-2:] == ["won_lost", "forecast"]

    # Drag it by its handle onto the first widget: it goes first.
    handle = page.locator('[data-kind="won_lost"] .kt-widget-handle')
    first = widgets(page).first.locator(".card-header")
    with page.expect_response("**/dashboards/widgets/order/"):
        handle.drag_to(first)
    assert kinds(page)[0] == "won_lost"

    page.locator('[data-kind="won_lost"]').get_by_role("button", name="Widget-Optionen").click()
    page.locator('[data-kind="won_lost"]').get_by_role("button", name="Groß").click()
    expect(page.locator(".alert")).to_contain_text("Die Größe des Widgets wurde geändert.")

    page.reload()
    expect(widgets(page)).to_have_count(7)
    assert kinds(page)[0] == "won_lost"
    expect(page.locator('[data-kind="won_lost"]')).to_have_attribute("data-size", "large")
    expect(page.locator('[data-kind="won_lost"]')).to_have_class("col-12 kt-widget")
    stored = [w.kind for w in queries.own(german).widgets.all()]
    assert stored[0] == "won_lost" and len(stored) == 7

    page.locator('[data-kind="won_lost"]').get_by_text("Als Tabelle anzeigen").click()
    expect(page.locator('[data-kind="won_lost"] table')).to_contain_text("Gewonnen")
    screenshot(page, "dashboard-de")


def test_the_dashboard_fits_a_phone(signed_in, german, screenshot):
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    expect(page.locator('[data-kind="forecast"] canvas')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"
    screenshot(page, "dashboard-de-phone")
