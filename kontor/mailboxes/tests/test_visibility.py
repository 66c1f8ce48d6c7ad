"""Who sees received mail: whoever may see a linked record; a private one only its owner."""

import pytest

from kontor.emails.models import Email
from kontor.leads.tests.factories import LeadFactory
from kontor.mailboxes.poll import poll
from kontor.mailboxes.tests.mail import mailbox_for, message
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    """Sven, a sales manager too: sees every lead."""
    return create_user("sven", password="pw-sven-123!", last_name="Sven", roles=["sales_manager"])


def test_personal_mail_is_seen_with_its_lead_unless_private(imap_server, rep, colleague, admin):
    LeadFactory(last_name="Lehmann", email1="lena@kunde.example", actor=admin)
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<open@kunde.example>"))
    mailbox = mailbox_for(imap_server, user, owner=rep)
    poll(mailbox)
    mailbox.private_default = True
    mailbox.save()
    imap_server.append(user, message(message_id="<secret@kunde.example>"))
    poll(mailbox)

    def seen_by(person):
        return set(Email.objects.visible_to(person, "view").values_list("message_id", flat=True))

    assert seen_by(rep) == {"open@kunde.example", "secret@kunde.example"}
    assert seen_by(colleague) == {"open@kunde.example"}


def test_a_sales_rep_sees_shared_mail_through_its_lead_only(imap_server, admin):
    """Reps see the e-mails of their team's records (their role's scope): a mail of a shared
    mailbox reaches them through the lead it is linked to, an unmatched one not at all."""
    rep = create_user("rita", password="pw-rita-123!", last_name="Rita", roles=["sales_rep"])
    LeadFactory(last_name="Lehmann", email1="lena@kunde.example", actor=rep)
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<lead@kunde.example>"))
    imap_server.append(user, message(sender="niemand@nirgends.example", message_id="<no@x>"))
    poll(mailbox_for(imap_server, user))

    assert Email.objects.count() == 2
    seen = Email.objects.visible_to(rep, "view").values_list("message_id", flat=True)
    assert list(seen) == ["lead@kunde.example"]


def test_the_owner_marks_a_received_mail_private_on_its_page(
    imap_server, rep, rep_client, colleague, admin
):
    from django.test import Client
    from django.urls import reverse

    LeadFactory(last_name="Lehmann", email1="lena@kunde.example", actor=admin)
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<mine@kunde.example>"))
    poll(mailbox_for(imap_server, user, owner=rep))
    email = Email.objects.get()
    page = reverse("emails:detail", args=[email.pk])
    toggle = reverse("mailboxes:email-private", args=[email.pk])
    other = Client()
    other.force_login(colleague)

    assert 'id="mail-private"' in rep_client.get(page).content.decode()
    assert 'id="mail-private"' not in other.get(page).content.decode()
    assert other.post(toggle, {"private": "1"}).status_code == 404
    assert Email.objects.get().private is False

    assert rep_client.post(toggle, {"private": "1"})["Location"] == page
    assert Email.objects.get().private is True
    assert other.get(page).status_code == 404
