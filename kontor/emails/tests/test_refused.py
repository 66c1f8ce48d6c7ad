"""An SMTP server that refuses: the mail is tried again, never sent twice, and its sender sees
"send_error" with the server's answer on the mail's page."""

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from kontor.core.smtp_testing import _free_port
from kontor.core.testing_tools import run_queued_tasks
from kontor.emails import outbox
from kontor.emails.actions import Outgoing, send_email
from kontor.emails.models import OutgoingMail

pytestmark = pytest.mark.django_db


class Refusing:
    """Answers every mail with `answer` and counts the attempts."""

    def __init__(self, answer: str):
        self.answer, self.attempts = answer, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.attempts += 1
        return self.answer


@pytest.fixture
def refusing(settings, request):
    handler = Refusing(request.param)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield handler
    controller.stop()


def _send(rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = send_email(Outgoing("anna@contact.example", "Angebot", "Hallo"), actor=rep)
    run_queued_tasks()
    return email


@pytest.mark.parametrize("refusing", ["451 4.3.0 Try again later"], indirect=True)
def test_a_temporary_refusal_is_retried_then_shown_as_send_error(
    refusing, rep, rep_client, django_capture_on_commit_callbacks
):
    email = _send(rep, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (refusing.attempts, email.status) == (1, "queued")
    for _round in range(len(outbox.RETRY_MINUTES)):
        OutgoingMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        outbox.deliver_due_task.call()
    email.refresh_from_db()
    assert refusing.attempts == len(outbox.RETRY_MINUTES) + 1
    assert email.status == "send_error"
    OutgoingMail.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    outbox.deliver_due_task.call()
    assert refusing.attempts == len(outbox.RETRY_MINUTES) + 1  # never sent again
    page = rep_client.get(email.get_absolute_url()).content.decode()
    assert "This e-mail could not be sent" in page and "Try again later" in page


@pytest.mark.parametrize("refusing", ["550 5.1.1 No such user"], indirect=True)
def test_a_permanent_refusal_is_a_send_error_at_once(
    refusing, rep, django_capture_on_commit_callbacks
):
    email = _send(rep, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (refusing.attempts, email.status) == (1, "send_error")
