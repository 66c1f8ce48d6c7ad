"""List pages: live search, the filter panel, the column chooser and mass update (by mouse and
by keyboard), and a phone-sized screen."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead

pytestmark = pytest.mark.browser


@pytest.fixture
def leads(user):
    """Four leads of Bruno's, by last name."""
    people = [
        ("Anna", "Albers", "Albers Bau"),
        ("Bernd", "Brandt", "Brandt & Söhne"),
        ("Clara", "Albrecht", "Albrecht Optik"),
        ("Dieter", "Dorn", "Dorn Elektro"),
    ]
    return {
        last: save_record(Lead(first_name=first, last_name=last, account_name=company), actor=user)
        for first, last, company in people
    }


def search_for(page, text: str) -> None:
    """Type into the list's search box as a person does (replacing what it holds)."""
    path = urlsplit(page.url).path

    def is_the_list_refresh(response) -> bool:
        url = urlsplit(response.url)
        return (
            url.path == path
            and parse_qs(url.query).get("q") == [text]
            and response.request.headers.get("hx-request") == "true"
        )

    box = page.locator("#list-q")
    box.click()
    box.press("ControlOrMeta+a")
    with page.expect_response(is_the_list_refresh):
        box.press_sequentially(text, delay=30)
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(text)}(&|$)"))  # pushed


def row(page, text: str):
    return page.locator("#list-table tbody tr", has_text=text)


def test_search_refreshes_the_list_with_only_the_matches(signed_in, leads, screenshot):
    page = signed_in
    page.goto("/leads/")
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("#list-count")).to_have_text("4 records")
    page.evaluate("window.__samePage = true")  # gone if the search reloaded the page

    search_for(page, "alb")

    expect(rows).to_have_count(2)
    expect(row(page, "Albers")).to_be_visible()
    expect(row(page, "Albrecht")).to_be_visible()
    expect(row(page, "Brandt")).to_have_count(0)
    expect(row(page, "Dorn")).to_have_count(0)
    expect(page.locator("#list-count")).to_have_text("2 records")
    assert page.evaluate("window.__samePage") is True
    screenshot(page, "leads-list-search")

    # The matches are what the database holds, not just what the page happens to show.
    alb = {lead.last_name for lead in Lead.objects.filter(search_text__contains="alb")}
    assert alb == {"Albers", "Albrecht"}

    # A term nothing matches says so.
    search_for(page, "zzzz")
    expect(page.locator("#list-table tbody")).to_contain_text("No records match.")

    # Reloading the pushed address shows the same result.
    search_for(page, "dorn")
    expect(rows).to_have_count(1)
    expect(row(page, "Dorn")).to_be_visible()
    page.reload()
    expect(page.locator("#list-q")).to_have_value("dorn")
    expect(rows).to_have_count(1)
    expect(row(page, "Dorn")).to_be_visible()


def test_mass_update_sets_the_status_of_the_selected_leads(signed_in, leads, user):
    page = signed_in
    page.goto("/leads/")
    row(page, "Albers").get_by_role("checkbox").check()
    row(page, "Dorn").get_by_role("checkbox").check()

    value = page.locator("#mass-actions select[name=status]")
    expect(value).to_be_hidden()
    page.locator("#mass-actions select[name=field]").select_option(label="Status")
    expect(value).to_be_visible()
    expect(value).to_be_enabled()
    value.select_option(label="In Process")
    page.get_by_role("button", name="Update selected").click()

    expect(page.get_by_role("alert")).to_contain_text("Updated 2 records.")
    expect(row(page, "Albers")).to_contain_text("In Process")
    expect(row(page, "Dorn")).to_contain_text("In Process")
    expect(row(page, "Brandt")).not_to_contain_text("In Process")

    status = dict(Lead.objects.values_list("last_name", "status"))
    assert status == {
        "Albers": "In Process",
        "Dorn": "In Process",
        "Brandt": "New",
        "Albrecht": "New",
    }
    logged = ChangeLog.objects.filter(
        action="update", field="status", new_value="In Process", actor=user
    )
    assert {entry.record_id for entry in logged} == {leads["Albers"].pk, leads["Dorn"].pk}


