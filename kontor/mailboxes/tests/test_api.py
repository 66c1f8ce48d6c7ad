"""/api/v1/mailboxes/: the same rules as the pages, as JSON."""

import pytest
from django.urls import reverse

from kontor.leads.models import Lead
from kontor.mailboxes.models import Mailbox, MailboxMessage
from kontor.mailboxes.poll import poll
from kontor.mailboxes.tests.mail import mailbox_for, message
from kontor.mailboxes.tests.test_settings_pages import form_data

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_shared_mailbox_and_never_reads_its_password(admin_client, imap_server):
    user = imap_server.new_user()
    body = {**form_data(imap_server, user), "active": True}

    created = admin_client.post(reverse("api-mailboxes"), body, content_type="application/json")

    assert created.status_code == 201, created.json()
    assert "password" not in created.json() and created.json()["personal"] is False
    listed = admin_client.get(reverse("api-mailboxes")).json()["results"]
    assert [m["email_address"] for m in listed] == [user.address]
    assert user.password not in admin_client.get(reverse("api-mailboxes")).content.decode()


def test_a_refused_sign_in_is_a_400_and_saves_nothing(admin_client, imap_server):
    user = imap_server.new_user()
    body = {**form_data(imap_server, user, password="falsch"), "active": True}

    answer = admin_client.post(reverse("api-mailboxes"), body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json()["errors"] == {
        "non_field_errors": ["The server refused the user name or password."]
    }
    assert not Mailbox.objects.exists()


def test_a_port_outside_tcp_is_refused_on_its_field_and_saves_nothing(admin_client, imap_server):
    body = {**form_data(imap_server, imap_server.new_user()), "active": False, "port": 70000}

    answer = admin_client.post(reverse("api-mailboxes"), body, content_type="application/json")

    assert answer.status_code == 400
    assert "port" in answer.json()["errors"]
    assert not Mailbox.objects.exists()


def test_a_user_keeps_only_their_own_mailbox(rep_client, rep, imap_server):
    user = imap_server.new_user()
    body = {**form_data(imap_server, user), "active": True}

    shared = rep_client.post(reverse("api-mailboxes"), body, content_type="application/json")
    own = rep_client.post(
        reverse("api-mailboxes"), {**body, "personal": True}, content_type="application/json"
    )

    assert shared.status_code == 404
    assert own.status_code == 201 and Mailbox.objects.get().owner == rep


def test_the_inbox_and_create_lead(rep_client, imap_server, admin):
    user = imap_server.new_user()
    imap_server.append(user, message(sender="Olga Ost <olga@ost.example>", message_id="<o@x>"))
    poll(mailbox_for(imap_server, user))

    items = rep_client.get(reverse("api-mailbox-inbox")).json()["results"]
    assert [(i["from_addr"], i["from_name"]) for i in items] == [("olga@ost.example", "Olga Ost")]
    created = rep_client.post(reverse("api-mailbox-create-lead", args=[items[0]["id"]]))

    assert created.status_code == 201
    assert Lead.objects.get(pk=created.json()["lead"]).email1 == "olga@ost.example"
    assert MailboxMessage.objects.get().state == MailboxMessage.LINKED
    assert rep_client.get(reverse("api-mailbox-inbox")).json()["results"] == []
