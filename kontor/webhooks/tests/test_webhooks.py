"""Webhooks against a real local HTTP receiver: signed after commit, retried, logged, re-sent."""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from kontor.core.actions import delete_records, save_record
from kontor.leads.models import Lead
from kontor.webhooks import signing
from kontor.webhooks.actions import save_subscription
from kontor.webhooks.models import Delivery, Subscription
from kontor.webhooks.tasks import backoff, deliver
from kontor.webhooks.tests.receiver import Receiver


@pytest.mark.django_db
def test_signed_delivery_after_commit(
    admin, receiver, immediate, django_capture_on_commit_callbacks
):
    subscription = save_subscription(
        Subscription(url=receiver.url, events=["created"], record_types=["leads"]), actor=admin
    )
    with django_capture_on_commit_callbacks(execute=False) as pending:
        lead = save_record(Lead(last_name="Webhook", email1="w@web.de"), actor=admin)
        assert receiver.received == []  # nothing before the commit
    for callback in pending:
        callback()
    headers, body = receiver.received[0]
    payload = json.loads(body)
    assert payload["event"] == "leads.created" and payload["record_id"] == str(lead.pk)
    assert payload["data"]["email1"] == "w@web.de"
    assert signing.verify(
        subscription.secret,
        headers[signing.TIMESTAMP_HEADER],
        body,
        headers[signing.SIGNATURE_HEADER],
        now=int(time.time()),
    )
    assert not signing.verify(
        "other",
        headers[signing.TIMESTAMP_HEADER],
        body,
        headers[signing.SIGNATURE_HEADER],
        now=int(time.time()),
    )
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("succeeded", 200, 1)
    with django_capture_on_commit_callbacks(execute=True):
        delete_records([lead], actor=admin)  # not subscribed: no delivery
    assert Delivery.objects.count() == 1 and len(receiver.received) == 1


@pytest.mark.django_db
def test_failed_delivery_is_retried_with_backoff_then_resent(
    admin, immediate, django_capture_on_commit_callbacks
):
    receiver = Receiver(statuses=[503, 500])
    try:
        save_subscription(Subscription(url=receiver.url), actor=admin)
        with django_capture_on_commit_callbacks(execute=True):
            save_record(Lead(last_name="Retry"), actor=admin)
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.response_status, delivery.attempts) == (
            "retrying",
            503,
            1,
        )
        assert delivery.next_attempt_at is not None and delivery.response_body == "busy"
        deliver.call(str(delivery.pk))  # what the worker runs when the back-off has passed
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("retrying", 2)
        deliver.call(str(delivery.pk))
        delivery.refresh_from_db()
        assert (delivery.status, delivery.response_status) == ("succeeded", 200)
        assert len(receiver.received) == 3
    finally:
        receiver.close()
    assert [backoff(n).total_seconds() for n in (1, 2, 5, 9)] == [60, 300, 21600, 21600]


@pytest.mark.django_db
def test_unreachable_receiver_fails_after_the_last_attempt(
    admin, immediate, settings, django_capture_on_commit_callbacks
):
    settings.KONTOR_WEBHOOK_ATTEMPTS = 2
    save_subscription(Subscription(url="http://127.0.0.1:9/closed"), actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        save_record(Lead(last_name="Nowhere"), actor=admin)
    delivery = Delivery.objects.get()
    assert delivery.status == "retrying" and delivery.error
    deliver.call(str(delivery.pk))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)


@pytest.mark.django_db
def test_admin_pages_and_resend(
    admin_client, admin, rep, receiver, immediate, django_capture_on_commit_callbacks
):
    rep_client = Client()
    rep_client.force_login(rep)
    response = admin_client.post(
        reverse("webhooks:create"),
        {
            "url": receiver.url,
            "events": ["converted", "created"],
            "record_types": ["leads"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    subscription = Subscription.objects.get()
    assert response.status_code == 302 and subscription.events == ["converted", "created"]
    with django_capture_on_commit_callbacks(execute=True):
        save_record(Lead(last_name="Log"), actor=admin)
    delivery = Delivery.objects.get()
    page = admin_client.get(reverse("webhooks:detail", args=[subscription.pk]))
    assert "leads.created" in page.content.decode()
    admin_client.post(reverse("webhooks:resend", args=[delivery.pk]))
    assert len(receiver.received) == 2
    for url in (reverse("webhooks:list"), reverse("webhooks:detail", args=[subscription.pk])):
        assert rep_client.get(url).status_code == 404
    assert rep_client.post(reverse("webhooks:resend", args=[delivery.pk])).status_code == 404
    assert len(receiver.received) == 2
    bad = admin_client.post(reverse("webhooks:create"), {"url": "kein-url"})
    assert bad.status_code == 400 and Subscription.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_conversion_sends_nothing(
    admin, receiver, immediate, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from kontor.conversion.actions import convert_lead

    save_subscription(Subscription(url=receiver.url), actor=admin)
    lead = save_record(Lead(last_name="Halb", account_name="Halb GmbH"), actor=admin)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        convert_lead(lead, actor=admin, new_account={}, opportunity={"name": "ohne"})
    assert callbacks == [] and receiver.received == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_every_subscription_change_is_in_the_admin_log_without_the_secret(admin_client, admin):
    from kontor.core.admin_log import AdminChange

    url = "https://shop.example/hook"
    form = {"url": url, "events": ["created"], "record_types": ["leads"], "active": "on"}
    assert admin_client.post(reverse("webhooks:create"), form).status_code == 302
    subscription = Subscription.objects.get()
    created = AdminChange.objects.get()
    assert (created.actor, created.area, created.target, created.summary) == (
        admin,
        "webhook",
        url,
        "Webhook created",
    )
    assert created.detail == {
        "url": url,
        "description": "",
        "events": ["created"],
        "record_types": ["leads"],
        "active": True,
    }
    edit = reverse("webhooks:edit", args=[subscription.pk])
    assert admin_client.post(edit, {**form, "active": ""}).status_code == 302
    changed = AdminChange.objects.latest("id")
    assert (changed.summary, changed.detail) == ("Webhook changed", {"active": [True, False]})
    delete = reverse("webhooks:delete", args=[subscription.pk])
    assert admin_client.post(delete).status_code == 302
    deleted = AdminChange.objects.latest("id")
    assert (deleted.actor, deleted.target, deleted.summary) == (admin, url, "Webhook deleted")
    assert not Subscription.objects.exists() and AdminChange.objects.count() == 3
    logged = repr(list(AdminChange.objects.values_list("target", "summary", "detail")))
    assert subscription.secret not in logged


@pytest.mark.django_db
def test_a_refused_subscription_logs_nothing(admin_client):
    from kontor.core.admin_log import AdminChange

    assert admin_client.post(reverse("webhooks:create"), {"url": "kein-url"}).status_code == 400
    assert not Subscription.objects.exists() and not AdminChange.objects.exists()


@pytest.mark.django_db
def test_unknown_events_and_record_types_are_refused_by_the_action(admin):
    from django.core.exceptions import ValidationError

    from kontor.core.admin_log import AdminChange

    with pytest.raises(ValidationError) as refused:
        save_subscription(
            Subscription(url="https://shop.example/hook", events=["exploded"], record_types=["x"]),
            actor=admin,
        )
    assert refused.value.message_dict == {
        "events": ["Unknown event: exploded."],
        "record_types": ["Unknown record type: x."],
    }
    assert not Subscription.objects.exists() and not AdminChange.objects.exists()
