"""Saved views in a German browser: filter a list, save it as a view, switch tabs, make the view
the default, arrange views by keyboard, and the tabs on a phone."""

import re

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.savedviews.models import DefaultView, SavedView

from .test_lists import search_for

pytestmark = pytest.mark.browser


@pytest.fixture
def leads(german):
    people = [("Anna", "Albers"), ("Bernd", "Brandt"), ("Clara", "Albrecht"), ("Dieter", "Dorn")]
    return [
        save_record(Lead(first_name=first, last_name=last, account_name="Kontor AG"), actor=german)
        for first, last in people
    ]


def rows(page):
    return page.locator("#list-table tbody tr")


def test_filter_save_switch_tabs_and_make_default(signed_in, leads, screenshot):
    page = signed_in
    page.goto("/leads/")
    expect(page.locator("#saved-view-tabs .nav-link.active")).to_have_text("Alle")
    search_for(page, "alb")
    expect(rows(page)).to_have_count(2)

    # The form loads into the tab bar and saves the address as it is now (moved by htmx).
    page.get_by_role("button", name="Ansicht speichern").click()
    form = page.locator("#saved-view-new-form")
    expect(form).to_be_visible()
    form.get_by_label("Name").fill("Alb-Kunden")
    form.get_by_label("Freigegeben für").select_option(label="Nur ich")
    form.get_by_role("button", name="Ansicht speichern").click()
    view = SavedView.objects.get()
    assert view.name == "Alb-Kunden" and "q=alb" in view.query.split("&")
    expect(page.locator(".alert-success")).to_contain_text(
        "Die Ansicht „Alb-Kunden“ ist gespeichert."
    )
    active = page.locator("#saved-view-tabs .nav-link.active")
    expect(active).to_contain_text("Alb-Kunden")
    expect(rows(page)).to_have_count(2)
    screenshot(page, "saved-views-de")

    # Switching tabs: all leads, then the view again.
    page.locator("#saved-view-tabs").get_by_role("link", name="Alle", exact=True).click()
    expect(rows(page)).to_have_count(4)
    page.locator("#saved-view-tabs").get_by_role("link", name="Alb-Kunden").click()
    expect(rows(page)).to_have_count(2)
    expect(page).to_have_url(re.compile(rf"[?&]view={view.pk}(&|$)"))

    # Make it the default: the bare list opens with it.
    page.get_by_role("button", name="Ansicht", exact=True).click()
    page.get_by_role("button", name="Als Standard festlegen").click()
    expect(page.locator(".alert-success")).to_contain_text("Die Liste öffnet jetzt mit der Ansicht")
    assert DefaultView.objects.get().view == view
    page.goto("/leads/")
    expect(page).to_have_url(re.compile(rf"[?&]view={view.pk}(&|$)"))
    expect(rows(page)).to_have_count(2)
    expect(page.locator("#saved-view-tabs .nav-link.active")).to_contain_text("Alb-Kunden")


def test_views_are_arranged_by_keyboard_and_tabs_fit_a_phone(signed_in, leads, context, screenshot):
    from kontor.savedviews import actions

    user = leads[0].created_by
    for name in ("Erste", "Zweite", "Dritte"):
        actions.create_view(
            "leads", name=name, query="q=a", columns=[], share="private", actor=user
        )
    page = signed_in
    page.goto("/saved-views/leads/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gespeicherte Ansichten")
    button = page.get_by_role("button", name="„Dritte“ nach oben verschieben")
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#saved-view-manage li > a").first).to_have_text("Erste")
    expect(page.locator("#saved-view-manage li > a").nth(1)).to_have_text("Dritte")
    # The focus stays on the moved view's button: pressing Enter again moves it once more.
    page.keyboard.press("Enter")
    expect(page.locator("#saved-view-manage li > a").first).to_have_text("Dritte")
    assert list(SavedView.objects.order_by("position").values_list("name", flat=True)) == [
        "Dritte",
        "Erste",
        "Zweite",
    ]

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/leads/?view=all")
    expect(page.locator("#saved-view-tabs .nav-link")).to_have_count(4)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the list is {width} px wide on a phone"
    screenshot(page, "saved-views-de-phone")
