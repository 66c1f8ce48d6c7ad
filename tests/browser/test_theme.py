"""The colour theme: the system's by default, Light or Dark chosen in the user menu, kept in
the browser across pages."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_theme_follows_the_system_until_the_user_picks_one(browser, live_server, user):
    context = browser.new_context(base_url=live_server.url, color_scheme="dark")
    try:
        page = sign_in(context.new_page(), context, user, live_server)
        page.goto("/")
        html = page.locator("html")
        expect(html).to_have_attribute("data-bs-theme", "dark")  # the system's

        page.locator("#user-menu").click()
        page.locator("[data-theme-value=light]").click()
        expect(html).to_have_attribute("data-bs-theme", "light")
        page.locator("#user-menu").click()
        expect(page.locator("[data-theme-value=light]")).to_have_attribute("aria-pressed", "true")

        page.goto("/leads/")  # kept on the next page, from its first paint
        expect(html).to_have_attribute("data-bs-theme", "light")
        assert page.evaluate("localStorage.getItem('kontor-theme')") == "light"

        page.locator("#user-menu").click()
        page.locator("[data-theme-value=auto]").click()
        expect(html).to_have_attribute("data-bs-theme", "dark")
        assert page.evaluate("localStorage.getItem('kontor-theme')") is None
    finally:
        context.close()
