"""Your account in Chromium: a forgotten password reset through the link of a mail a real SMTP
server received, and a second browser signed out from the first one's settings page."""

import re

import pytest
from playwright.sync_api import expect

from kontor.core.smtp_testing import body_of
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW = "Sturmfest-Leuchtturm-42"


def sign_in_with_form(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_forgotten_password_is_reset_through_the_mailed_link(
    page, user, live_server, smtp_server, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.KONTOR_BASE_URL = live_server.url
    page.goto("/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill("bruno@kontor.example")
    page.get_by_role("button", name="Send link").click()
    expect(page.locator("#reset-sent")).to_contain_text("If the address belongs to an account")

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "bruno@kontor.example"
    link = re.search(r"http://\S+/password-reset/\S+/", body_of(message)).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("New password confirmation").fill(NEW)
    page.get_by_role("button", name="Set password").click()
    expect(page.locator("#reset-complete")).to_be_visible()

    sign_in_with_form(page, "bruno", NEW)
    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    page.goto(link)  # once only
    expect(page.locator("#reset-invalid")).to_be_visible()


def test_sign_out_everywhere_else_signs_the_other_browser_out(browser, page, user, live_server):
    other = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        phone = other.new_page()
        sign_in_with_form(phone, "bruno", PASSWORD)
        expect(phone.get_by_role("heading", name="My day")).to_be_visible()
        sign_in_with_form(page, "bruno", PASSWORD)
        page.goto("/settings/")
        sessions = page.locator("#account-sessions tbody tr")
        expect(sessions).to_have_count(2)
        expect(page.locator("#account-sessions")).to_contain_text("this device")
        page.get_by_role("button", name="Sign out everywhere else").click()
        expect(page.locator(".alert")).to_contain_text("1 other session was signed out.")
        expect(sessions).to_have_count(1)

        phone.goto("/settings/")
        assert "/login/" in phone.url
        expect(phone.get_by_role("button", name="Sign in")).to_be_visible()
    finally:
        other.close()
