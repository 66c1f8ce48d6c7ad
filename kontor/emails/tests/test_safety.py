"""What sending from Kontor must never allow: a From address that is not the user's to send
as, an attachment read by someone who may not see its e-mail, a line break that would forge a
header, a refusal that tells about a person the sender may not see, and a mail logged on a
hidden record."""

import base64

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kontor.api.tests.conftest import token_client
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.admin_log import AdminChange
from kontor.core.testing_tools import run_queued_tasks
from kontor.emails.actions import Attachment, Outgoing, send_email, sender_of
from kontor.emails.models import Email, OutgoingMail, SenderIdentity
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db

SENDER = "/emails/sender/"


@pytest.fixture
def eve(db):
    """A sales rep who sees only her own records."""
    return create_user(
        "eve", password="pw-eve-123!", email="eve@kontor.example", roles=["sales_rep"]
    )


def _mail(**overrides) -> Outgoing:
    values = {"to": "anna@contact.example", "subject": "Angebot", "body": "Hallo"}
    return Outgoing(**{**values, **overrides})


# --- Sender identity ---------------------------------------------------------------------------


def test_a_foreign_sender_address_is_refused_on_its_field_and_nothing_is_saved(rep_client, rep):
    response = rep_client.post(
        SENDER, {"from_name": "Chef", "from_address": "ceo@bank.example", "signature": ""}
    )
    errors = response.context["form"].errors["from_address"]
    assert errors == ["Use your own address (rolf@kontor.example) or one at localhost."]
    assert not SenderIdentity.objects.exists()
    assert not AdminChange.objects.exists()


@pytest.mark.parametrize("address", ["Rolf@Kontor.example", "vertrieb@firma.example"])
def test_the_own_address_or_one_in_kontors_domain_is_saved_and_logged(
    rep_client, rep, settings, address
):
    settings.DEFAULT_FROM_EMAIL = "Kontor <kontor@firma.example>"
    response = rep_client.post(
        SENDER, {"from_name": "Rolf R.", "from_address": address, "signature": "Gruß"}
    )
    assert response.status_code == 302
    assert SenderIdentity.objects.get(user=rep).from_address == address
    entry = AdminChange.objects.get()
    assert (entry.actor, entry.area, entry.target) == (rep, "email_sender", "rolf")
    assert entry.detail["changes"]["from_address"] == ["", address]


def test_a_line_break_in_the_sender_name_is_refused(rep_client, rep):
    response = rep_client.post(
        SENDER, {"from_name": "Rolf\r\nBcc: x@evil.example", "from_address": "", "signature": ""}
    )
    assert "The sender name must be on one line." in response.context["form"].errors["from_name"]
    assert not SenderIdentity.objects.exists()


def test_a_foreign_address_stored_earlier_is_not_used_as_from(rep):
    SenderIdentity.objects.create(user=rep, from_name="A\nB", from_address="ceo@bank.example")
    from_addr, reply_to, _signature = sender_of(rep)
    assert from_addr == '"A B" <kontor@localhost>'
    assert reply_to == ["rolf@kontor.example"]


# --- Attachments -------------------------------------------------------------------------------


def test_an_attachment_is_downloaded_only_by_who_may_see_its_mail(client, rep, eve):
    pdf = Attachment("angebot.pdf", b"%PDF-1.4 Angebot", "application/pdf")
    email = send_email(_mail(attachments=[pdf]), actor=rep)
    attachment = email.attachments.get()
    url = reverse("emails:attachment", args=[attachment.pk])
    client.force_login(rep)
    assert url in client.get(email.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Angebot"
    assert response["Content-Disposition"] == 'attachment; filename="angebot.pdf"'
    client.force_login(eve)
    assert client.get(url).status_code == 404
    assert client.get(reverse("emails:attachment", args=[attachment.pk + 1])).status_code == 404


# --- Header injection --------------------------------------------------------------------------


def test_a_line_break_in_the_subject_is_refused_on_page_and_api(rep_client, rep, smtp_server):
    subject = "Angebot\r\nBcc: x@evil.example"
    response = rep_client.post(
        reverse("emails:compose"),
        {"to": "anna@contact.example", "subject": subject, "body": "Hallo", "send": "1"},
    )
    assert response.status_code == 200
    assert "The subject must be on one line." in response.context["form"].errors["subject"]
    body = {"to": "anna@contact.example", "subject": subject, "body": "Hallo"}
    refused = token_client(rep).post("/api/v1/emails/send/", body, format="json")
    assert refused.status_code == 400
    assert "The subject must be on one line." in str(refused.json())
    run_queued_tasks()
    assert not Email.objects.exists() and not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


# --- Refusals ----------------------------------------------------------------------------------


def test_a_refusal_names_no_reason_for_a_person_the_sender_cannot_see(rep, eve):
    ContactFactory(actor=rep, email1="nein@contact.example", email_opt_out=True)
    with pytest.raises(ValidationError) as refused:
        send_email(_mail(to="nein@contact.example"), actor=eve)
    assert refused.value.message_dict["to"] == ["E-mail to nein@contact.example is not possible."]
    with pytest.raises(ValidationError) as refused:
        send_email(_mail(to="nein@contact.example"), actor=rep)
    assert refused.value.message_dict["to"] == ["nein@contact.example has opted out of e-mail."]
    assert not Email.objects.exists() and not OutgoingMail.objects.exists()


def test_a_send_logged_on_a_hidden_record_is_refused_on_page_and_api(client, rep, eve):
    contact = ContactFactory(actor=rep, email1="anna@contact.example")
    client.force_login(eve)
    response = client.post(
        reverse("emails:compose"),
        {
            "parent": f"contacts:{contact.pk}",
            "to": "anna@contact.example",
            "subject": "Angebot",
            "body": "Hallo",
            "attachments": [SimpleUploadedFile("a.txt", b"hi")],
            "send": "1",
        },
    )
    assert response.status_code == 404
    body = {
        "to": "anna@contact.example",
        "subject": "Angebot",
        "body": "Hallo",
        "parent": f"contacts:{contact.pk}",
        "attachments": [{"filename": "a.txt", "content": base64.b64encode(b"hi").decode()}],
    }
    refused = token_client(eve).post("/api/v1/emails/send/", body, format="json")
    assert refused.status_code == 400
    assert "No such record." in str(refused.json())
    assert not Email.objects.exists() and not OutgoingMail.objects.exists()
