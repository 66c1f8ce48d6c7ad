"""OAuth2 clients of the SuiteCRM V8 API end to end: an administrator creates a client from the
administration menu, copies its secret from the one page that shows it, and revokes it."""

import pytest
from playwright.sync_api import expect

from kontor.api.models import OAuthClient

pytestmark = pytest.mark.browser


def test_an_administrator_creates_a_client_sees_the_secret_once_and_revokes_it(
    admin_page, user, screenshot
):
    page = admin_page
    page.goto("/admin/")
    page.locator("#admin-menu").get_by_role("link", name="OAuth2 clients").click()
    page.get_by_label("Name").fill("Shop integration")
    page.get_by_label("Grant").select_option("client_credentials")
    page.get_by_label("Acts as").select_option(label=user.get_full_name())
    page.get_by_role("button", name="Create client").click()

    expect(page.locator("#new-client")).to_contain_text("it is not shown again")
    client_id = page.locator("#new-client-id").inner_text()
    secret = page.locator("#new-client-secret").inner_text()
    screenshot(page, "suiteapi-oauth-client-created")
    client = OAuthClient.objects.get(client_id=client_id)
    assert client.verify_secret(secret) and client.user == user

    page.reload()  # a reload re-sends nothing and shows no secret
    expect(page.locator("#oauth-clients")).to_contain_text("Shop integration")
    expect(page.locator("#new-client")).to_have_count(0)
    assert secret not in page.content()
    assert OAuthClient.objects.count() == 1

    page.locator("#oauth-clients").get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("alert").first).to_contain_text("Revoked the OAuth2 client")
    assert not OAuthClient.objects.get().verify_secret(secret)
