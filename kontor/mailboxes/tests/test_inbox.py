"""The unmatched inbox: who sees which mail, "Create lead", "Dismiss" and "Mark private"."""

import pytest
from django.test import Client
from django.urls import reverse

from kontor.emails.models import Email, EmailLink
from kontor.leads.models import Lead
from kontor.mailboxes.models import MailboxMessage
from kontor.mailboxes.poll import poll
from kontor.mailboxes.tests.mail import mailbox_for, message
from kontor.users.actions import create_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(db):
    """Petra, signed in but without a role: no leads."""
    return create_user("petra", password="pw-petra-123!", last_name="Petra", roles=[])


@pytest.fixture
def shared(imap_server, admin):
    user = imap_server.new_user()
    imap_server.append(
        user, message(sender="Nina Neu <nina@neu.example>", message_id="<n1@neu.example>")
    )
    imap_server.append(
        user, message(sender="spam@werbung.example", message_id="<s1@werbung.example>")
    )
    mailbox = mailbox_for(imap_server, user)
    poll(mailbox)
    return mailbox


def waiting(mailbox, key):
    return MailboxMessage.objects.get(mailbox=mailbox, message_key=key)


def test_the_inbox_lists_unmatched_mail_of_shared_mailboxes(
    rep_client, shared, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = rep_client.get(reverse("mailboxes:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Nina Neu" in text and "spam@werbung.example" in text


def test_create_lead_makes_a_lead_from_the_sender_and_links_the_mail(rep_client, rep, shared):
    item = waiting(shared, "n1@neu.example")

    answer = rep_client.post(reverse("mailboxes:create-lead", args=[item.pk]))

    lead = Lead.objects.get(email1="nina@neu.example")
    assert answer.status_code == 302 and answer["Location"].endswith(f"/leads/{lead.pk}/")
    assert (lead.first_name, lead.last_name, lead.assigned_user, lead.lead_source) == (
        "Nina",
        "Neu",
        rep,
        "Email",
    )
    email = Email.objects.get(pk=item.email_id)
    assert email.parent_id == lead.pk
    assert EmailLink.objects.filter(email=email, object_id=lead.pk).exists()
    assert waiting(shared, "n1@neu.example").state == MailboxMessage.LINKED
    inbox = rep_client.get(reverse("mailboxes:inbox")).content.decode()
    assert reverse("mailboxes:message", args=[item.pk]) not in inbox
    # a second click creates nothing more
    rep_client.post(reverse("mailboxes:create-lead", args=[item.pk]))
    assert Lead.objects.filter(email1="nina@neu.example").count() == 1


def test_dismiss_hides_the_mail(rep_client, shared):
    item = waiting(shared, "s1@werbung.example")

    rep_client.post(reverse("mailboxes:dismiss", args=[item.pk]))

    assert waiting(shared, "s1@werbung.example").state == MailboxMessage.DISMISSED
    assert "spam@werbung.example" not in rep_client.get(reverse("mailboxes:inbox")).content.decode()
    assert Email.objects.filter(pk=item.email_id).exists()


def test_someone_who_may_not_create_leads_sees_and_changes_nothing(client, outsider, shared):
    client.force_login(outsider)
    item = waiting(shared, "n1@neu.example")

    assert "Nina Neu" not in client.get(reverse("mailboxes:inbox")).content.decode()
    assert client.get(reverse("mailboxes:message", args=[item.pk])).status_code == 404
    assert client.post(reverse("mailboxes:create-lead", args=[item.pk])).status_code == 404
    assert client.post(reverse("mailboxes:dismiss", args=[item.pk])).status_code == 404
    assert not Lead.objects.exists()
    assert waiting(shared, "n1@neu.example").state == MailboxMessage.UNMATCHED


def test_a_personal_mailbox_is_its_owners_and_can_be_private(imap_server, rep, admin, rep_client):
    user = imap_server.new_user()
    imap_server.append(user, message(sender="freund@privat.example", message_id="<p1@x>"))
    mine = mailbox_for(imap_server, user, owner=rep, private_default=True)
    poll(mine)
    item = waiting(mine, "p1@x")
    email = Email.objects.get(pk=item.email_id)
    assert (email.assigned_user, email.private) == (rep, True)

    client = Client()
    client.force_login(admin)  # an admin, but not the owner
    assert "freund@privat.example" not in client.get(reverse("mailboxes:inbox")).content.decode()
    assert (
        client.post(reverse("mailboxes:private", args=[item.pk]), {"private": "0"}).status_code
        == 404
    )
    assert Email.objects.get(pk=email.pk).private is True

    page = rep_client.get(reverse("mailboxes:message", args=[item.pk]))
    assert page.status_code == 200 and "freund@privat.example" in page.content.decode()
    rep_client.post(reverse("mailboxes:private", args=[item.pk]), {"private": "0"})
    assert Email.objects.get(pk=email.pk).private is False


def test_a_linked_mail_is_not_read_through_the_inbox_by_someone_outside_its_records(
    imap_server, admin
):
    """Rita may create leads but sees only her team's: a shared mail linked to Ada's lead is
    hers neither on the inbox's mail page nor through its actions, page or API."""
    from kontor.leads.tests.factories import LeadFactory

    rita = create_user("rita", password="pw-rita-123!", last_name="Rita", roles=["sales_rep"])
    lead = LeadFactory(last_name="Lehmann", email1="lena@kunde.example", actor=admin)
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<geheim@kunde.example>"))
    mailbox = mailbox_for(imap_server, user)
    poll(mailbox)
    item = waiting(mailbox, "geheim@kunde.example")
    assert item.state == MailboxMessage.LINKED
    assert not Lead.objects.visible_to(rita, "view").filter(pk=lead.pk).exists()
    client = Client()
    client.force_login(rita)

    assert client.get(reverse("mailboxes:message", args=[item.pk])).status_code == 404
    assert client.post(reverse("mailboxes:dismiss", args=[item.pk])).status_code == 404
    assert client.post(reverse("api-mailbox-dismiss", args=[item.pk])).status_code == 404
    assert client.post(reverse("api-mailbox-create-lead", args=[item.pk])).status_code == 404
    assert waiting(mailbox, "geheim@kunde.example").state == MailboxMessage.LINKED
    assert list(Lead.objects.values_list("pk", flat=True)) == [lead.pk]


def test_create_lead_on_a_mail_deleted_meanwhile_says_so_and_creates_nothing(
    rep_client, admin, shared
):
    from kontor.core.actions import delete_records

    item = waiting(shared, "n1@neu.example")
    delete_records([Email.objects.get(pk=item.email_id)], actor=admin)

    answer = rep_client.post(reverse("mailboxes:create-lead", args=[item.pk]), follow=True)

    assert answer.status_code == 200
    assert "This e-mail was deleted meanwhile." in answer.content.decode()
    assert not Lead.objects.exists()
    assert waiting(shared, "n1@neu.example").state == MailboxMessage.UNMATCHED
    api = rep_client.post(reverse("api-mailbox-create-lead", args=[item.pk]))
    assert api.status_code == 400, api.content
    assert api.json()["errors"] == {"non_field_errors": ["This e-mail was deleted meanwhile."]}
    assert not Lead.objects.exists()
