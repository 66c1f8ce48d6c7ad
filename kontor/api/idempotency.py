"""The Idempotency-Key header of every POST: a retried request creates nothing twice.

For integrators whose requests may time out after the CRM did the work. The first request with
a key claims it and stores its answer in the same transaction as its writes; a retry with the
same key and the same request gets that answer again (header `Idempotent-Replayed: true`); the
same key with another method, path or body is a 409. Keys are per user and kept for
`KONTOR_IDEMPOTENCY_DAYS` days.
"""

import hashlib
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response

from kontor.api.errors import Conflict
from kontor.api.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def idempotent(handler):
    """Decorate a POST handler of a viewset (after authentication has run)."""

    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "")
        if not key:
            return handler(self, request, *args, **kwargs)
        if len(key) > MAX_KEY or not key.isprintable():
            raise exceptions.ValidationError(
                {HEADER: [_("Send a printable key of at most 255 characters.")]}
            )
        fingerprint = _fingerprint(request._request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotencyKey.objects.create(
                        user=request.user, key=key, fingerprint=fingerprint, status=0
                    )
            except IntegrityError:
                return _replay(request.user, key, fingerprint)
            try:
                # A savepoint: a refused request leaves no write behind, only its answer.
                with transaction.atomic():
                    response = handler(self, request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - stored as the answer it becomes
                response = self.handle_exception(exc)
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            claim.status, claim.body = response.status_code, response.data
            claim.save(update_fields=["status", "body"])
        return response

    return wrapper


def _replay(user, key: str, fingerprint: str) -> Response:
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is None or stored.status == 0:
        raise Conflict(_("A request with this Idempotency-Key is still running."))
    if stored.fingerprint != fingerprint:
        raise Conflict(_("This Idempotency-Key was used for another request."))
    return Response(stored.body, status=stored.status, headers={"Idempotent-Replayed": "true"})


def forget_old() -> int:
    """Delete keys older than the retention (run by the cleanup task)."""
    days = getattr(settings, "KONTOR_IDEMPOTENCY_DAYS", 1)
    deleted, _rows = IdempotencyKey.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
