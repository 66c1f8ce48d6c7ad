"""The customer journey in German, as a sales rep walks it (docs/domain.md §1 and §5).

Target "Vorname Nachname" at "Firma" → lead ("Zielkontakt umwandeln") → contact, account and
opportunity "Interesse Produkt A" with a logged call, a scheduled meeting and the task
"Feature-Recherche" ("Interessent umwandeln") → the contact's page shows it all → the task is
marked done. The database is checked after every step.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, Task
from kontor.contacts.models import Contact
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.targets.models import Target
from kontor.users.actions import update_profile

pytestmark = pytest.mark.browser

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def record_id(page, slug: str) -> str:
    expect(page).to_have_url(re.compile(rf"/{slug}/{UUID}/$"))
    return re.search(rf"/{slug}/({UUID})/$", page.url).group(1)


def test_from_target_to_contact_with_opportunity_and_activities(signed_in, user, screenshot):
    page = signed_in
    update_profile(user, language="de", time_zone="Europe/Berlin", actor=user)

    # 1. The target, typed in through its form.
    page.goto("/targets/")
    page.get_by_role("link", name="Zielkontakt erstellen").first.click()
    page.get_by_label("Vorname").fill("Vorname")
    page.get_by_label("Nachname").fill("Nachname")
    page.get_by_label("Firmenname").fill("Firma")
    page.get_by_label("E-Mail", exact=True).fill("vorname.nachname@firma.example")
    page.get_by_role("button", name="Speichern").click()
    target = Target.objects.get(pk=record_id(page, "targets"))
    assert (target.first_name, target.last_name, target.account_name, target.status) == (
        "Vorname",
        "Nachname",
        "Firma",
        "New",
    )

    # 2. Target → lead: one click, the pre-filled lead form, save.
    page.get_by_role("link", name="Zielkontakt umwandeln").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zielkontakt umwandeln")
    expect(page.locator("#id_lead-last_name")).to_have_value("Nachname")
    expect(page.locator("#id_lead-account_name")).to_have_value("Firma")
    expect(page.get_by_label("Verschieben")).to_be_checked()
    screenshot(page, "journey-convert-target")
    page.get_by_role("button", name="Zielkontakt umwandeln").click()

    lead = Lead.objects.get(pk=record_id(page, "leads"))
    expect(page.get_by_role("alert").first).to_contain_text("umgewandelt")
    target.refresh_from_db()
    assert (lead.first_name, lead.last_name, lead.account_name, lead.email1) == (
        "Vorname",
        "Nachname",
        "Firma",
        "vorname.nachname@firma.example",
    )
    assert (lead.status, lead.lifecycle_stage, lead.target) == ("New", "ML", target)
    assert (target.status, target.lead) == ("Converted", lead)

    # 3. Lead → contact, account, opportunity, call, meeting and task in one save.
    page.get_by_role("link", name="Interessent umwandeln").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Interessent umwandeln")
    contact_part, account_part = page.locator("#part-contact"), page.locator("#part-account")
    expect(contact_part.get_by_label("Neu anlegen")).to_be_checked()
    expect(contact_part.get_by_label("Nachname")).to_have_value("Nachname")
    expect(account_part.get_by_label("Neu anlegen")).to_be_checked()
    expect(page.locator("#id_account-name")).to_have_value("Firma")

    page.get_by_label("Verkaufschance erstellen").check()
    page.locator("#id_opportunity-name").fill("Interesse Produkt A")
    page.locator("#id_opportunity-amount").fill("12.500,00")
    page.locator("#id_opportunity-contact_role").select_option(label="Hauptentscheider")
    page.get_by_label("Anruf protokollieren oder planen").check()
    expect(page.locator("#id_call-status")).to_have_value("Held")  # "Durchgeführt"
    expect(page.locator("#id_call-duration_minutes")).to_have_value("15")
    page.locator("#id_call-name").fill("Erstgespräch")
    expect(page.locator("#id_meeting-name")).to_be_hidden()  # folded until ticked
    page.get_by_label("Besprechung planen").check()
    page.locator("#id_meeting-name").fill("Vorstellung Produkt A")
    page.locator("#id_meeting-location").fill("Hamburg")
    page.get_by_label("Aufgabe erstellen").check()
    page.locator("#id_task-name").fill("Feature-Recherche")
    page.locator("#id_task-priority").select_option(label="Hoch")
    screenshot(page, "journey-convert-lead")
    page.get_by_role("button", name="Interessent umwandeln").click()

    contact = Contact.objects.get(pk=record_id(page, "contacts"))
    expect(page.get_by_role("heading", name="Vorname Nachname")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text("umgewandelt")
    lead.refresh_from_db()
    account = Account.objects.get()
    opportunity = Opportunity.objects.get()
    assert (lead.status, lead.converted, lead.contact, lead.account, lead.opportunity) == (
        "Converted",
        True,
        contact,
        account,
        opportunity,
    )
    assert (contact.last_name, contact.account, contact.email1) == (
        "Nachname",
        account,
        "vorname.nachname@firma.example",
    )
    assert account.name == "Firma" and account.assigned_user == user
    assert (opportunity.name, opportunity.amount, opportunity.account) == (
        "Interesse Produkt A",
        Decimal("12500.00"),
        account,
    )
    assert (
        OpportunityContact.objects.get(opportunity=opportunity).contact_role
        == "Primary Decision Maker"
    )
    call, meeting, task = Call.objects.get(), Meeting.objects.get(), Task.objects.get()
    assert (call.name, call.status, call.duration_minutes, call.parent) == (
        "Erstgespräch",
        "Held",
        15,
        contact,
    )
    assert (meeting.status, meeting.location, meeting.parent) == ("Planned", "Hamburg", contact)
    assert {(i.user_id, i.contact_id) for i in meeting.invitees.all()} == {
        (user.pk, None),
        (None, contact.pk),
    }
    assert (task.name, task.priority, task.assigned_user, task.parent, task.status) == (
        "Feature-Recherche",
        "High",
        user,
        contact,
        "Not Started",
    )
    assert ChangeLog.objects.filter(record_id=contact.pk, action="convert").exists()

    # 4. The contact's page shows what happened, and leads back to where it started.
    body = page.locator("main")
    for text in ("Erstgespräch", "Vorstellung Produkt A", "Feature-Recherche"):
        expect(body.get_by_role("link", name=text).first).to_be_visible()
    expect(body.locator(f'a[href="/leads/{lead.pk}/"]').first).to_be_visible()
    # The timeline follows the person from the first record on (the target's and lead's
    # creation, the conversions, the activities), and a banner links the chain.
    # The meeting still to come is planned, shown above the history.
    timeline = page.locator("#timeline")
    for text in ("Zielkontakt erstellt", "Interessent erstellt", "Erstgespräch"):
        expect(timeline).to_contain_text(text)
    expect(page.locator("#timeline-planned")).to_contain_text("Vorstellung Produkt A")
    expect(
        page.locator("#timeline, #timeline-planned").filter(has_text="Feature-Recherche")
    ).to_have_count(1)
    expect(timeline.locator('[data-kind="convert"]')).not_to_have_count(0)
    banner = page.locator(".banner-conversion")
    expect(banner.locator(f'a[href="/leads/{lead.pk}/"]')).to_be_visible()
    expect(banner.locator(f'a[href="/targets/{target.pk}/"]')).to_be_visible()
    screenshot(page, "journey-contact")

    # 5. The task is done.
    body.get_by_role("link", name="Feature-Recherche").first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    page.get_by_role("button", name="Erledigt").click()
    expect(page.get_by_role("alert").first).to_contain_text("Feature-Recherche")
    task.refresh_from_db()
    assert task.status == "Completed"
    page.goto(contact.get_absolute_url())
    expect(page.locator("#open-activities")).not_to_contain_text("Feature-Recherche")
    screenshot(page, "journey-contact-task-done")
