"""Messages and mailboxes for the mailbox tests."""

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from kontor.core import sealing
from kontor.mailboxes.models import SEAL_PURPOSE, Mailbox


def message(
    sender="Lena Lehmann <lena@kunde.example>",
    to="vertrieb@kontor.test",
    subject="Anfrage",
    body="Guten Tag",
    message_id="<m1@kunde.example>",
    html=None,
    **headers,
) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Date"] = format_datetime(timezone.now())
    if message_id:
        mail["Message-ID"] = message_id
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    if html:
        mail.add_alternative(html, subtype="html")
    return bytes(mail)


def mailbox_for(server, user, *, folder="INBOX", owner=None, **fields) -> Mailbox:
    """A mailbox of `user` on `server`, stored directly (the admin pages test saving)."""
    return Mailbox.objects.create(
        name=fields.pop("name", "Vertrieb"),
        email_address=user.address,
        host=server.host,
        port=server.port,
        security="none",
        username=user.username,
        password=sealing.seal(fields.pop("password", user.password), purpose=SEAL_PURPOSE),
        folder=folder,
        owner=owner,
        **fields,
    )
