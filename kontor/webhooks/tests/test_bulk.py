"""Imports and undos reach webhook subscribers: one signed delivery per committed chunk and
record type listing its records, nothing for a chunk that rolled back."""

import json
import time

import pytest

from kontor.core.actions import save_record
from kontor.imports import actions, undo
from kontor.imports.tests.helpers import die_after_chunk, queued
from kontor.leads.models import Lead
from kontor.webhooks import signing
from kontor.webhooks.actions import save_subscription
from kontor.webhooks.models import Delivery, Subscription

ROWS = "Email,Last Name\n" + "".join(f"b{n}@firma.example,Bulk {n}\n" for n in range(1, 6))


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _bodies(receiver) -> list[dict]:
    return [json.loads(body) for _headers, body in receiver.received]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_committed_chunk_is_one_signed_delivery_with_its_records(admin, receiver, immediate):
    subscription = save_subscription(Subscription(url=receiver.url), actor=admin)
    anna = save_record(Lead(last_name="Alt", email1="b1@firma.example"), actor=admin)
    receiver.received.clear()
    after = []
    batch = queued(ROWS, actor=admin, mode="update")

    # Deliveries go out as each chunk commits, not at the end of the import.
    actions.run_import(
        batch.pk, chunk_size=2, after_chunk=lambda b: after.append(len(receiver.received))
    )

    assert after == [2, 3, 4]  # chunk 1: updated + created; chunk 2: created; chunk 3: created
    bodies = _bodies(receiver)
    assert [(b["event"], b["count"]) for b in bodies] == [
        ("leads.created", 1),
        ("leads.updated", 1),
        ("leads.created", 2),
        ("leads.created", 1),
    ]
    leads = {lead.email1: str(lead.pk) for lead in Lead.objects.all()}
    assert [r["id"] for b in bodies if b["kind"] == "created" for r in b["records"]] == [
        leads[f"b{n}@firma.example"] for n in range(2, 6)
    ]
    assert bodies[1]["records"] == [
        {"id": str(anna.pk), "changes": {"last_name": ["Alt", "Bulk 1"]}}
    ]
    assert bodies[0]["records"][0]["changes"]["last_name"] == ["", "Bulk 2"]
    assert all(b["bulk"] and b["actor"] == "ada" for b in bodies)
    assert {b["origin"] for b in bodies} == {batch.origin}
    headers, body = receiver.received[0]
    assert headers[signing.EVENT_HEADER] == "leads.created"
    assert signing.verify(
        subscription.secret,
        headers[signing.TIMESTAMP_HEADER],
        body,
        headers[signing.SIGNATURE_HEADER],
        now=int(time.time()),
    )
    assert Delivery.objects.filter(status="succeeded", record_id=None).count() == 4

    receiver.received.clear()
    undo.run_undo(batch.pk, admin.pk)
    bodies = _bodies(receiver)
    # One delivery per chunk (in the order the undo's workers take them), then the restore.
    assert sorted((b["event"], b["count"]) for b in bodies) == [
        ("leads.deleted", 1),
        ("leads.deleted", 1),
        ("leads.deleted", 2),
        ("leads.updated", 1),
    ]
    deleted = [r["id"] for b in bodies if b["kind"] == "deleted" for r in b["records"]]
    assert sorted(deleted) == sorted(leads[f"b{n}@firma.example"] for n in range(2, 6))
    assert bodies[-1]["records"] == [
        {"id": str(anna.pk), "changes": {"last_name": ["Bulk 1", "Alt"]}}
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chunk_that_rolls_back_delivers_nothing(admin, receiver, immediate, monkeypatch):
    save_subscription(Subscription(url=receiver.url, events=["created"]), actor=admin)
    die_after_chunk(monkeypatch, 2)
    batch = queued(ROWS, actor=admin)
    with pytest.raises(RuntimeError):
        actions.run_import(batch.pk, chunk_size=2)

    assert Lead.objects.count() == 2
    bodies = _bodies(receiver)
    assert [(b["event"], sorted(r["id"] for r in b["records"])) for b in bodies] == [
        ("leads.created", sorted(str(pk) for pk in Lead.objects.values_list("pk", flat=True)))
    ]
    assert Delivery.objects.count() == 1


@pytest.mark.django_db
def test_a_filtered_subscription_gets_only_the_kinds_and_types_it_asked_for(
    admin, receiver, immediate, django_capture_on_commit_callbacks
):
    save_subscription(
        Subscription(url=receiver.url, events=["updated"], record_types=["leads"]), actor=admin
    )
    save_subscription(Subscription(url=receiver.url, record_types=["contacts"]), actor=admin)
    batch = queued(ROWS, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        actions.run_import(batch.pk)
    assert Lead.objects.count() == 5
    assert receiver.received == [] and not Delivery.objects.exists()