def test_the_filter_panel_opens_and_filters_by_keyboard(signed_in, leads, user, admin):
    page = signed_in
    for lead, status, owner in ((leads["Albers"], "Dead", user), (leads["Brandt"], "Dead", admin)):
        lead.status, lead.assigned_user = status, owner
        save_record(lead, actor=user)
    page.goto("/leads/")
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(4)
    status = page.locator("#filters select[name=status]")
    expect(status).to_have_count(0)  # the list page renders no filter widget

    page.locator("#list-q").focus()
    page.keyboard.press("Tab")
    opener = page.locator("#more-filters a")  # "Filters"
    expect(opener).to_be_focused()
    with page.expect_response(lambda r: "/leads/filters/" in r.url):
        page.keyboard.press("Enter")
    mine = page.locator("#filters input[name=mine]")
    expect(mine).to_be_focused()  # the focus moves into the opened panel
    # The status picker is a Tom Select: its control, not the hidden select, takes the focus.
    expect(page.locator("#id_status-ts-control")).to_be_attached()
    expect(page).to_have_url(re.compile(r"/leads/$"))  # opening it is no navigation
    page.keyboard.press("Space")
    expect(mine).to_be_checked()

    page.keyboard.press("Tab")  # into the status picker (Tom Select)
    expect(page.locator("#id_status-ts-control")).to_be_focused()
    page.keyboard.type("Dead")
    expect(page.locator(".ts-dropdown .option.active")).to_have_text("Dead")
    page.keyboard.press("Enter")
    expect(status).to_have_values(["Dead"])

    page.locator("#filters button[type=submit]").focus()  # "Filter"
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(row(page, "Albers")).to_be_visible()
    expect(page).to_have_url(re.compile(r"status=Dead"))
    expect(page.locator("#list-count")).to_have_text("1 record")

    # The pushed address opens with the panel filled in, without asking for it.
    page.reload()
    expect(page.locator("#filters input[name=mine]")).to_be_checked()
    expect(rows).to_have_count(1)


def test_mass_update_by_keyboard_loads_the_value_input_of_the_chosen_field(signed_in, leads, user):
    page = signed_in
    page.goto("/leads/")
    value = page.locator("#mass-actions select[name=status]")
    expect(value).to_have_count(0)  # loaded only when its field is chosen

    row(page, "Brandt").get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    expect(row(page, "Brandt").get_by_role("checkbox")).to_be_checked()

    field = page.locator("#mass-actions select[name=field]")
    field.focus()
    with page.expect_response(lambda r: "/leads/mass/?field=status" in r.url):
        page.keyboard.type("Status")  # a closed select picks the option typed
    expect(field).to_have_value("status")
    expect(value).to_be_visible()
    page.keyboard.press("Tab")
    expect(value).to_be_focused()
    page.keyboard.type("Dead")
    expect(value).to_have_value("Dead")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Update selected")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Updated 1 record.")
    expect(row(page, "Brandt")).to_contain_text("Dead")
    status = dict(Lead.objects.values_list("last_name", "status"))
    assert status == {"Albers": "New", "Brandt": "Dead", "Albrecht": "New", "Dorn": "New"}


def test_the_column_chooser_opens_and_saves_by_keyboard(signed_in, leads):
    page = signed_in
    page.goto("/leads/")
    headers = page.locator("#list-table thead th")
    expect(headers).to_have_count(9)  # the selection column and the eight default columns
    expect(page.locator("#column-chooser input")).to_have_count(0)  # loaded when opened

    page.locator("[aria-controls=column-chooser]").focus()
    with page.expect_response(lambda r: "/leads/columns/" in r.url):
        page.keyboard.press("Enter")
    first = page.locator("#col-last_name")
    expect(first).to_be_focused()
    expect(first).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("#col-first_name")).to_be_focused()
    page.keyboard.press("Space")  # first name off
    page.locator("#col-title").focus()
    page.keyboard.press("Space")  # title on
    page.get_by_role("button", name="Save columns").focus()
    page.keyboard.press("Enter")

    expect(page.locator("#list-table thead")).to_contain_text("Title")
    expect(page.locator("#list-table thead")).not_to_contain_text("First name")
    expect(headers).to_have_count(9)


def test_mass_update_without_a_field_changes_nothing(signed_in, leads):
    page = signed_in
    page.goto("/leads/")
    row(page, "Brandt").get_by_role("checkbox").check()
    page.get_by_role("button", name="Update selected").click()

    expect(page.get_by_role("alert")).to_contain_text("Choose a field to update.")
    assert set(Lead.objects.values_list("status", flat=True)) == {"New"}


def test_phone_collapses_the_navigation_and_keeps_the_list_usable(
    browser, live_server, user, leads, screenshot
):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        page.goto("/leads/")

        # The navigation is folded behind the menu button.
        nav_leads = page.locator("#nav [data-nav=leads]")
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        expect(nav_leads).to_be_hidden()
        screenshot(page, "phone-leads-list")
        nav = page.locator("#nav")
        toggler.tap()
        expect(nav).to_have_class(re.compile(r"(^|\s)show(\s|$)"))  # opened, not opening
        expect(nav_leads).to_be_visible()
        expect(page.locator("#user-menu")).to_be_visible()
        screenshot(page, "phone-navigation-open")
        toggler.tap()
        expect(nav).not_to_have_class(re.compile(r"show|collapsing"))
        expect(nav_leads).to_be_hidden()

        # Nothing makes the page itself wider than the phone (wide tables scroll inside).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width}px wide on a 390px screen"

        # Search and open a record with taps.
        search_for(page, "dorn")
        expect(page.locator("#list-table tbody tr")).to_have_count(1)
        link = row(page, "Dorn").get_by_role("link", name="Dorn")
        link.scroll_into_view_if_needed()
        link.tap()
        expect(page.get_by_role("heading", name="Dieter Dorn")).to_be_visible()
        assert page.url.endswith(leads["Dorn"].get_absolute_url())
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the detail page is {width}px wide on a 390px screen"
        screenshot(page, "phone-lead-detail")
    finally:
        context.close()
