"""Signing in through the login form."""

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def session_user_id(context) -> str | None:
    """The user id stored in the session of the browser's session cookie, if any."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store.load().get("_auth_user_id")


def test_sign_in_lands_on_my_day_with_a_session(page, context, user):
    page.goto("/")
    assert page.url.endswith("/login/?next=/")

    page.get_by_label("Username").fill("bruno")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text("Bruno Browser")
    assert session_user_id(context) == str(user.pk)
    user.refresh_from_db()
    assert user.last_login is not None


def test_wrong_password_shows_an_error_and_signs_nobody_in(page, context, user):
    page.goto("/login/")
    page.get_by_label("Username").fill("bruno")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".alert-danger")).to_contain_text(
        "Please enter a correct username and password"
    )
    assert page.url.endswith("/login/")
    expect(page.locator("#user-menu")).to_have_count(0)
    assert session_user_id(context) is None
    user.refresh_from_db()
    assert user.last_login is None
