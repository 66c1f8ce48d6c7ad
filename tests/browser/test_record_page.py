"""The record page in German: a click on a step of the path moves the opportunity there
(with HTMX, in place; the keyboard reaches the steps), a refused click shows why, and empty
fields open behind their toggle. Timeline and related lists load after the page."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.accounts.models import Account
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.opportunities.models import Opportunity
from kontor.users.actions import update_profile

pytestmark = pytest.mark.browser


@pytest.fixture
def deal(user):
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)
    account = save_record(Account(name="Nordwind AG"), actor=user)
    return save_record(
        Opportunity(
            name="Lizenzen 2027",
            account=account,
            amount=Decimal("12500.00"),
            currency="EUR",
            date_closed=datetime.date(2027, 3, 1),
            sales_stage="Prospecting",
        ),
        actor=user,
    )


def test_a_click_on_a_path_step_moves_the_opportunity(signed_in, deal, user, screenshot):
    page = signed_in
    page.goto(f"/opportunities/{deal.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    facts = page.locator("#record-facts")
    expect(facts).to_contain_text("12.500,00 EUR")
    expect(facts).to_contain_text("Akquise")
    expect(page.locator("#record-timeline")).to_contain_text("Verkaufschance erstellt")

    step = page.locator('#record-path button[data-stage="Proposal/Price Quote"]')
    step.focus()  # a step is a button: the keyboard reaches it
    expect(step).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/stage/")):
        page.keyboard.press("Enter")
    current = page.locator('#record-path [aria-current="step"]')
    expect(current).to_have_text("Angebot")
    expect(page.locator("#record-facts")).to_contain_text("Angebot")
    # The timeline reloads with the page's part: the change is in it.
    expect(page.locator("#timeline")).to_contain_text("Akquise")
    stored = Opportunity.objects.get(pk=deal.pk)
    assert (stored.sales_stage, stored.probability) == ("Proposal/Price Quote", 65)
    assert ChangeLog.objects.filter(record_id=deal.pk, field="sales_stage").count() == 1
    screenshot(page, "record-page-path")

    page.locator('#record-path button[data-stage="Closed Won"]').click()
    expect(page.locator('#record-path [aria-current="step"]')).to_have_text("Gewonnen")
    assert Opportunity.objects.get(pk=deal.pk).sales_stage == "Closed Won"


def test_a_refused_click_shows_why_and_changes_nothing(signed_in, deal, user, settings):
    settings.KONTOR_MODE = "b2b"
    Opportunity.objects.filter(pk=deal.pk).update(account=None)
    page = signed_in
    page.goto(f"/opportunities/{deal.pk}/")
    page.locator('#record-path button[data-stage="Qualification"]').click()
    expect(page.locator("#path-error")).to_contain_text("Die Phase wurde nicht geändert.")
    expect(page.locator('#record-path [aria-current="step"]')).to_have_text("Akquise")
    assert Opportunity.objects.get(pk=deal.pk).sales_stage == "Prospecting"


def test_empty_fields_open_behind_their_toggle(signed_in, deal):
    page = signed_in
    page.goto(f"/opportunities/{deal.pk}/")
    toggle = page.get_by_text("Leere Felder anzeigen").first
    hidden = page.locator("details.record-empty dt").first
    expect(hidden).to_be_hidden()
    toggle.click()
    expect(hidden).to_be_visible()
