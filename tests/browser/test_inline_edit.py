"""Inline edit in German: on a record page and in a list cell, Enter saves and Esc cancels;
Tab saves and opens the next field; a click elsewhere closes an editor nobody typed in."""

import pytest
from playwright.sync_api import expect

from kontor.core.actions import save_record
from kontor.leads.models import Lead
from kontor.users.actions import profile_of

pytestmark = pytest.mark.browser


@pytest.fixture
def german(user):
    profile = profile_of(user)
    profile.language = "de"
    profile.save()
    return user


@pytest.fixture
def lead(german):
    return save_record(
        Lead(
            first_name="Lena",
            last_name="Lindqvist",
            title="Einkauf",
            department="Nord",
            account_name="Fjord GmbH",
            email1="lena@fjord.example",
            status="New",
        ),
        actor=german,
    )


def value(page, field: str):
    return page.locator(f'.inline-value[data-inline$="/inline/{field}/"]').first


def test_a_record_page_saves_with_enter_and_cancels_with_esc(signed_in, lead, screenshot):
    page = signed_in
    page.goto(f"/leads/{lead.pk}/")

    value(page, "title").locator(".inline-text").click()
    editor = page.locator("form.inline-editor")
    expect(editor.locator("input[name=title]")).to_be_focused()
    expect(editor.get_by_role("button", name="Speichern (Eingabetaste)")).to_be_visible()
    editor.locator("input[name=title]").fill("Vertrieb")
    screenshot(page, "inline-edit-record-page-german")
    editor.locator("input[name=title]").press("Enter")
    expect(value(page, "title")).to_contain_text("Vertrieb")
    expect(page.locator("form.inline-editor")).to_have_count(0)
    assert Lead.objects.get(pk=lead.pk).title == "Vertrieb"

    value(page, "department").locator(".inline-text").click()
    field = page.locator("form.inline-editor input[name=department]")
    field.fill("Süd")
    field.press("Escape")
    expect(value(page, "department")).to_contain_text("Nord")
    assert Lead.objects.get(pk=lead.pk).department == "Nord"

    # An invalid value stays in the editor with the German message; nothing is saved. The
    # address is a mailto link: the pencil beside it opens the editor.
    value(page, "email1").hover()
    value(page, "email1").locator(".inline-edit").click()
    field = page.locator("form.inline-editor input[name=email1]")
    field.fill("keine adresse")
    field.press("Enter")
    expect(page.locator("form.inline-editor .invalid-feedback")).to_contain_text(
        "gültige E-Mail-Adresse"
    )
    assert Lead.objects.get(pk=lead.pk).email1 == "lena@fjord.example"


def test_a_click_elsewhere_closes_an_untouched_editor_and_keeps_a_changed_one(signed_in, lead):
    page = signed_in
    page.goto(f"/leads/{lead.pk}/")
    value(page, "title").locator(".inline-text").click()
    expect(page.locator("form.inline-editor input[name=title]")).to_be_focused()
    page.locator("h1").click()
    expect(page.locator("form.inline-editor")).to_have_count(0)
    expect(value(page, "title")).to_contain_text("Einkauf")

    value(page, "department").locator(".inline-text").click()
    page.locator("form.inline-editor input[name=department]").fill("Süd")
    page.locator("h1").click()  # typed in: the editor waits for Enter or Esc
    expect(page.locator("form.inline-editor input[name=department]")).to_have_value("Süd")
    assert Lead.objects.get(pk=lead.pk).department == "Nord"


def test_a_list_cell_saves_with_enter_cancels_with_esc_and_tab_moves_on(
    signed_in, lead, screenshot
):
    page = signed_in
    page.goto("/leads/")

    value(page, "status").locator(".inline-text").click()
    select = page.locator("form.inline-editor select[name=status]")
    expect(select).to_be_focused()
    select.select_option("Assigned")
    screenshot(page, "inline-edit-list-german")
    select.press("Enter")
    expect(value(page, "status")).to_contain_text("Zugewiesen")
    assert Lead.objects.get(pk=lead.pk).status == "Assigned"

    value(page, "status").locator(".inline-text").click()
    select = page.locator("form.inline-editor select[name=status]")
    select.select_option("Dead")
    select.press("Escape")
    expect(value(page, "status")).to_contain_text("Zugewiesen")
    assert Lead.objects.get(pk=lead.pk).status == "Assigned"

    # Tab saves and opens the next editable cell of the row.
    value(page, "account_name").locator(".inline-text").click()
    field = page.locator("form.inline-editor input[name=account_name]")
    field.fill("Fjord AG")
    field.press("Tab")
    expect(value(page, "account_name")).to_contain_text("Fjord AG")
    expect(page.locator("form.inline-editor")).to_have_count(1)
    assert Lead.objects.get(pk=lead.pk).account_name == "Fjord AG"


def test_a_list_sums_amounts_per_currency_and_keeps_its_density(signed_in, german, screenshot):
    import datetime
    from decimal import Decimal

    from kontor.accounts.models import Account
    from kontor.activities.models import Task
    from kontor.opportunities.models import Opportunity

    account = save_record(Account(name="Fjord GmbH"), actor=german)
    for amount, currency in (("1000.00", "EUR"), ("2500.50", "EUR"), ("700.00", "USD")):
        save_record(
            Opportunity(
                name=f"Deal {amount}",
                account=account,
                amount=Decimal(amount),
                currency=currency,
                sales_stage="Prospecting",
                date_closed=datetime.date(2027, 3, 31),
            ),
            actor=german,
        )
    page = signed_in
    page.goto("/opportunities/")
    totals = page.locator("tr.list-totals")
    # The page's totals first, then those of the whole filter (loaded after the page).
    expect(totals).to_contain_text("Summe von 3 Datensätzen")
    expect(totals).to_contain_text("3.500,50 EUR")
    expect(totals).to_contain_text("700,00 USD")

    page.get_by_role("button", name="Kompakt").click()
    expect(page.locator("table.record-list.list-compact")).to_have_count(1)
    screenshot(page, "list-totals-compact-german")
    page.goto("/opportunities/")
    expect(page.locator("table.record-list.list-compact")).to_have_count(1)

    # A task is marked done from its row.
    task = save_record(Task(name="Angebot senden", status="Not Started"), actor=german)
    page.goto("/tasks/")
    page.locator("button.quick-done").first.click()
    expect(page.locator("#list-table .badge.text-bg-success")).to_contain_text("Erledigt")
    assert Task.objects.get(pk=task.pk).status == "Completed"
