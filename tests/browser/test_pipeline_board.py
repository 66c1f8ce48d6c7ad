"""The pipeline board in German: a sales manager drags a card to the next stage and moves
another with the keyboard alone; a moved card lands where the column's order puts it; a refused
move snaps back with the reason; on a phone the columns scroll sideways and the move dialog
works by touch."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.core import registry
from kontor.opportunities.models import Opportunity
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.studio.actions.fields import set_required
from kontor.users.actions import update_profile
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

BOARD = "/opportunities/board/"


def column(page, stage: str):
    return page.locator(f'.board-column[data-stage="{stage}"]')


def drag(page, source, target) -> None:
    """Drag with pointer moves in steps, as a person does (SortableJS's fallback mode)."""
    box, end = source.locator(".board-card-amount").bounding_box(), target.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + 20
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + (to_x - x) * step / 20, y + (to_y - y) * step / 20)
        page.wait_for_timeout(15)
    page.mouse.up()


@pytest.fixture
def deals(user):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    return {
        name: OpportunityFactory(
            name=name, amount=Decimal(amount), sales_stage="Prospecting", actor=user
        )
        for name, amount in (("Lizenzen", "1200.00"), ("Wartung", "800.00"))
    }


def test_drag_a_card_to_the_next_stage_in_german(signed_in, deals, screenshot):
    page = signed_in
    page.goto(BOARD)
    expect(page.get_by_role("heading", name="Pipeline-Board")).to_be_visible()
    prospecting, qualification = column(page, "Prospecting"), column(page, "Qualification")
    expect(prospecting.locator(".board-column-title")).to_have_text("Akquise")
    screenshot(page, "pipeline-board-de")
    card = prospecting.locator(".board-card", has_text="Lizenzen")
    drag(page, card, qualification.locator(".board-cards"))
    moved = qualification.locator(".board-card", has_text="Lizenzen")
    expect(moved).to_be_visible()
    expect(qualification.locator("[data-figure=amount]")).to_have_text("1.200,00 EUR")
    expect(prospecting.locator("[data-figure=amount]")).to_have_text("800,00 EUR")
    stored = Opportunity.objects.get(pk=deals["Lizenzen"].pk)
    assert (stored.sales_stage, stored.probability) == ("Qualification", 20)


def test_move_with_the_keyboard_and_a_refusal_snaps_back(signed_in, deals, admin):
    page = signed_in
    page.goto(BOARD)
    card = column(page, "Prospecting").locator(".board-card", has_text="Wartung")
    card.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Verschieben nach …")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Bedarfsanalyse").focus()
    page.keyboard.press("Enter")
    moved = column(page, "Needs Analysis").locator(".board-card", has_text="Wartung")
    expect(moved).to_be_focused()
    assert Opportunity.objects.get(pk=deals["Wartung"].pk).sales_stage == "Needs Analysis"

    # Studio now requires a next step: the next move is refused and the card stays.
    set_required(registry.get("opportunities"), ["next_step"], actor=admin)
    page.keyboard.press("Enter")
    page.get_by_role("dialog").get_by_role("button", name="Angebot").click()
    expect(page.locator("#board-alert")).to_contain_text("Die Phase wurde nicht geändert.")
    expect(
        column(page, "Needs Analysis").locator(".board-card", has_text="Wartung")
    ).to_be_visible()
    assert Opportunity.objects.get(pk=deals["Wartung"].pk).sales_stage == "Needs Analysis"


def test_a_moved_card_lands_where_the_columns_order_puts_it(signed_in, user):
    """Cards go by expected close date: a card dropped on top of a column, or moved there by
    the dialog, takes its place among the others, and keeps it after a reload."""
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    for name, stage, day in (
        ("März", "Qualification", datetime.date(2027, 3, 31)),
        ("Juni", "Qualification", datetime.date(2027, 6, 30)),
        ("Mai", "Prospecting", datetime.date(2027, 5, 15)),
        ("Januar", "Prospecting", datetime.date(2027, 1, 15)),
    ):
        OpportunityFactory(name=name, sales_stage=stage, date_closed=day, actor=user)
    page = signed_in
    page.goto(BOARD)
    qualification = column(page, "Qualification").locator(".board-card-name")
    expect(qualification).to_have_text(["März", "Juni"])

    # Dropped on the first card of the column, it still goes between March and June.
    card = column(page, "Prospecting").locator(".board-card", has_text="Mai")
    drag(page, card, column(page, "Qualification").locator(".board-card").first)
    expect(qualification).to_have_text(["März", "Mai", "Juni"])
    # The card the server answered with (its new stage) took the same place.
    stored = column(page, "Qualification").locator('.board-card[data-stage="Qualification"]')
    expect(stored.locator(".board-card-name")).to_have_text(["März", "Mai", "Juni"])
    assert Opportunity.objects.get(name="Mai").sales_stage == "Qualification"

    # The dialog's move: January goes first, not wherever the dialog put it.
    card = column(page, "Prospecting").locator(".board-card", has_text="Januar")
    card.focus()
    page.keyboard.press("Enter")
    page.get_by_role("dialog").get_by_role("button", name="Qualifikation").click()
    expect(qualification).to_have_text(["Januar", "März", "Mai", "Juni"])
    expect(stored.locator(".board-card-name")).to_have_text(["Januar", "März", "Mai", "Juni"])
    expect(column(page, "Qualification").locator(".board-card").first).to_be_focused()
    page.reload()
    expect(qualification).to_have_text(["Januar", "März", "Mai", "Juni"])


@pytest.fixture
def phone(browser, live_server, user):
    """A touch phone's page (390 px), signed in as Bruno."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="de-DE",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    yield sign_in(context.new_page(), context, user, live_server)
    context.close()


def test_on_a_phone_the_columns_scroll_and_the_move_dialog_works(phone, deals, screenshot):
    page = phone
    page.goto(BOARD)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    board = page.locator("#board")
    assert board.evaluate("b => b.scrollWidth > b.clientWidth")
    screenshot(page, "pipeline-board-phone-de")
    card = column(page, "Prospecting").locator(".board-card", has_text="Lizenzen")
    card.get_by_role("button", name="Lizenzen in eine andere Verkaufsphase verschieben").tap()
    page.get_by_role("dialog").get_by_role("button", name="Gewonnen").tap()
    # The card the server answered with carries its new stage.
    won = page.locator('.board-cards[data-stage="Closed Won"] .board-card[data-stage="Closed Won"]')
    expect(won).to_have_count(1)
    assert Opportunity.objects.get(pk=deals["Lizenzen"].pk).sales_stage == "Closed Won"
