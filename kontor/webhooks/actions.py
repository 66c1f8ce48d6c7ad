"""Writes of the webhooks app: subscriptions, deliveries created from record events, re-send.

`on_events` is the listener of kontor.core.events: it runs after a commit that changed records,
writes one Delivery per event and matching subscription and hands each to the task worker. A
bulk event (an import chunk, an undo page) is one delivery listing all its records
(`bulk_payload`), not one per record.
"""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kontor.core import events as record_events
from kontor.core import registry
from kontor.core.admin_log import log_admin_change
from kontor.webhooks.models import Delivery, Subscription
from kontor.webhooks.tasks import deliver


def payload(event, slug: str, delivery_id) -> dict:
    """The JSON body of a delivery: what happened, to which record, and the record itself."""
    from kontor.api.serializers import serializer_for

    module = registry.get(slug)
    data = serializer_for(module)(event.record).data
    return {
        "id": str(delivery_id),
        "event": f"{slug}.{event.kind}",
        "kind": event.kind,
        "record_type": slug,
        "record_id": str(event.record.pk),
        "occurred_at": timezone.now().isoformat(),
        "actor": getattr(event.actor, "username", None),
        "related": {
            name: {"type": registry.for_model(type(r)).slug, "id": str(r.pk)}
            for name, r in event.related.items()
            if r is not None
        },
        "data": _jsonable(data),
    }


def bulk_payload(event: record_events.BulkEvent, slug: str, delivery_id) -> dict:
    """The JSON body of a bulk delivery: what happened to which records of one type, and per
    record what changed (field → [old, new], as text; see docs/api.md)."""
    return {
        "id": str(delivery_id),
        "event": f"{slug}.{event.kind}",
        "kind": event.kind,
        "record_type": slug,
        "bulk": True,
        "origin": event.origin,
        "occurred_at": timezone.now().isoformat(),
        "actor": getattr(event.actor, "username", None),
        "count": len(event),
        "records": [
            {"id": str(pk), "changes": {name: list(pair) for name, pair in changes.items()}}
            for pk, changes in event.changes
        ],
    }


def _jsonable(data):
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(data, cls=JSONEncoder))


#: The active subscriptions are cached this many seconds: every committed change asks for them
#: (a bulk write a thousand times), and with a per-process cache another app server sees a
#: new subscription at most this late.
CACHE_SECONDS = 5
CACHE_KEY = "kontor-webhooks-active"


def active_subscriptions() -> list[Subscription]:
    found = cache.get(CACHE_KEY)
    if found is None:
        found = list(Subscription.objects.filter(active=True))
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def on_events(events: list) -> None:
    """Create and enqueue the deliveries of `events` (runs after the commit)."""
    subscriptions = active_subscriptions()
    if not subscriptions:
        return
    created = []
    with transaction.atomic():
        for event in events:
            bulk = isinstance(event, record_events.BulkEvent)
            module = registry.find(event.model if bulk else type(event.record))
            if module is None:
                continue
            wanting = [s for s in subscriptions if s.wants(event.kind, module.slug)]
            body = None
            for subscription in wanting:
                delivery = Delivery(
                    subscription=subscription,
                    event=f"{module.slug}.{event.kind}",
                    record_id=None if bulk else event.record.pk,
                    payload={},
                )
                if bulk:
                    # Built once per event: the record list is the same for every receiver.
                    body = body or bulk_payload(event, module.slug, delivery.pk)
                    delivery.payload = {**body, "id": str(delivery.pk)}
                else:
                    delivery.payload = payload(event, module.slug, delivery.pk)
                delivery.save(force_insert=True)
                created.append(delivery)
    for delivery in created:
        deliver.enqueue(str(delivery.pk))


#: What the administration change log keeps of a subscription (never its signing secret).
LOGGED = ("url", "description", "events", "record_types", "active")


@transaction.atomic
def save_subscription(subscription: Subscription, *, actor) -> Subscription:
    """Create or change a subscription as the admin `actor`; logged with what changed."""
    created = subscription._state.adding
    if created:
        subscription.created_by = actor
    subscription.full_clean()
    before = (
        {}
        if created
        else Subscription.objects.filter(pk=subscription.pk).values(*LOGGED).first() or {}
    )
    subscription.save()
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    after = {name: getattr(subscription, name) for name in LOGGED}
    _log(
        subscription,
        actor,
        gettext_noop("Webhook created") if created else gettext_noop("Webhook changed"),
        after
        if created
        else {n: [before.get(n), v] for n, v in after.items() if before.get(n) != v},
    )
    return subscription


@transaction.atomic
def delete_subscription(subscription: Subscription, *, actor) -> None:
    """Remove a subscription and its deliveries' log, as the admin `actor`."""
    detail = {name: getattr(subscription, name) for name in LOGGED}
    subscription.delete()
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    _log(subscription, actor, gettext_noop("Webhook deleted"), detail)


def _log(subscription: Subscription, actor, summary: str, detail: dict) -> None:
    log_admin_change(
        actor=actor, area="webhook", target=subscription.url, summary=summary, detail=detail
    )


def resend(delivery: Delivery, *, actor) -> Delivery:
    """Send a delivery again now (a failed one, or to test the receiver), as the admin
    `actor`; logged, since it sends record data out again."""
    with transaction.atomic():
        delivery.status, delivery.next_attempt_at = Delivery.Status.PENDING, None
        delivery.attempts = 0
        delivery.save(update_fields=["status", "next_attempt_at", "attempts"])
        _log(
            delivery.subscription,
            actor,
            gettext_noop("Webhook delivery sent again"),
            {"delivery": str(delivery.pk), "event": delivery.event},
        )
    deliver.enqueue(str(delivery.pk))
    delivery.refresh_from_db()
    return delivery
