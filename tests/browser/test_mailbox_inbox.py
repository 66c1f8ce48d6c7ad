"""The unmatched inbox in the browser, in German: a sales manager opens a received mail from an
unknown sender (its HTML sanitised, the remote image blocked), creates a lead from it in one
click and lands on the lead; the mail has left the inbox, a dismissed one too."""

import pytest
from playwright.sync_api import expect

from kontor.leads.models import Lead
from kontor.mailboxes.poll import poll
from kontor.mailboxes.tests.mail import mailbox_for, message

pytestmark = pytest.mark.browser


def test_create_lead_from_unmatched_mail(signed_in, german, imap_server, screenshot):
    user = imap_server.new_user()
    imap_server.append(
        user,
        message(
            sender="Nina Neumann <nina@neumann-bau.example>",
            subject="Anfrage Wartungsvertrag",
            message_id="<n@neumann-bau.example>",
            html='<p>Guten Tag,</p><p onclick="x()">drei Standorte.</p>'
            '<img src="https://tracker.example/p.gif">',
        ),
    )
    imap_server.append(
        user, message(sender="news@messe.example", subject="Newsletter", message_id="<m@x>")
    )
    poll(mailbox_for(imap_server, user))
    page = signed_in

    page.goto("/leads/")
    page.get_by_role("link", name="Nicht zugeordnete E-Mails").click()
    expect(page.get_by_role("heading", name="Posteingang")).to_be_visible()
    page.get_by_role("row", name="Newsletter").get_by_role("button", name="Verwerfen").click()
    expect(page.get_by_role("alert").first).to_contain_text("Die E-Mail wurde verworfen.")
    expect(page.locator("#unmatched")).not_to_contain_text("Newsletter")
    page.get_by_role("link", name="Anfrage Wartungsvertrag").click()
    expect(page.get_by_text("Externe Bilder sind blockiert")).to_be_visible()
    assert page.locator(".kt-mail-body img[src^='https']").count() == 0
    screenshot(page, "mailbox-message-de")
    page.get_by_role("button", name="Lead anlegen").click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "Der Lead Nina Neumann wurde angelegt und die E-Mail verknüpft."
    )
    lead = Lead.objects.get(email1="nina@neumann-bau.example")
    assert (lead.first_name, lead.last_name) == ("Nina", "Neumann")
    assert page.url.endswith(f"/leads/{lead.pk}/")
    page.goto("/mailboxes/inbox/")
    expect(page.get_by_text("Nichts offen")).to_be_visible()
