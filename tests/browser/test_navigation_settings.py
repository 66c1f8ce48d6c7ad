"""Settings → top bar, in German: a keyboard user orders the record types with the arrow
buttons (or drags a row by its handle) and the bar follows at once, in the same order on a
phone; the admin's installation settings page explains B2B/B2C and early/late conversion."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kontor.users.actions import profile_of, update_profile

pytestmark = pytest.mark.browser

BAR = "#nav-modules > li.nav-item > a[data-nav]"


def bar_order(page) -> list[str]:
    return page.locator(BAR).evaluate_all("links => links.map(a => a.dataset.nav)")


def test_reorder_by_keyboard_and_the_bar_follows(signed_in, user, screenshot):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    page = signed_in
    page.goto(reverse("user-settings"))
    expect(page.get_by_role("heading", name="Obere Leiste")).to_be_visible()
    assert bar_order(page) == ["accounts", "contacts", "opportunities", "leads"]

    up = page.get_by_role("button", name="Interessenten nach oben verschieben")
    up.focus()
    for _ in range(3):
        page.keyboard.press("Enter")
    expect(page.locator("#nav-status")).to_contain_text("Gespeichert")
    expect(page.locator(BAR).first).to_have_text("Interessenten")
    expect(up).to_be_focused()  # the keyboard stays on the moved row

    # "In der Leiste" for Zielkontakte, by keyboard too: it joins the bar, after the others.
    page.locator("#nav-bar-targets").focus()
    page.keyboard.press("Space")
    expect(page.locator(f"{BAR}[data-nav=targets]")).to_have_text("Zielkontakte")
    expect(page.locator(BAR)).to_have_count(5)
    assert bar_order(page) == ["leads", "accounts", "contacts", "opportunities", "targets"]
    saved = profile_of(user).preferences["nav"]
    assert saved["order"][:5] == ["leads", "accounts", "contacts", "opportunities", "targets"]
    screenshot(page, "navigation-settings-de")

    # Kept: another page shows the same bar; on a phone the collapsed menu lists it in order.
    page.goto("/leads/")
    assert bar_order(page) == ["leads", "accounts", "contacts", "opportunities", "targets"]
    screenshot(page, "navigation-bar-de")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("button", name="Menü").click()
    expect(page.locator("#nav")).to_be_visible()
    assert bar_order(page) == ["leads", "accounts", "contacts", "opportunities", "targets"]
    screenshot(page, "navigation-bar-phone-de")
    page.goto(reverse("user-settings"))
    screenshot(page, "navigation-settings-phone-de")


def test_the_admin_page_explains_both_settings(admin_page, admin, screenshot):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    page = admin_page
    page.goto(reverse("studio:settings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Installationseinstellungen")
    page.get_by_label("B2C: Menschen kaufen für sich selbst").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".alert-success, .toast, [role=alert]").first).to_contain_text(
        "gespeichert"
    )
    expect(page.get_by_label("B2C: Menschen kaufen für sich selbst")).to_be_checked()
    screenshot(page, "installation-settings-de")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "installation-settings-phone-de")


def test_dragging_a_row_by_its_handle_reorders_the_bar(signed_in, user):
    page = signed_in
    page.goto(reverse("user-settings"))
    handle = page.locator("[data-slug=leads] .drag-handle").bounding_box()
    target = page.locator("[data-slug=accounts]").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    # Small steps with pauses, as a hand moves: SortableJS ignores moves that arrive while a
    # row it just swapped is still animating, and a burst of moves made this test flaky.
    for step in range(1, 11):
        y = handle["y"] + (target["y"] + 4 - handle["y"]) * step / 10
        page.mouse.move(handle["x"] + handle["width"] / 2, y)
        page.wait_for_timeout(40)
    expect(page.locator("[data-nav-order] [data-slug]").first).to_have_attribute(
        "data-slug", "leads"
    )
    page.mouse.up()
    expect(page.locator(BAR).first).to_have_attribute("data-nav", "leads")
    assert profile_of(user).preferences["nav"]["order"][0] == "leads"
