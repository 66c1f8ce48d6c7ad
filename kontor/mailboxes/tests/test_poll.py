"""Polling a real Dovecot mailbox: what is stored, linked and remembered, and what is not."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from kontor.accounts.tests.factories import AccountFactory
from kontor.contacts.tests.factories import ContactFactory
from kontor.emails.models import Email, EmailLink
from kontor.leads.models import Lead
from kontor.leads.tests.factories import LeadFactory
from kontor.mailboxes import actions
from kontor.mailboxes.models import Mailbox, MailboxMessage
from kontor.mailboxes.poll import poll, poll_all
from kontor.mailboxes.tests.mail import mailbox_for, message

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def records(admin):
    return {
        "lead": LeadFactory(last_name="Lehmann", email1="lena@kunde.example", actor=admin),
        "contact": ContactFactory(last_name="Cordes", email1="carl@firma.example", actor=admin),
        "account": AccountFactory(name="Firma GmbH", email1="info@firma.example", actor=admin),
    }


def linked(email):
    return {
        (ContentType.objects.get_for_id(ct).model, pk)
        for ct, pk in EmailLink.objects.filter(email=email).values_list(
            "content_type_id", "object_id"
        )
    }


def test_poll_stores_links_and_remembers_the_last_uid(imap_server, records):
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<a@kunde.example>"))
    imap_server.append(
        user,
        message(sender="carl@firma.example", to=user.address, message_id="<b@firma.example>"),
    )
    imap_server.append(
        user,
        message(
            sender="x@fremd.example",
            to=f"{user.address}, info@firma.example",
            cc="Lena <LENA@kunde.example>",
            message_id="<c@fremd.example>",
        ),
    )
    mailbox = mailbox_for(imap_server, user)

    result = poll(mailbox)

    assert (result.fetched, result.stored, result.error) == (3, 3, "")
    by_id = {e.message_id: e for e in Email.objects.all()}
    assert set(by_id) == {"a@kunde.example", "b@firma.example", "c@fremd.example"}
    assert linked(by_id["a@kunde.example"]) == {("lead", records["lead"].pk)}
    assert linked(by_id["b@firma.example"]) == {("contact", records["contact"].pk)}
    assert linked(by_id["c@fremd.example"]) == {
        ("lead", records["lead"].pk),
        ("account", records["account"].pk),
    }
    first = by_id["a@kunde.example"]
    assert (first.type, first.status, first.mailbox_id) == ("inbound", "unread", mailbox.pk)
    assert first.parent_id == records["lead"].pk and first.thread_id == first.pk
    assert first.from_name == "Lena Lehmann" and first.description.strip() == "Guten Tag"
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 3 and mailbox.uidvalidity == imap_server.uidvalidity(user)
    assert mailbox.last_polled_at is not None and mailbox.last_error == ""

    again = poll(mailbox)
    assert (again.fetched, again.stored) == (0, 0)
    assert Email.objects.count() == 3

    uid = imap_server.append(user, message(message_id="<d@kunde.example>", subject="Nachtrag"))
    newest = poll(mailbox)
    assert (newest.fetched, newest.stored) == (1, 1)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == uid == 4
    assert Email.objects.filter(name="Nachtrag").count() == 1
    assert MailboxMessage.objects.filter(mailbox=mailbox).count() == 4


def test_a_new_uidvalidity_resyncs_by_message_id_without_duplicates(imap_server, records):
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<one@kunde.example>"), folder="Work")
    imap_server.append(user, message(message_id="<two@kunde.example>"), folder="Work")
    mailbox = mailbox_for(imap_server, user, folder="Work")
    assert poll(mailbox).stored == 2
    before = imap_server.uidvalidity(user, "Work")

    imap_server.recreate_folder(user, "Work")
    for key in ("one", "two", "three"):
        imap_server.append(user, message(message_id=f"<{key}@kunde.example>"), folder="Work")
    assert imap_server.uidvalidity(user, "Work") != before

    result = poll(mailbox)

    # the two known ones are recognised by their header; only the new one is downloaded
    assert (result.fetched, result.stored) == (1, 1)
    assert sorted(Email.objects.values_list("message_id", flat=True)) == [
        "one@kunde.example",
        "three@kunde.example",
        "two@kunde.example",
    ]
    mailbox.refresh_from_db()
    assert (mailbox.uidvalidity, mailbox.last_uid) == (imap_server.uidvalidity(user, "Work"), 3)


def test_a_wrong_password_is_recorded_and_the_others_go_on(imap_server, records):
    good, bad = imap_server.new_user(), imap_server.new_user()
    imap_server.append(good, message(message_id="<ok@kunde.example>"))
    imap_server.append(bad, message(message_id="<never@kunde.example>"))
    broken = mailbox_for(imap_server, bad, name="Falsch", password="not-the-password")
    working = mailbox_for(imap_server, good, name="Richtig")

    results = poll_all()

    assert results[bad.address].error == "The server refused the user name or password."
    assert results[good.address].stored == 1
    broken.refresh_from_db()
    assert broken.error_message == "The server refused the user name or password."
    with translation.override("de"):  # shown in the reader's language, not the worker's
        assert broken.error_message == "Der Server hat Benutzername oder Passwort abgelehnt."
    assert broken.last_error_at is not None
    assert (broken.uidvalidity, broken.last_uid) == (None, 0)
    assert not MailboxMessage.objects.filter(mailbox=broken).exists()
    assert list(Email.objects.values_list("message_id", flat=True)) == ["ok@kunde.example"]
    assert Mailbox.objects.get(pk=working.pk).last_error == ""


def test_an_unreachable_server_is_recorded(imap_server, records):
    user = imap_server.new_user()
    mailbox = mailbox_for(imap_server, user)
    Mailbox.objects.filter(pk=mailbox.pk).update(port=1)
    mailbox.refresh_from_db()

    result = poll(mailbox)

    assert result.error == f"The server {imap_server.host}:1 could not be reached."
    assert Mailbox.objects.get(pk=mailbox.pk).error_message == result.error
    assert not Email.objects.exists()


def test_a_reply_to_a_stored_mail_joins_its_thread_and_records(imap_server, records, admin):
    from kontor.core.actions import save_record

    lead = records["lead"]
    sent = save_record(
        Email(
            name="Angebot",
            type="out",
            status="sent",
            from_addr="vertrieb@kontor.test",
            to_addrs="lena@kunde.example",
            message_id="sent-1@kontor.test",
            parent_type=ContentType.objects.get_for_model(Lead),
            parent_id=lead.pk,
        ),
        actor=admin,
    )
    EmailLink.objects.create(
        email=sent, content_type=ContentType.objects.get_for_model(Lead), object_id=lead.pk
    )
    user = imap_server.new_user()
    # from an address no record has: the thread alone links it
    imap_server.append(
        user,
        message(
            sender="privat@anders.example",
            subject="Re: Angebot",
            message_id="<reply@anders.example>",
            In_Reply_To="<sent-1@kontor.test>",
            References="<sent-1@kontor.test>",
        ),
    )

    poll(mailbox_for(imap_server, user))

    reply = Email.objects.get(message_id="reply@anders.example")
    assert linked(reply) == {("lead", lead.pk)}
    assert reply.thread_id == sent.pk and reply.in_reply_to == "sent-1@kontor.test"
    assert MailboxMessage.objects.get(email_id=reply.pk).state == MailboxMessage.LINKED


def test_a_mailbox_being_polled_is_not_polled_twice(imap_server, records):
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<once@kunde.example>"))
    mailbox = mailbox_for(imap_server, user)
    assert actions.claim_poll(mailbox)  # another worker's poll is running

    assert poll(mailbox).skipped
    assert not Email.objects.exists()

    Mailbox.objects.filter(pk=mailbox.pk).update(
        polling_since=timezone.now() - actions.POLL_LEASE - timedelta(seconds=1)
    )
    assert poll(mailbox).stored == 1  # that worker died: its claim lapsed
    assert Mailbox.objects.get(pk=mailbox.pk).polling_since is None


def test_an_unexpected_failure_in_one_mailbox_is_recorded_and_the_others_go_on(
    imap_server, records, caplog
):
    good = imap_server.new_user()
    imap_server.append(good, message(message_id="<weiter@kunde.example>"))
    # a host name with a label too long for IDNA: the socket layer raises UnicodeError
    broken = mailbox_for(imap_server, imap_server.new_user(), name="Kaputt")
    Mailbox.objects.filter(pk=broken.pk).update(host="x" * 70 + ".de")
    working = mailbox_for(imap_server, good, name="Richtig")

    results = poll_all()

    assert results[working.email_address].stored == 1
    assert results[broken.email_address].error.startswith(
        "Reading the mailbox failed unexpectedly: UnicodeError"
    )
    broken.refresh_from_db()
    assert broken.error_message == results[broken.email_address].error
    assert broken.last_error_at is not None and broken.polling_since is None
    assert any(r.exc_info and broken.email_address in r.getMessage() for r in caplog.records)
    assert list(Email.objects.values_list("message_id", flat=True)) == ["weiter@kunde.example"]
