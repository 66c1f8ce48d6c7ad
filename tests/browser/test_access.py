"""An external lead-generation worker in the browser: signs in, sees only
Zielkontakte, creates one, and cannot reach a lead by URL, search or picker."""

import pytest
from playwright.sync_api import expect

from kontor.leads.tests.factories import LeadFactory
from kontor.targets.models import Target
from kontor.users.actions import create_user
from kontor.users.models import Team

pytestmark = pytest.mark.browser
PASSWORD = "Zielkontakte-2026!"


@pytest.fixture
def worker(db):
    team = Team.objects.create(name="Leadgenerierung")
    return create_user(
        "jana",
        password=PASSWORD,
        first_name="Jana",
        last_name="Extern",
        language="de",
        roles=["external_lead_generation"],
        teams=[team],
    )


def test_external_lead_generation_sees_and_creates_only_targets(page, worker, admin):
    lead = LeadFactory(
        actor=admin, first_name="Geheim", last_name="Interessent", account_name="Geheim GmbH"
    )
    page.goto("/login/")
    page.locator("#id_username").fill("jana")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page.locator("#user-menu")).to_contain_text("Jana Extern")

    # The navigation offers Zielkontakte and nothing else, the "+" menu only a new target.
    nav = page.locator("[data-nav]")
    expect(nav).to_have_count(1)
    expect(nav.first).to_have_text("Zielkontakte")
    page.locator("#quick-create").click()
    create = page.locator("#quick-create + .dropdown-menu .dropdown-item")
    expect(create).to_have_count(1)
    expect(create.first).to_contain_text("Zielkontakt erstellen")
    create.first.click()

    page.locator("#id_first_name").fill("Paula")
    page.locator("#id_last_name").fill("Neumann")
    page.locator("#id_account_name").fill("Neumann Maschinenbau")
    page.locator("main form button.btn-primary[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    target = Target.objects.get(last_name="Neumann")
    assert target.assigned_user == worker
    assert set(target.teams.values_list("name", flat=True)) == {"Leadgenerierung"}

    # A lead is out of reach: by URL (404 like a missing page), by search, by picker.
    response = page.goto(f"/leads/{lead.pk}/")
    assert response.status == 404
    expect(page.get_by_text("Geheim")).to_have_count(0)
    page.goto("/search/?q=Geheim")
    expect(page.locator("main")).not_to_contain_text("Geheim")
    assert page.goto("/leads/lookup/?q=Geheim").status == 404
    assert page.goto("/leads/").status == 404
    assert page.goto("/admin/").status == 404
