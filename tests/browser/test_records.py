"""Creating records through their forms: account, contact at that account, lead; bad input."""

import re

import pytest
from playwright.sync_api import expect

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def detail_url(slug: str) -> re.Pattern:
    return re.compile(rf"/{slug}/({UUID})/$")


def record_id(page, slug: str) -> str:
    return detail_url(slug).search(page.url).group(1)


def type_into_picker(page, name: str, text: str) -> None:
    """Type `text` into the Tom Select picker of field `name`; wait for its lookup answer."""
    picker = page.locator(f"#id_{name}-ts-control")
    with page.expect_response(lambda r: "/lookup/?q=" + text in r.url):
        picker.click()
        picker.press_sequentially(text, delay=30)


def test_account_then_contact_with_relate_picker_then_lead(signed_in, user, screenshot):
    page = signed_in
    # Another account the picker must not choose by accident.
    save_record(Account(name="Südwind Logistik"), actor=user)

    # The account, from the list page's create button.
    page.goto("/accounts/")
    page.get_by_role("link", name="Create Account").click()
    page.get_by_label("Name").fill("Nordlicht Maschinenbau GmbH")
    page.get_by_label("Type").select_option("Customer")
    page.get_by_label("Billing address City").fill("Hamburg")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(detail_url("accounts"))
    expect(page.get_by_role("heading", name="Nordlicht Maschinenbau GmbH")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Saved Nordlicht Maschinenbau GmbH.")
    account = Account.objects.get(pk=record_id(page, "accounts"))
    assert (account.name, account.account_type, account.billing_address_city) == (
        "Nordlicht Maschinenbau GmbH",
        "Customer",
        "Hamburg",
    )
    assert account.created_by == user and account.assigned_user == user
    assert ChangeLog.objects.filter(record_id=account.pk, action="create").count() == 1

    # The contact, picking the account in the Tom Select relate picker.
    page.goto("/contacts/new/")
    page.get_by_label("First name").fill("Greta")
    page.get_by_label("Last name").fill("Hansen")
    page.get_by_label("Email", exact=True).fill("Greta.Hansen@Nordlicht.example")
    type_into_picker(page, "account", "Nordl")
    page.locator("#id_account-ts-dropdown .option", has_text="Nordlicht").click()
    expect(page.locator("#id_account")).to_have_value(str(account.pk))
    screenshot(page, "contact-form-relate-picker")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(detail_url("contacts"))
    expect(page.get_by_role("heading", name="Greta Hansen")).to_be_visible()
    expect(page.get_by_role("link", name="Nordlicht Maschinenbau GmbH").first).to_be_visible()
    contact = Contact.objects.get(pk=record_id(page, "contacts"))
    assert (contact.first_name, contact.last_name) == ("Greta", "Hansen")
    assert contact.email1 == "greta.hansen@nordlicht.example"
    assert contact.account == account
    screenshot(page, "contact-detail")

    # The account's page lists its new contact.
    page.goto(account.get_absolute_url())
    expect(page.locator("#subpanel-contacts")).to_contain_text("Hansen")

    # The lead, from the quick-create menu.
    page.locator("#quick-create").click()
    page.get_by_role("link", name="Create Lead").first.click()
    page.get_by_label("First name").fill("Jonas")
    page.get_by_label("Last name").fill("Petersen")
    page.get_by_label("Account name").fill("Petersen Werft")
    page.get_by_label("Email", exact=True).fill("jonas@petersen-werft.example")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(detail_url("leads"))
    expect(page.get_by_role("heading", name="Jonas Petersen")).to_be_visible()
    lead = Lead.objects.get(pk=record_id(page, "leads"))
    assert (lead.last_name, lead.account_name, lead.email1, lead.status) == (
        "Petersen",
        "Petersen Werft",
        "jonas@petersen-werft.example",
        "New",
    )
    assert lead.created_by == user
    screenshot(page, "lead-detail")


def test_invalid_email_shows_the_field_error_and_saves_nothing(signed_in, screenshot):
    page = signed_in
    page.goto("/leads/new/")
    page.get_by_label("Last name").fill("Fehler")
    page.get_by_label("Email", exact=True).fill("not-an-email")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    error = page.locator('[data-error-for="email1"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("valid email")
    # What the user typed is kept for correcting it.
    expect(page.get_by_label("Last name")).to_have_value("Fehler")
    expect(page.get_by_label("Email", exact=True)).to_have_value("not-an-email")
    assert page.url.endswith("/leads/new/")
    screenshot(page, "lead-form-invalid")
    assert not Lead.with_deleted.exists()
    assert not ChangeLog.objects.exists()


def test_relate_picker_offers_only_the_matching_accounts(signed_in, user):
    page = signed_in
    for name in ("Nordlicht Maschinenbau GmbH", "Südwind Logistik", "Alpenblick Hotel"):
        save_record(Account(name=name), actor=user)
    page.goto("/contacts/new/")
    options = page.locator("#id_account-ts-dropdown .option")

    type_into_picker(page, "account", "Nordl")
    expect(options).to_have_text(["Nordlicht Maschinenbau GmbH"])

    page.locator("#id_account-ts-control").fill("")
    type_into_picker(page, "account", "zzz")
    expect(options).to_have_count(0)


def test_create_page_is_titled_create_and_cancel_returns_to_the_list(signed_in):
    page = signed_in
    page.goto("/leads/")
    page.get_by_role("link", name="Create Lead").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create Lead")
    expect(page).to_have_title("Create Lead · Kontor")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads")
    assert page.url.endswith("/leads/")
