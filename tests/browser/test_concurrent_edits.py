"""Two people edit one account: the second to save sees, in German, the field both changed,
keeps the other person's other change and chooses which value to save."""

import pytest
from playwright.sync_api import expect

from kontor.accounts.models import Account
from kontor.core.actions import save_record
from kontor.users.actions import profile_of

pytestmark = pytest.mark.browser


def test_a_conflict_is_shown_in_german_and_resolved(signed_in, user, admin, screenshot):
    profile = profile_of(user)
    profile.language = "de"
    profile.save()
    account = save_record(Account(name="Fjord GmbH", rating="A", employees="10"), actor=user)
    page = signed_in
    page.goto(f"/accounts/{account.pk}/edit/")
    page.locator("#id_rating").fill("C")
    page.locator("#id_website").fill("https://fjord.example")

    # Meanwhile Ada changes the rating and the employees.
    other = Account.objects.get(pk=account.pk)
    other.rating, other.employees = "B", "50"
    save_record(other, actor=admin)

    page.get_by_role("button", name="Speichern").click()

    panel = page.locator("[data-conflicts]")
    expect(panel).to_contain_text("Jemand anderes hat diesen Datensatz geändert")
    row = panel.locator("tr[data-conflict=rating]")
    expect(row).to_contain_text("C")
    expect(row).to_contain_text("B")
    expect(row).to_contain_text("Ada Admin")
    expect(page.locator("#id_employees")).to_have_value("50")  # Ada's other change is shown
    expect(page.locator("#id_website")).to_have_value("https://fjord.example")
    screenshot(page, "record-edit-conflict-german")
    assert Account.objects.get(pk=account.pk).rating == "B"  # nothing saved yet

    row.get_by_label("Den anderen übernehmen").check()
    page.get_by_role("button", name="Speichern").click()

    expect(page.locator("[data-conflicts]")).to_have_count(0)
    stored = Account.objects.get(pk=account.pk)
    assert (stored.rating, stored.employees, stored.website) == ("B", "50", "https://fjord.example")
