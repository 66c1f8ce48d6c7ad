"""Studio in German, as an administrator configures Kontor without code.

Add a dropdown value ("Messe 2026"), reorder it by drag and drop, make a field required
("Telefon Büro"), add a custom field ("Budget"), and see all three on the lead form; the
database is checked after every step.
"""

import pytest
from playwright.sync_api import expect

from kontor.core import config
from kontor.core.models import DropdownValue
from kontor.leads.models import Lead
from kontor.studio.models import CustomField
from kontor.users.actions import update_profile
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(page, context, admin, live_server):
    """The page of Ada, an administrator who works in German."""
    update_profile(admin, language="de", time_zone="Europe/Berlin", actor=admin)
    return sign_in(page, context, admin, live_server)


def drag(page, source: str, target: str) -> None:
    """Drag `source` onto the top edge of `target` with the mouse, in small steps."""
    start = page.locator(source).bounding_box()
    end = page.locator(target).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 30, end["y"] + 20, steps=15)
    page.mouse.move(end["x"] + 30, end["y"] + 5, steps=5)
    page.mouse.up()


def test_dropdown_value_required_field_and_custom_field_reach_the_lead_form(admin_page, screenshot):
    page = admin_page

    # 1. A new lead source, from the administration menu.
    page.goto("/admin/")
    page.get_by_role("link", name="Auswahllisten").first.click()
    page.get_by_role("link", name="lead_source_dom").click()
    form = page.locator("#add-value")
    form.get_by_label("Schlüssel").fill("Fair 2026")
    form.get_by_label("Englische Bezeichnung").fill("Fair 2026")
    form.get_by_label("Deutsche Bezeichnung").fill("Messe 2026")
    form.get_by_role("button", name="Wert hinzufügen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Wert hinzugefügt")
    added = DropdownValue.objects.get(dropdown__name="lead_source_dom", key="Fair 2026")
    assert added.label_de == "Messe 2026" and added.active

    # ... dragged by its handle above "Other" (the value before it); the order is saved.
    page.locator('[data-key="Fair 2026"]').scroll_into_view_if_needed()
    drag(page, '[data-key="Fair 2026"] .drag-handle', '#dropdown-values > [data-key="Other"]')
    expect(page.get_by_role("alert").first).to_contain_text("Gespeichert")
    keys = [
        k
        for k in page.locator("#dropdown-values > [data-key]").evaluate_all(
            "items => items.map(i => i.dataset.key)"
        )
    ]
    assert keys[-2:] == ["Fair 2026", "Other"]
    stored = list(
        DropdownValue.objects.filter(dropdown__name="lead_source_dom")
        .order_by("position", "id")
        .values_list("key", flat=True)
    )
    assert stored == keys
    screenshot(page, "studio-dropdown")

    # 2. "Telefon Büro" becomes a required field of leads.
    page.goto("/admin/studio/fields/")
    page.locator("#studio-modules").get_by_role("link", name="Interessenten").click()
    page.locator("#req-phone_work").check()
    page.get_by_role("button", name="Pflichtfelder speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("Pflichtfelder gespeichert")
    assert "phone_work" in config.required_fields(Lead)

    # 3. A custom field "Budget" (currency).
    form = page.locator("#add-custom-field")
    form.get_by_label("Name").fill("budget")
    form.get_by_label("Englische Bezeichnung").fill("Budget")
    form.get_by_label("Deutsche Bezeichnung").fill("Budget")
    form.get_by_label("Typ").select_option("currency")
    form.get_by_role("button", name="Feld hinzufügen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Benutzerdefiniertes Feld")
    assert CustomField.objects.get(name="budget").field_type == "currency"

    # 4. All three on the lead form: the value offered, the mark, the field.
    # (through quick create, the "+" menu of the top bar)
    page.locator("#quick-create").click()
    page.get_by_role("link", name="Interessent erstellen").click()
    expect(page.locator("#id_lead_source option[value='Fair 2026']")).to_have_text("Messe 2026")
    expect(page.locator("label[for='id_phone_work']")).to_contain_text("*")
    expect(page.get_by_label("Budget")).to_be_visible()
    screenshot(page, "studio-lead-form")
    page.get_by_label("Nachname").fill("Meyer")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("[data-error-for='phone_work']")).to_have_text(
        "Dieses Feld ist zwingend erforderlich."
    )
    assert not Lead.objects.exists()
    page.get_by_label("Telefon Büro").fill("0221 4711")
    page.get_by_label("Budget").fill("12.500,50")
    page.locator("#id_lead_source").select_option("Fair 2026")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meyer")
    lead = Lead.objects.get()
    assert (lead.lead_source, lead.phone_work, lead.custom) == (
        "Fair 2026",
        "0221 4711",
        {"budget": "12500.50"},
    )
    expect(page.get_by_text("12.500,50")).to_be_visible()


def test_layout_editor_hides_a_field_by_drag_and_drop_with_preview(admin_page, screenshot):
    page = admin_page
    page.goto("/admin/studio/fields/leads/layout/")
    preview = page.locator("#panels-preview")
    expect(preview).to_contain_text("Stellenbezeichnung")
    hidden = page.locator('[data-name="hidden"]')
    page.locator('[data-name="panel-0"] > [data-key="title"]').scroll_into_view_if_needed()
    start = page.locator('[data-name="panel-0"] > [data-key="title"] .drag-handle').bounding_box()
    end = hidden.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + 40, end["y"] + end["height"] / 2, steps=20)
    page.mouse.up()
    expect(hidden.locator('[data-key="title"]')).to_have_count(1)
    expect(preview).not_to_contain_text("Stellenbezeichnung")
    screenshot(page, "studio-layout")
    page.locator("#panels-form").get_by_role("button", name="Layout speichern").click()
    expect(page.get_by_role("alert").first).to_contain_text("Layout gespeichert")
    assert config.layout(Lead, "panels")["hidden"] == ["title"]
    page.goto("/leads/new/")
    expect(page.get_by_label("Nachname")).to_be_visible()
    expect(page.locator("#id_title")).to_have_count(0)
