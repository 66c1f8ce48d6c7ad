"""The public submit endpoint's protections: per-render token, fill time, rate limit, size.

A token is signed (Django's signing with the SECRET_KEY) and carries the form's key, a random
nonce and the render time, and whether the page re-shows a submission that had errors (the
fill time counts for the first submission only: a person fixing a missing tick resends fast).
The action stores the nonce when a submission consumes it, so a double submit of one rendered
page creates one record. The rate limit counts submissions per
client address in Django's cache (Redis in production, shared by every app server).
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "kontor.webforms.token"


@dataclass(frozen=True)
class Token:
    form_key: str
    nonce: str
    rendered_at: float
    resent: bool = False  # the page re-showed a submission that passed the fill time


def issue_token(form, *, resent: bool = False) -> str:
    """A fresh signed token for one rendering of `form`; `resent` when the rendering re-shows
    a submission with errors that already passed the fill time."""
    payload = {"f": form.key, "n": secrets.token_urlsafe(16), "t": time.time()}
    if resent:
        payload["r"] = 1
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(value: str, form) -> Token | None:
    """The token if it is genuine, for `form`, and not older than the maximum age."""
    try:
        payload = signing.loads(
            value or "", salt=SALT, max_age=settings.KONTOR_WEBFORM_TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or payload.get("f") != form.key:
        return None
    nonce, rendered = payload.get("n"), payload.get("t")
    if not isinstance(nonce, str) or not isinstance(rendered, int | float):
        return None
    return Token(form.key, nonce, float(rendered), payload.get("r") == 1)


def too_fast(token: Token) -> bool:
    """Sent sooner after rendering than a person can fill a form (a bot); never for a page
    that re-showed errors of a submission that was not too fast."""
    if token.resent:
        return False
    return time.time() - token.rendered_at < settings.KONTOR_WEBFORM_MIN_SECONDS


def client_address(request) -> str:
    """The address the rate limit counts. REMOTE_ADDR: a proxy in front must set it (e.g.
    gunicorn's --forwarded-allow-ips with the proxy's X-Forwarded-For)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(address: str) -> bool:
    """Count one submission of `address`; True when it is over the limit of its window."""
    limit, window = settings.KONTOR_WEBFORM_RATE
    key = f"kontor:webforms:rate:{address}"
    # add() starts a window only when none is running; incr() is atomic in Redis and locmem.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(key, 1, timeout=window)
        count = 1
    return count > limit


def too_large(request) -> bool:
    """The body is larger than a form submission can honestly be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.KONTOR_WEBFORM_MAX_BYTES
