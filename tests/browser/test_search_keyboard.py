"""The top search's type-ahead, the keyboard shortcuts, the command palette and favourites,
used with the keyboard in the German interface."""

import pytest
from playwright.sync_api import expect

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.leads.tests.factories import LeadFactory
from kontor.users.actions import create_user

from .conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def greta(page, context, live_server):
    """Greta, a sales manager working in German, signed in."""
    user = create_user(
        "greta",
        password="pw-greta-123!",
        first_name="Greta",
        last_name="Gründlich",
        language="de",
        roles=["sales_manager"],
    )
    sign_in(page, context, user, live_server)
    return user


def test_type_ahead_with_the_arrow_keys(page, greta, screenshot):
    firm = AccountFactory(name="Brennholz AG", billing_address_city="Kassel", actor=greta)
    karl = ContactFactory(
        first_name="Karl",
        last_name="Brenner",
        email1="karl@brennholz.de",
        account=firm,
        actor=greta,
    )
    LeadFactory(first_name="Berta", last_name="Brenner", account_name="Ofenbau KG", actor=greta)
    page.goto("/")
    page.keyboard.press("/")  # focuses the search
    search = page.locator("#top-search")
    expect(search).to_be_focused()
    search.press_sequentially("brenn", delay=30)
    box = page.locator("#search-suggest")
    expect(box).to_be_visible()
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(box.get_by_role("group", name="Kontakte")).to_contain_text("karl@brennholz.de")
    expect(box.get_by_role("group", name="Interessenten")).to_contain_text("Ofenbau KG")
    expect(box.get_by_role("group", name="Firmen")).to_contain_text("Kassel")
    expect(box).to_contain_text("Überall nach „brenn“ suchen")
    screenshot(page, "search-typeahead-german")

    options = box.get_by_role("option")
    names = options.evaluate_all(
        "els => els.map(e => (e.querySelector('.suggest-name') || e).textContent.trim())"
    )
    target = names.index("Karl Brenner")
    for _ in range(target + 1):
        search.press("ArrowDown")
    expect(options.nth(target)).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute(
        "aria-activedescendant", options.nth(target).get_attribute("id")
    )
    search.press("Escape")
    expect(box).to_be_hidden()
    search.press("ArrowDown")  # opens again, on the first
    for _ in range(target):
        search.press("ArrowDown")
    with page.expect_navigation():
        search.press("Enter")
    assert page.url.endswith(karl.get_absolute_url())


def test_help_dialog_and_shortcuts(page, greta):
    lead = LeadFactory(last_name="Kürzel", actor=greta)
    page.goto("/leads/")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Tastenkürzel")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Diesen Datensatz bearbeiten")
    expect(dialog).to_contain_text("Interessenten")
    expect(page.locator("#shortcut-help")).to_be_focused()  # shown: it takes the keys now
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    newer = LeadFactory(last_name="Neuer", actor=greta)

    # j moves along the rows; Enter opens; on the record's page j and k go to the next and the
    # previous record of that list; e edits; no single key acts while typing.
    page.reload()  # the list now shows both leads, the newer first
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(newer.get_absolute_url())
    with page.expect_navigation():
        page.keyboard.press("j")
    assert page.url.endswith(lead.get_absolute_url())
    with page.expect_navigation():
        page.keyboard.press("k")
    assert page.url.endswith(newer.get_absolute_url())
    with page.expect_navigation():
        page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("e")
    assert page.url.endswith(f"/leads/{lead.pk}/edit/")
    field = page.get_by_label("Nachname")
    field.fill("Kürzelmann e")
    assert page.url.endswith("/edit/")
    with page.expect_navigation():
        field.press("Control+Enter")
    lead.refresh_from_db()
    assert lead.last_name == "Kürzelmann e"

    page.keyboard.press("g")
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.url.endswith("/contacts/")
    with page.expect_navigation():
        page.keyboard.press("c")  # create in the current module
    assert page.url.endswith("/contacts/new/")


def test_command_palette_by_keyboard(page, greta, screenshot):
    lead = LeadFactory(first_name="Paula", last_name="Palette", actor=greta)
    page.goto(lead.get_absolute_url())  # now among the recently viewed
    page.goto("/")
    page.keyboard.press("Control+k")
    dialog = page.locator("#command-palette")
    expect(dialog).to_be_visible()
    field = page.locator("#palette-input")
    expect(field).to_be_focused()
    expect(dialog).to_contain_text("Zuletzt angesehen")
    expect(dialog).to_contain_text("Paula Palette")
    field.press_sequentially("zu kont", delay=30)
    screenshot(page, "command-palette-german")
    first = dialog.get_by_role("option").first
    expect(first).to_contain_text("Kontakte")
    expect(first).to_have_attribute("aria-selected", "true")
    with page.expect_navigation():
        field.press("Enter")
    assert page.url.endswith("/contacts/")

    page.keyboard.press("Control+k")
    expect(field).to_be_focused()
    field.press_sequentially("unbekanntes", delay=20)
    expect(dialog.get_by_role("option")).to_have_count(1)
    expect(dialog.get_by_role("option")).to_contain_text("Überall nach „unbekanntes“ suchen")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_the_star_pins_a_record_in_the_navigation(page, greta):
    firm = AccountFactory(name="Stern GmbH", actor=greta)
    page.goto(firm.get_absolute_url())
    star = page.locator("#favourite-button")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(page.locator("#favourite-button")).to_have_attribute("aria-pressed", "true")

    page.goto("/leads/")
    page.locator("#favourites-menu").click()
    menu = page.locator("#favourites-list")
    pinned = menu.locator(f'[data-favourite="{firm.pk}"]')
    expect(pinned).to_have_text("Stern GmbH")
    with page.expect_navigation():
        pinned.click()
    assert page.url.endswith(firm.get_absolute_url())
    page.locator("#favourite-button").click()  # and off again
    expect(page.locator("#favourite-button")).to_have_attribute("aria-pressed", "false")
    page.locator("#favourites-menu").click()
    expect(menu).to_contain_text("Markieren Sie einen Datensatz")
    expect(menu.locator(f'[data-favourite="{firm.pk}"]')).to_have_count(0)
