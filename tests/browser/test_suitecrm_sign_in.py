"""Users moved over from SuiteCRM sign in through the browser with the password they had there.

The journey database (made by SuiteCRM 7.12.12 itself) is loaded into a MariaDB database of
this test's own; lena's SuiteCRM password is `lena-Passw0rd`.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from kontor.suitecrm.run import migrate
from kontor.suitecrm.tests.conftest import create_database, drop_database

pytestmark = pytest.mark.browser


@pytest.fixture
def lena(admin):
    """The SuiteCRM users migrated; lena as Kontor now has her."""
    name = f"kontor_test_sc_{os.getpid()}_browser"
    url = create_database(name)
    try:
        migrate(url, actor=admin, modules=["users"])
    finally:
        drop_database(name)
    return get_user_model().objects.get(username="lena")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_migrated_user_signs_in_with_her_suitecrm_password(page, lena):
    assert lena.password.startswith("suitecrm$")

    sign_in(page, "lena", "lena-Passw0rd")

    expect(page.get_by_role("heading", name="My day")).to_be_visible()
    expect(page.locator("#user-menu")).to_contain_text("Lena")
    lena.refresh_from_db()
    assert lena.last_login is not None
    # Upgraded to Django's own hasher on the first sign-in; the old password still works.
    assert not lena.password.startswith("suitecrm$")
    assert lena.check_password("lena-Passw0rd")


def test_a_wrong_password_signs_a_migrated_user_in_nowhere(page, lena):
    sign_in(page, "lena", "lena")

    expect(page.get_by_role("heading", name="My day")).to_have_count(0)
    assert page.url.split("?")[0].endswith("/login/")
    lena.refresh_from_db()
    assert lena.last_login is None
    assert lena.password.startswith("suitecrm$")
