"""The E-mails module's standard tests (archived mails through the generic pages), who sees a
mail (through its linked records, private ones only their owner) and the API's send verb."""

import base64

import pytest
from django.contrib.contenttypes.models import ContentType

from kontor.api.tests.conftest import token_client
from kontor.contacts.tests.factories import ContactFactory
from kontor.core.testing import Invalid, RecordModuleTests
from kontor.emails.models import Email, EmailLink, EmailTemplate
from kontor.emails.tests.factories import EmailFactory
from kontor.users.actions import create_user


class TestEmailModule(RecordModuleTests):
    module_slug = "emails"
    factory = EmailFactory
    edit = ("name", "Neues Angebot")
    invalid_cases = [
        Invalid(
            "unknown-type",
            {"type": "fax"},
            "type",
            "Select a valid choice. fax is not one of the available choices.",
        ),
        Invalid("missing-status", {"status": None}, "status", "This field is required."),
    ]
    query_counts = {"list": 5, "detail": 8, "timeline": 5, "related": 4}

    def valid_data(self):
        return {
            "name": "Telefonnotiz als Mail",
            "type": "archived",
            "status": "archived",
            "from_addr": "kunde@example.org",
            "to_addrs": "rolf@kontor.example",
            "description": "Archiviert",
        }


def _link(email, record):
    EmailLink.objects.create(
        email=email, content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    )


@pytest.mark.django_db
def test_a_mail_is_seen_through_a_linked_record_and_a_private_one_by_its_owner_only(admin):
    owner = create_user("olga", password="pw-olga-123!", roles=["sales_rep"])
    reader = create_user("rudi", password="pw-rudi-123!", roles=["sales_rep"])
    contact = ContactFactory(actor=reader)
    shared = EmailFactory(actor=owner)
    private = EmailFactory(actor=owner, private=True)
    unlinked = EmailFactory(actor=owner)
    _link(shared, contact)
    _link(private, contact)
    assert set(Email.objects.visible_to(reader)) == {shared}
    assert set(Email.objects.visible_to(owner)) == {shared, private, unlinked}
    assert set(Email.objects.visible_to(reader, "edit")) == set()
    assert Email.objects.visible_to(admin).count() == 3 - 1  # private: its owner's only


@pytest.mark.django_db
def test_the_api_sends_and_refuses_with_field_errors(
    rep, smtp_server, django_capture_on_commit_callbacks
):
    contact = ContactFactory(actor=rep, email1="anna@contact.example")
    api = token_client(rep)
    body = {
        "to": "anna@contact.example",
        "subject": "Angebot",
        "body": "Hallo",
        "parent": f"contacts:{contact.pk}",
        "attachments": [{"filename": "a.txt", "content": base64.b64encode(b"hi").decode()}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post("/api/v1/emails/send/", body, format="json")
    assert sent.status_code == 201, sent.json()
    email = Email.objects.get()
    assert sent.json()["id"] == str(email.pk) and email.attachments.count() == 1
    refused = api.post("/api/v1/emails/send/", {**body, "to": "kein-mail"}, format="json")
    assert refused.status_code == 400
    assert "kein-mail is not a valid e-mail address." in str(refused.json())
    assert Email.objects.count() == 1


@pytest.mark.django_db
def test_templates_api_is_for_admins_only(rep, admin):
    body = {"name": "Hallo", "language": "de", "subject": "Hallo $contact_first_name", "body": "x"}
    assert (
        token_client(rep).post("/api/v1/email-templates/", body, format="json").status_code == 404
    )
    created = token_client(admin).post("/api/v1/email-templates/", body, format="json")
    assert created.status_code == 201
    assert EmailTemplate.objects.get().subject == "Hallo $contact_first_name"


@pytest.mark.django_db
def test_template_admin_pages_are_for_admins_only(rep_client, client, admin):
    assert rep_client.get("/emails/templates/").status_code == 404
    client.force_login(admin)
    response = client.post(
        "/emails/templates/new/",
        {"name": "Angebot", "language": "en", "type": "email", "subject": "Offer", "body": "Hi"},
    )
    assert response.status_code == 302
    assert "Offer" in client.get("/emails/templates/").content.decode()
