"""Send an e-mail once, whoever asks and however often: the outbox of every mail Kontor sends.

For apps that send mail (invitations, reminders, notifications, composed e-mails):
`send_once(key, message)` inside the action's transaction stores the rendered message under a
key naming what it is ("invitation:<meeting>:<invitee>:<sequence>"). A second call with the
same key stores nothing, so a retried job or a repeated event never sends a second copy. After
the commit a task worker sends it through Django's mail settings (SMTP from `EMAIL_HOST` …);
a refused or timed-out send is tried again after 1, 5, 15 and 60 minutes by the periodic job
`emails.deliver_due`, then marked failed with the server's answer. A permanent refusal (a 5xx
answer) fails at once. An app that wants to know the outcome registers `on_result(prefix, fn)`.

Each send is claimed first (compare-and-set from queued to sending), so two workers never send
one mail. A worker that dies while sending leaves the mail "sending": after STALE it is marked
failed, not sent again, because the server may have accepted it (at most once, not at least).
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from kontor.emails.models import OutgoingMail

log = logging.getLogger(__name__)

#: Minutes to wait before the 2nd, 3rd … attempt; after the last one the mail has failed.
RETRY_MINUTES = (1, 5, 15, 60)
#: A mail still "sending" this long after its claim was lost with its worker.
STALE = timedelta(minutes=15)
#: Mails one run of the periodic job sends at most (the next minute's run takes the rest).
BATCH = 200

_listeners: list[tuple[str, Callable[[OutgoingMail], None]]] = []


def on_result(prefix: str, listener: Callable[[OutgoingMail], None]) -> None:
    """Call `listener(mail)` when a mail whose key starts with `prefix` is sent or has failed
    for good (in the worker that sent it, outside any transaction of the sender's)."""
    _listeners.append((prefix, listener))


def send_once(key: str, message: EmailMessage) -> OutgoingMail:
    """Store `message` for sending under `key`, unless a mail with that key exists (returned)."""
    recipients = list(message.recipients())
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    content = message.message().as_bytes(linesep="\r\n")
    mail, created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "sender": message.from_email,
            "recipients": recipients,
            "subject": str(message.subject)[:255],
            "content": content,
            "next_attempt_at": timezone.now(),
        },
    )
    if created:
        transaction.on_commit(lambda: deliver_task.enqueue(mail.pk))
    return mail


@task()
def deliver_task(mail_id: int) -> None:
    """Send one queued mail now (queued by `send_once` after the commit)."""
    deliver(mail_id)


@task()
def deliver_due_task() -> None:
    """The periodic job: give up on lost sends, then send every due mail, oldest first."""
    now = timezone.now()
    lost = OutgoingMail.objects.filter(
        status=OutgoingMail.Status.SENDING, claimed_at__lt=now - STALE
    )
    for mail in lost:
        _finish(
            mail, OutgoingMail.Status.FAILED, "the worker stopped while sending; not sent again"
        )
    due = OutgoingMail.objects.filter(status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now)
    for mail_id in due.order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH]:
        deliver(mail_id)


def deliver(mail_id: int) -> str:
    """Send the mail if it is due and nobody else is sending it; returns its status after."""
    now = timezone.now()
    claimed = OutgoingMail.objects.filter(
        pk=mail_id, status=OutgoingMail.Status.QUEUED, next_attempt_at__lte=now
    ).update(status=OutgoingMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    mail = OutgoingMail.objects.get(pk=mail_id)
    if not claimed:
        return mail.status
    try:
        get_connection(fail_silently=False).send_messages([_Stored(mail)])
    except (smtplib.SMTPException, OSError) as error:
        reason = _describe(error)
        if _permanent(error) or mail.attempts > len(RETRY_MINUTES):
            log.warning("mail %s failed for good: %s", mail.key, reason)
            return _finish(mail, OutgoingMail.Status.FAILED, reason)
        wait = timedelta(minutes=RETRY_MINUTES[mail.attempts - 1])
        OutgoingMail.objects.filter(pk=mail.pk).update(
            status=OutgoingMail.Status.QUEUED, last_error=reason, next_attempt_at=now + wait
        )
        log.info("mail %s refused (%s); trying again in %s", mail.key, reason, wait)
        return OutgoingMail.Status.QUEUED
    return _finish(mail, OutgoingMail.Status.SENT, "")


def _finish(mail: OutgoingMail, status: str, error: str) -> str:
    mail.status, mail.sent_at = status, timezone.now() if status == "sent" else None
    mail.last_error = error or mail.last_error
    mail.save(update_fields=["status", "sent_at", "last_error"])
    for prefix, listener in _listeners:
        if mail.key.startswith(prefix):
            try:
                listener(mail)
            except Exception:  # one listener's failure must not hide the outcome from others
                log.exception("outbox listener for %s failed on %s", prefix, mail.key)
    return status


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(text)}" for address, (code, text) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:1000]


def _text(answer) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


class _Stored:
    """A stored mail in the shape Django's mail backends send (SMTP, console, in-memory)."""

    encoding = None

    def __init__(self, mail: OutgoingMail):
        self.from_email, self._recipients = mail.sender, mail.recipients
        self.subject, self._content = mail.subject, bytes(mail.content)

    def recipients(self) -> list[str]:
        return self._recipients

    def message(self):
        return _Bytes(self._content)


class _Bytes:
    def __init__(self, content: bytes):
        self._content = content

    def as_bytes(self, linesep: str = "\n") -> bytes:
        return self._content.replace(b"\r\n", linesep.encode())

    def get_charset(self):
        return None  # the console backend's question; the bytes carry their own charsets
