"""A real SMTP server for tests of Kontor's e-mails (the `smtp_server` fixture, in conftest.py).

The fixture starts aiosmtpd on a free local port, points Django's SMTP backend at it (for the
test and a live server in the same process) and yields the server: `messages` are the mails it
received, parsed (`email.message.EmailMessage`), and `wait_for(n)` waits until n have arrived
(mail a background task or another thread sends arrives a little later).
"""

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest


class SMTPServer:
    """What a test sees of the server: where it listens and what it received."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._arrived:
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The received messages once there are at least `count` (AssertionError after
        `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} of {count} mails arrived in {timeout} s"
                self._arrived.wait(left)
            return list(self.messages)


def body_of(message: EmailMessage) -> str:
    """The plain-text body of a received message."""
    return message.get_body(preferencelist=("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that Django's mail goes to for this test."""
    from aiosmtpd.controller import Controller

    server = SMTPServer("127.0.0.1", _free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield server
    finally:
        controller.stop()
