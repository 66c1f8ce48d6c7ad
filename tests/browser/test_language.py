"""Switching the interface language through the user menu."""

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.users.actions import profile_of

pytestmark = pytest.mark.browser


def switch_language(page, code: str) -> None:
    page.locator("#user-menu").click()
    with page.expect_navigation():
        page.locator(f"button[data-language={code}]").click()


def test_german_through_the_user_menu(signed_in, user, screenshot):
    page = signed_in
    save_record(Lead(first_name="Jonas", last_name="Petersen"), actor=user)
    page.goto("/leads/")
    expect(page.locator("#nav [data-nav=leads]")).to_have_text("Leads")

    switch_language(page, "de")

    assert page.url.endswith("/leads/")  # back on the page the switch was made from
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#nav [data-nav=leads]")).to_have_text("Interessenten")
    expect(page.locator("#nav [data-nav=accounts]")).to_have_text("Firmen")
    expect(page.locator("#nav [data-nav=contacts]")).to_have_text("Kontakte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interessenten")
    expect(page.get_by_role("link", name="Interessent erstellen")).to_be_visible()
    expect(page.locator("label[for=list-q]")).to_have_text("Suche")
    expect(page.locator("#list-q")).to_have_attribute("placeholder", "Name, E-Mail, Telefon …")
    expect(page.locator("#list-table thead")).to_contain_text("Nachname")
    expect(page.get_by_role("button", name="Ausgewählte ändern")).to_be_visible()
    row = page.locator("#list-table tbody tr", has_text="Petersen")
    expect(row).to_contain_text("Neu")  # the dropdown label, not the stored key "New"
    screenshot(page, "leads-list-german")
    assert profile_of(user).language == "de"

    # The choice is the user's: it holds on the next page and in a new session.
    page.goto("/leads/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interessent erstellen")
    expect(page.get_by_label("Nachname")).to_be_visible()
    expect(page.get_by_role("button", name="Speichern")).to_be_visible()
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("Username").fill("bruno")
    page.get_by_label("Password").fill("pw-bruno-123!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#nav [data-nav=leads]")).to_have_text("Interessenten")

    switch_language(page, "en")
    expect(page.locator("#nav [data-nav=leads]")).to_have_text("Leads")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert profile_of(user).language == "en"
