"""Writing to a contact from Kontor (German UI): pick a template in the contact's language,
preview it, send it through a real SMTP server, and find it on the contact's timeline; and the
administrators' template page."""

import pytest
from playwright.sync_api import expect

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.smtp_testing import body_of
from kontor.core.testing_tools import run_queued_tasks
from kontor.emails.models import Email, EmailTemplate

pytestmark = pytest.mark.browser


def test_compose_from_a_contact_with_a_template_preview_send_and_timeline(
    signed_in, german, smtp_server, screenshot
):
    contact = ContactFactory(
        actor=german,
        first_name="Anna",
        email1="anna@contact.example",
        primary_address_country="Deutschland",
    )
    EmailTemplate.objects.create(
        name="Angebot",
        language="de",
        subject="Ihr Angebot, $contact_first_name",
        body="Hallo $contact_first_name,\n\nanbei unser Angebot.\n\n$user_full_name",
    )
    EmailTemplate.objects.create(name="Angebot", language="en", subject="Your offer", body="Hi")
    page = signed_in
    page.goto(f"/contacts/{contact.pk}/")
    page.get_by_role("link", name="E-Mail senden").click()
    expect(page.locator("#id_to")).to_have_value("anna@contact.example")
    page.locator("#id_template").select_option("Angebot")
    page.get_by_role("button", name="Vorlage verwenden").click()
    expect(page.locator("#id_subject")).to_have_value("Ihr Angebot, Anna")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator("#preview")).to_contain_text("anbei unser Angebot.")
    expect(page.locator("#preview")).to_contain_text("Bruno Browser")
    screenshot(page, "email-compose")
    page.get_by_role("button", name="Senden").click()
    expect(page.locator("h1")).to_contain_text("Ihr Angebot, Anna")
    expect(page.locator("#email-body")).to_contain_text("anbei unser Angebot.")
    run_queued_tasks()
    (mail,) = smtp_server.wait_for(1)
    assert mail["Subject"] == "Ihr Angebot, Anna"
    assert "Hallo Anna," in body_of(mail)
    assert Email.objects.get().status == "sent"
    page.reload()
    expect(page.locator("body")).to_contain_text(str(contact))  # related to: the contact
    screenshot(page, "email-detail")
    page.goto(f"/contacts/{contact.pk}/")
    expect(page.locator("#record-timeline")).to_contain_text("E-Mail gesendet: Ihr Angebot, Anna")
    screenshot(page, "email-contact-timeline")


def test_mailto_link_opens_compose_for_the_record(signed_in, german):
    contact = ContactFactory(actor=german, email1="otto@contact.example")
    page = signed_in
    page.goto(f"/contacts/{contact.pk}/")
    page.locator('a[href="mailto:otto@contact.example"]').first.click()
    expect(page.locator("#id_to")).to_have_value("otto@contact.example")
    expect(page.locator("#compose-record")).to_contain_text(str(contact))


def test_template_admin(admin_page, admin, screenshot):
    admin.profile.language = "de"
    admin.profile.save()
    page = admin_page
    page.goto("/emails/templates/new/")
    page.locator("#id_name").fill("Willkommen")
    page.locator("#id_language").select_option("de")
    page.locator("#id_subject").fill("Willkommen, $contact_first_name")
    page.locator("#id_body").fill("Hallo $contact_first_name,\n\nschön, dass Sie da sind.")
    screenshot(page, "email-template-edit")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#email-templates")).to_contain_text("Willkommen")
    screenshot(page, "email-templates")
