"""Structured logs for operators: a request id on every request, and one JSON object per line.

Every request gets an id: the `X-Request-ID` a trusted reverse proxy sent (only when
`KONTOR_NUM_PROXIES` says one is in front, and only a sane one), or a new one. It is returned
in the response's `X-Request-ID` header, attached to every log line written while the request
runs and carried into the background jobs the request queues (`kontor.core.jobs`), so one
id finds the proxy's access line, the app's lines and the job's lines.

With `LOG_FORMAT=json` (kontor/settings.py) each record is written as one JSON object per line
(`JsonFormatter`) and every request adds an access line (logger `kontor.request`, INFO): time,
level, logger, message, request_id, user_id, method, path, status, duration_ms. Plain text stays
the default for `make run`. docs/operations.md, "Logs".
"""

import contextvars
import json
import logging
import re
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty
from django.utils.log import log_response

access_log = logging.getLogger("kontor.request")

_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "kontor_log_context", default=None
)

# What a proxy may send as an id: no spaces, quotes or control characters that could forge
# or break a log line, and short enough for any log store.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=/-]{8,128}")

#: The fields a record may carry besides the message, in the order they are written.
FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms", "task")

#: (pattern, replacement) pairs for URLs that carry a secret, registered by the apps that own them.
_secret_paths: list[tuple[re.Pattern, str]] = []


def hide_in_paths(pattern: str, replacement: str) -> None:
    """For an app whose URLs carry a secret (a password-reset token): every log line shows the
    path with `pattern` replaced by `replacement`, so log files and log stores never hold a
    link that still works."""
    _secret_paths.append((re.compile(pattern), replacement))


def shown_path(path: str) -> str:
    """`path` as the logs show it: with the registered secrets hidden."""
    for pattern, replacement in _secret_paths:
        path = pattern.sub(replacement, path)
    return path


def current_request_id() -> str:
    """The id of the request (or of the request that queued the job) running now, or ""."""
    context = _context.get()
    return context.get("request_id", "") if context else ""


@contextmanager
def log_context(**fields):
    """Attach `fields` (request_id, task …) to every log line written inside the block."""
    token = _context.set(fields)
    try:
        yield
    finally:
        _context.reset(token)


class RequestIdMiddleware:
    """The first middleware: gives the request its id, returns it in `X-Request-ID`, and
    writes the access line when the response leaves."""

    def __init__(self, get_response):
        self.get_response = get_response
        # A client could choose an id to blur its requests into someone else's; a proxy that
        # sets the header itself (deploy/nginx/kontor.conf) cannot be bypassed.
        self.trust_header = settings.REST_FRAMEWORK.get("NUM_PROXIES", 0) > 0

    def __call__(self, request):
        sent = request.headers.get("X-Request-ID", "") if self.trust_header else ""
        request_id = sent if SANE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        request.request_id = request_id
        started = time.perf_counter()
        path = shown_path(request.path)
        with log_context(request_id=request_id, method=request.method, path=path, request=request):
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if response.status_code >= 400:
                # Django's handler logs "Not Found: /path" after the last middleware, where the
                # request's fields are gone; logged here, its line carries them.
                log_response(
                    "%s: %s",
                    response.reason_phrase,
                    path,
                    response=response,
                    request=request,
                )
            if access_log.isEnabledFor(logging.INFO):
                duration_ms = round((time.perf_counter() - started) * 1000, 1)
                access_log.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={"status": response.status_code, "duration_ms": duration_ms},
                )
        return response


def _user_id(request) -> int | None:
    """The signed-in user's id when the request already knows who it is (never a query)."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    """Copies the running request's or job's fields onto each record (fields a record was
    given explicitly win), so any formatter can write them."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        if context:
            for key, value in context.items():
                if key != "request" and not hasattr(record, key):
                    setattr(record, key, value)
            request = context.get("request")
            if request is not None and not hasattr(record, "user_id"):
                record.user_id = _user_id(request)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ms), level, logger, message, the FIELDS the record
    carries, and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in FIELDS:
            value = getattr(record, key, None)
            if value is not None and value != "":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
