"""Administration → Currencies in the browser, in German: an admin adds a rate with a German
decimal comma, sees a refused one's error on its field, imports a rate file with a bad line
(nothing saved, the line named), then a good one; the opportunity's page shows its amount in
euros beside the dollars. At a phone's width the pages do not overflow."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.currencies.models import ExchangeRate
from kontor.opportunities.tests.factories import OpportunityFactory
from kontor.users.actions import update_profile

pytestmark = pytest.mark.browser


def test_an_admin_keeps_rates_in_german_and_the_deal_shows_its_euros(
    admin_page, admin, tmp_path, screenshot
):
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    page = admin_page
    page.goto("/admin/")
    page.get_by_role("link", name="Währungen").first.click()
    expect(page.get_by_role("heading", name="Währungen")).to_be_visible()
    page.get_by_role("link", name="USD").click()

    page.get_by_label("Gültig ab").fill("2025-01-01")
    page.get_by_label("Kurs").fill("0")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("Der Kurs muss größer als null sein.")
    assert not ExchangeRate.objects.exists()
    page.get_by_label("Kurs").fill("1,25")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Der Kurs wurde hinzugefügt.")
    expect(page.locator("main table").first).to_contain_text("01.01.2025")
    expect(page.locator("main table").first).to_contain_text("1,2500")
    screenshot(page, "currencies-rates-de")

    bad = tmp_path / "kurse.csv"
    bad.write_text("code;valid_from;rate\nGBP;01.01.2025;0,85\nXYZ;01.01.2025;1\n", "utf-8")
    page.goto("/admin/currencies/import/")
    page.get_by_label("CSV-Datei").set_input_files(str(bad))
    page.get_by_label("Zahlen- und Datumsformat").select_option("de")
    page.get_by_role("button", name="Kurse importieren").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("1 Zeile kann nicht importiert werden.")
    expect(problems).to_contain_text("„XYZ“ ist keine bekannte Währung.")
    assert list(ExchangeRate.objects.values_list("currency", flat=True)) == ["USD"]
    screenshot(page, "currencies-import-de")
    good = tmp_path / "kurse-gut.csv"
    good.write_text("code;valid_from;rate\nGBP;01.01.2025;0,85\n", "utf-8")
    page.get_by_label("CSV-Datei").set_input_files(str(good))
    page.get_by_role("button", name="Kurse importieren").click()
    expect(page.get_by_role("alert").first).to_contain_text("1 Kurs importiert.")
    assert ExchangeRate.objects.get(currency="GBP").rate == Decimal("0.85")
    screenshot(page, "currencies-list-de")

    deal = OpportunityFactory(
        actor=admin, currency="USD", amount=Decimal("12000"), date_closed=date(2026, 3, 1)
    )
    page.goto(f"/opportunities/{deal.pk}/")
    expect(page.locator("main")).to_contain_text("12.000,00 USD ≈ 9.600,00 EUR")

    page.set_viewport_size({"width": 390, "height": 800})
    for url in ("/admin/currencies/", "/admin/currencies/USD/", "/admin/currencies/import/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width}px wide at a phone's width"
    screenshot(page, "currencies-import-phone-de")
