"""The outbox against a real SMTP server: one mail per key, retries, refusals, lost sends."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from kontor.core.smtp_testing import SMTPServer, _free_port
from kontor.core.testing_tools import run_queued_tasks
from kontor.emails import outbox
from kontor.emails.models import OutgoingMail

pytestmark = pytest.mark.django_db


def _message(to="anna@example.com", subject="Hallo"):
    return EmailMessage(subject, "Text", "kontor@example.com", [to])


class RefusingServer(SMTPServer):
    """A real SMTP server that answers RCPT with `answer` until it is set to None."""

    answer: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.answer:
            return self.answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server(settings):
    server = RefusingServer("127.0.0.1", _free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield server
    finally:
        controller.stop()


def _due_now(mail):
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())


def test_the_same_key_is_stored_and_sent_once(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.send_once("reminder:1:7", _message())
        again = outbox.send_once("reminder:1:7", _message(subject="Zweite Fassung"))
    assert again.pk == first.pk
    run_queued_tasks()
    outbox.deliver_due_task.call()
    (received,) = smtp_server.wait_for(1)
    assert received["Subject"] == "Hallo"
    assert received["Message-ID"]
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.attempts, mail.sent_at is not None) == ("sent", 1, True)
    assert outbox.deliver(mail.pk) == "sent"
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_action_queues_nothing(smtp_server, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.send_once("invitation:x", _message())
        raise RuntimeError("the action failed")
    run_queued_tasks()
    outbox.deliver_due_task.call()
    assert not OutgoingMail.objects.exists()
    assert smtp_server.messages == []


def test_a_temporary_refusal_is_retried_and_then_sent(refusing_server):
    refusing_server.answer = "450 Mailbox busy"
    mail = outbox.send_once("notification:5", _message())
    assert outbox.deliver(mail.pk) == "queued"
    mail.refresh_from_db()
    assert mail.attempts == 1 and "450 Mailbox busy" in mail.last_error
    assert mail.next_attempt_at > timezone.now() + timedelta(seconds=50)
    outbox.deliver_due_task.call()  # not due yet: nothing is tried
    mail.refresh_from_db()
    assert mail.attempts == 1
    refusing_server.answer = None
    _due_now(mail)
    outbox.deliver_due_task.call()
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert len(refusing_server.wait_for(1)) == 1


def test_a_permanent_refusal_fails_at_once_and_tells_the_listener(refusing_server):
    seen = []
    outbox.on_result("probe:", seen.append)
    try:
        refusing_server.answer = "550 No such user"
        mail = outbox.send_once("probe:1", _message(to="nobody@example.com"))
        assert outbox.deliver(mail.pk) == "failed"
    finally:
        outbox._listeners.pop()
    mail.refresh_from_db()
    assert mail.status == "failed" and "550 No such user" in mail.last_error
    assert [m.key for m in seen] == ["probe:1"]
    assert refusing_server.messages == []


def test_an_unreachable_server_is_tried_five_times_then_fails(settings):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 2
    mail = outbox.send_once("digest:1", _message())
    statuses = []
    for _ in range(len(outbox.RETRY_MINUTES) + 1):
        _due_now(mail)
        statuses.append(outbox.deliver(mail.pk))
    assert statuses == ["queued"] * len(outbox.RETRY_MINUTES) + ["failed"]
    mail.refresh_from_db()
    assert mail.attempts == 5 and "ConnectionRefusedError" in mail.last_error


def test_a_send_lost_with_its_worker_is_failed_not_sent_again(smtp_server):
    mail = outbox.send_once("invitation:lost", _message())
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status="sending", claimed_at=timezone.now() - outbox.STALE - timedelta(minutes=1)
    )
    outbox.deliver_due_task.call()
    mail.refresh_from_db()
    assert mail.status == "failed" and "stopped while sending" in mail.last_error
    assert outbox.deliver(mail.pk) == "failed"
    assert smtp_server.messages == []


def test_a_mail_without_recipients_is_refused():
    with pytest.raises(ValueError):
        outbox.send_once("nobody", EmailMessage("Betreff", "Text", "kontor@example.com", []))
    assert not OutgoingMail.objects.exists()
