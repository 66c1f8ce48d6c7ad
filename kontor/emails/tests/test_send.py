"""Sending an e-mail from Kontor through a real SMTP server: parts, attachment, sender, the
records it is logged on, templates in the recipient's language, and what is refused."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kontor.contacts.tests.factories import ContactFactory
from kontor.core.smtp_testing import body_of
from kontor.core.testing_tools import run_queued_tasks, whole_page
from kontor.emails import merge
from kontor.emails.actions import Attachment, Outgoing, send_email
from kontor.emails.models import Email, EmailLink, EmailTemplate, OutgoingMail, SenderIdentity
from kontor.opportunities.models import Opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what an action queues after its commit (the outbox's send task), as a real commit
    would, when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _mail(**overrides) -> Outgoing:
    values = {"to": "anna@contact.example", "subject": "Angebot", "body": "Hallo Anna,\n\nanbei."}
    return Outgoing(**{**values, **overrides})


def test_a_sent_mail_arrives_with_both_parts_attachment_sender_and_message_id(
    smtp_server, rep, commit
):
    contact = ContactFactory(actor=rep, email1="anna@contact.example")
    SenderIdentity.objects.create(user=rep, signature="Rolf Rep, Vertrieb")
    pdf = Attachment("angebot.pdf", b"%PDF-1.4 Angebot", "application/pdf")
    with commit():
        email = send_email(_mail(attachments=[pdf]), parent=contact, actor=rep)
    run_queued_tasks()
    (received,) = smtp_server.wait_for(1)
    assert received["Subject"] == "Angebot"
    assert received["From"].addresses[0].display_name == "Rolf Rep"
    assert received["From"].addresses[0].addr_spec == "kontor@localhost"
    assert received["Reply-To"] == "rolf@kontor.example"
    assert received["Message-ID"].strip("<>") == email.message_id
    assert "anbei." in body_of(received) and "Rolf Rep, Vertrieb" in body_of(received)
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "<p>Hallo Anna,</p>" in html
    (part,) = list(received.iter_attachments())
    assert part.get_filename() == "angebot.pdf"
    assert part.get_content() == b"%PDF-1.4 Angebot"
    email.refresh_from_db()
    assert (email.type, email.status) == ("out", "sent")
    assert email.attachments.get().size == len(b"%PDF-1.4 Angebot")
    linked = set(EmailLink.objects.filter(email=email).values_list("object_id", flat=True))
    assert linked == {contact.pk, contact.account_id}


def test_an_own_sender_address_is_the_from(smtp_server, rep, commit, settings):
    settings.DEFAULT_FROM_EMAIL = "kontor@firma.example"
    SenderIdentity.objects.create(user=rep, from_name="R. Rep", from_address="rolf@firma.example")
    with commit():
        send_email(_mail(), actor=rep)
    run_queued_tasks()
    (received,) = smtp_server.wait_for(1)
    assert received["From"].addresses[0].addr_spec == "rolf@firma.example"
    assert received["Reply-To"] is None


def test_an_opportunity_mail_is_logged_on_its_account_and_contacts(smtp_server, rep):
    contact = ContactFactory(actor=rep)
    opportunity = Opportunity.objects.create(
        name="Deal", account=contact.account, amount=1, date_closed=timezone.now().date()
    )
    opportunity.contacts.add(contact)
    email = send_email(_mail(), parent=opportunity, actor=rep)
    linked = set(email.links.values_list("object_id", flat=True))
    assert linked == {opportunity.pk, contact.account_id, contact.pk}


@pytest.mark.parametrize("flag", ["email_opt_out", "invalid_email"])
def test_a_person_who_opted_out_or_is_invalid_is_refused_and_nothing_is_stored(
    smtp_server, rep, flag
):
    contact = ContactFactory(actor=rep, email1="nein@contact.example", **{flag: True})
    with pytest.raises(ValidationError) as refused:
        send_email(_mail(cc="Nein@contact.example"), parent=contact, actor=rep)
    reason = "opted out" if flag == "email_opt_out" else "invalid address"
    assert reason in refused.value.message_dict["cc"][0]
    run_queued_tasks()
    assert not Email.objects.exists() and not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


def test_an_invalid_address_is_refused(rep):
    with pytest.raises(ValidationError) as refused:
        send_email(_mail(to="anna@, bob@example.org"), actor=rep)
    assert refused.value.message_dict["to"] == ["anna@ is not a valid e-mail address."]
    assert not Email.objects.exists()


def test_the_template_is_picked_in_the_recipients_language_and_merged(rep_client, rep):
    contact = ContactFactory(actor=rep, first_name="Anna", primary_address_country="Österreich")
    for language, subject in (("de", "Hallo $contact_first_name"), ("en", "Hello")):
        EmailTemplate.objects.create(
            name="Angebot", language=language, subject=subject, body="Von $user_full_name"
        )
    url = reverse("emails:compose") + f"?parent=contacts:{contact.pk}&template=Angebot"
    form = rep_client.get(url).context["form"]
    assert form.initial["subject"] == "Hallo Anna"
    assert form.initial["body"] == "Von Rolf Rep"
    contact.primary_address_country = "France"
    assert merge.language_of(contact, rep) == "en"


def test_merge_fields_read_only_the_fields_the_page_shows(rep):
    contact = ContactFactory(actor=rep, first_name="Anna")
    table = merge.context_for(contact, rep)
    text = "$contact_first_name $contact_search_text $contact_custom $contact_phone_work_e164"
    merged = merge.merge(text, table)
    assert merged.startswith("Anna $contact_search_text $contact_custom")
    assert merged.endswith("$contact_phone_work_e164")
    assert merge.merge("$contact_first_name", {"contact": {"first_name": "<b>"}}, html=True) == (
        "&lt;b&gt;"
    )


def test_script_in_html_is_shown_sanitised(rep_client, rep):
    email = send_email(
        _mail(body_html='<p>Hi</p><script>alert(1)</script><a href="x" onclick="y()">l</a>'),
        actor=rep,
    )
    page = rep_client.get(email.get_absolute_url()).content.decode()
    assert "<p>Hi</p>" in page
    assert "alert(1)" not in page and "onclick" not in page


def test_compose_page_sends_and_shows_the_mail(smtp_server, rep_client, rep, commit):
    contact = ContactFactory(actor=rep, email1="anna@contact.example")
    url = reverse("emails:compose") + f"?parent=contacts:{contact.pk}"
    assert rep_client.get(url).context["form"].initial["to"] == "anna@contact.example"
    big = SimpleUploadedFile("a.txt", b"x" * 10, "text/plain")
    with commit():
        response = rep_client.post(
            url,
            {
                "parent": f"contacts:{contact.pk}",
                "to": "anna@contact.example",
                "subject": "Termin",
                "body": "Wann?",
                "attachments": [big],
                "send": "1",
            },
        )
    email = Email.objects.get()
    assert response.status_code == 302 and response["Location"] == email.get_absolute_url()
    run_queued_tasks()
    smtp_server.wait_for(1)
    timeline = rep_client.get(f"/contacts/{contact.pk}/timeline/").content.decode()
    assert "E-mail sent:" in timeline and "Termin" in timeline


def test_an_attachment_over_the_limit_is_refused_with_a_message(rep_client, rep, settings):
    settings.FILE_UPLOAD_MAX_SIZE = 5
    response = rep_client.post(
        reverse("emails:compose"),
        {
            "to": "a@b.example",
            "subject": "S",
            "body": "B",
            "attachments": [SimpleUploadedFile("a.txt", b"123456")],
        },
    )
    assert "The attachments are too large" in response.content.decode()
    assert not Email.objects.exists()


def test_a_hidden_record_cannot_be_written_from(client, rep):
    from kontor.users.actions import create_user

    other = create_user("eve", password="pw-eve-123!", roles=["sales_rep"])
    contact = ContactFactory(actor=rep)
    client.force_login(other)
    assert (
        client.get(reverse("emails:compose") + f"?parent=contacts:{contact.pk}").status_code == 404
    )


def test_lists_and_record_pages_link_addresses_and_numbers(rep_client, rep):
    contact = ContactFactory(actor=rep, email1="anna@contact.example", phone_work="+49 30 123")
    listed = whole_page(rep_client, "/contacts/?columns=last_name,email1,phone_work").content
    page = whole_page(rep_client, contact.get_absolute_url()).content
    for html in (listed.decode(), page.decode()):
        assert 'href="mailto:anna@contact.example"' in html
        assert 'href="tel:+4930123"' in html
    assert 'data-compose="/emails/compose/"' in page.decode()


def test_sender_settings_page_saves_the_users_own_sender(rep_client, rep, settings):
    settings.DEFAULT_FROM_EMAIL = "kontor@firma.example"
    page = rep_client.get("/emails/sender/").content.decode()
    assert 'id="sender-form"' in page and 'id="email-sender-link"' in page
    response = rep_client.post(
        "/emails/sender/",
        {"from_name": "Rolf R.", "from_address": "kein-mail", "signature": ""},
    )
    assert "Enter a valid email address." in response.content.decode()
    assert not SenderIdentity.objects.exists()
    rep_client.post(
        "/emails/sender/",
        {"from_name": "Rolf R.", "from_address": "rolf@firma.example", "signature": "Gruß"},
    )
    assert SenderIdentity.objects.get(user=rep).from_address == "rolf@firma.example"
