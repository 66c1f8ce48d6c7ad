"""The background delivery of a webhook: POST the signed payload, log, retry with back-off.

Run by the task worker (django-tasks; `kontor worker`). A 2xx answer delivers; anything
else (an error status, a refused connection, a timeout) is retried after 1, 5, 30 minutes, 2
and 6 hours, up to KONTOR_WEBHOOK_ATTEMPTS attempts, then marked failed for an admin to re-send.
"""

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from kontor.webhooks import signing
from kontor.webhooks.models import Delivery

BACKOFF = (60, 300, 1800, 7200, 21600)
RESPONSE_KEEP = 2000


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based)."""
    return timedelta(seconds=BACKOFF[min(attempt, len(BACKOFF)) - 1])


def _post(delivery: Delivery) -> tuple[int | None, str, str]:
    """(status, response text, error) of one attempt."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    stamp = int(time.time())
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Kontor-Webhooks/1",
            signing.TIMESTAMP_HEADER: str(stamp),
            signing.EVENT_HEADER: delivery.event,
            signing.DELIVERY_HEADER: str(delivery.pk),
            signing.SIGNATURE_HEADER: signing.sign(delivery.subscription.secret, stamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.KONTOR_WEBHOOK_TIMEOUT) as reply:
            return reply.status, reply.read(RESPONSE_KEEP).decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(RESPONSE_KEEP).decode("utf-8", "replace"), ""
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, "", str(getattr(error, "reason", error))[:500]


@task()
def deliver(delivery_id: str) -> str:
    """One attempt of a delivery; schedules the next one when it fails."""
    delivery = Delivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == Delivery.Status.SUCCEEDED:
        return "skipped"
    code, text, error = _post(delivery)
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status, delivery.response_body, delivery.error = code, text, error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.next_attempt_at = Delivery.Status.SUCCEEDED, None
    elif delivery.attempts >= settings.KONTOR_WEBHOOK_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    else:
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()
    if delivery.status == Delivery.Status.RETRYING and deliver.get_backend().supports_defer:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(str(delivery.pk))
    return delivery.status
