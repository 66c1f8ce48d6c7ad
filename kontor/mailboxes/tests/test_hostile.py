"""Hostile and broken mail is stored safely or reported, and never stops a poll."""

import pytest

from kontor.emails.models import Email, EmailAttachment
from kontor.mailboxes.html import sanitise
from kontor.mailboxes.models import MailboxMessage
from kontor.mailboxes.poll import poll
from kontor.mailboxes.tests.mail import mailbox_for, message

pytestmark = pytest.mark.django_db

BROKEN_MIME = (
    b"From: =?utf-8?q?Kaputt?= <broken@x.example\r\n"
    b"To: \r\nSubject: =?unknown-8bit?B?////?=\r\n"
    b"Message-ID: <broken@x.example>\r\n"
    b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
    b"--never-closed\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n%%%not base64\x00\r\n"
)

NO_HEADERS = b"\r\nJust a body, no header at all.\r\n"


def test_hostile_mail_is_stored_safely_and_the_poll_goes_on(imap_server, settings, admin):
    settings.KONTOR_MAIL_MAX_ATTACHMENT_BYTES = 10 << 20
    user = imap_server.new_user()
    imap_server.append(user, BROKEN_MIME)
    imap_server.append(user, NO_HEADERS)
    imap_server.append(
        user,
        message(
            sender='"Chef <ceo@kontor.test>" <angreifer@boese.example>',
            message_id="<script@boese.example>",
            html='<p onclick="steal()">Hallo<script>alert(1)</script>'
            '<img src="https://tracker.example/p.gif"></p>',
        ),
    )
    big = message(message_id="<big@kunde.example>", subject="Großer Anhang")
    from email import message_from_bytes, policy

    parsed = message_from_bytes(big, policy=policy.default)
    parsed.add_attachment(
        b"\0" * (30 << 20), maintype="application", subtype="octet-stream", filename="riesig.bin"
    )
    parsed.add_attachment(b"klein", maintype="text", subtype="plain", filename="klein.txt")
    imap_server.append(user, bytes(parsed))
    imap_server.append(user, message(message_id="<after@kunde.example>", subject="Danach"))
    mailbox = mailbox_for(imap_server, user)

    result = poll(mailbox)

    assert result.error == "" and result.stored == 5
    broken = Email.objects.get(message_id="broken@x.example")
    assert "malformed" in broken.description and "\x00" not in broken.description
    headless = Email.objects.get(mailbox_id=mailbox.pk, message_id="")
    assert "Just a body" in headless.description
    assert MailboxMessage.objects.get(email_id=headless.pk).message_key.startswith("sha256:")
    forged = Email.objects.get(message_id="script@boese.example")
    # the forged display name does not become the address
    assert forged.from_addr == "angreifer@boese.example"
    shown = sanitise(forged.description_html)
    assert "script" not in shown and "onclick" not in shown and "tracker" not in shown
    assert "Hallo" in shown
    big_mail = Email.objects.get(message_id="big@kunde.example")
    assert "riesig.bin (30 MB) was not stored: larger than 10 MB" in big_mail.description
    kept = EmailAttachment.objects.get(email=big_mail)
    assert (kept.filename, kept.size, kept.file.read()) == ("klein.txt", 5, b"klein")
    assert Email.objects.filter(name="Danach").exists()
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 5


def test_a_message_above_the_size_limit_is_stored_by_its_header(imap_server, settings, admin):
    settings.KONTOR_MAIL_MAX_MESSAGE_BYTES = 1000
    user = imap_server.new_user()
    imap_server.append(user, message(message_id="<huge@kunde.example>", body="x" * 5000))

    result = poll(mailbox_for(imap_server, user))

    assert (result.fetched, result.stored) == (0, 1)
    huge = Email.objects.get(message_id="huge@kunde.example")
    assert huge.name == "Anfrage" and "only its header was read" in huge.description
    assert "xxxx" not in huge.description


def test_remote_images_are_shown_only_when_asked_for():
    html = '<p>Hi<img src="https://tracker.example/p.gif" alt="Logo"><img src="cid:logo"></p>'
    assert 'src="https://tracker.example/p.gif"' not in sanitise(html)
    assert 'src="cid:logo"' in sanitise(html)
    assert 'src="https://tracker.example/p.gif"' in sanitise(html, remote_images=True)
    assert "javascript" not in sanitise('<a href="javascript:alert(1)">x</a>')
    # every image has a text alternative (the sender's, or empty: decoration)
    assert sanitise(html).count('alt="') == 2 and 'alt="Logo"' in sanitise(html)
