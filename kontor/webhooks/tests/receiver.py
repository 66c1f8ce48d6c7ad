"""A local HTTP receiver of webhook deliveries for the tests, and fixtures around it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class Receiver:
    """A local HTTP server that records what it receives and answers the queued statuses."""

    def __init__(self, statuses=()):
        self.received, self.statuses = [], list(statuses)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server hook name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b'{"customer": "K-1"}' if status == 200 else b"busy")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def immediate(settings):
    """Deliveries are sent at once, in the process that enqueues them."""
    settings.TASKS = IMMEDIATE
