"""Upsert by e-mail or external id, the Idempotency-Key header, bulk writes, rate limits."""

import threading

import pytest
from django.db import connection

from kontor.api.tests.conftest import token_client
from kontor.contacts.models import Contact
from kontor.core.actions import save_record
from kontor.core.models import ExternalId
from kontor.leads.models import Lead


@pytest.mark.django_db
def test_upsert_by_email_then_by_external_id(rep, api):
    first = api.post(
        "/api/v1/leads/upsert/", {"last_name": "Kunde", "email1": "K@shop.de"}, format="json"
    )
    assert first.status_code == 201 and first.json()["result"] == "created"
    second = api.post(
        "/api/v1/leads/upsert/",
        {
            "email1": "k@shop.de",
            "lifecycle_stage": "MQL",
            "external_id": {"source": "shop", "id": "C-1"},
        },
        format="json",
    )
    assert second.status_code == 200 and second.json()["result"] == "updated"
    third = api.post(
        "/api/v1/leads/upsert/",
        {"first_name": "Karl", "external_id": {"source": "shop", "id": "C-1"}},
        format="json",
    )
    assert third.json()["record"]["id"] == first.json()["record"]["id"]
    lead = Lead.objects.get()
    assert (lead.first_name, lead.last_name, lead.lifecycle_stage) == ("Karl", "Kunde", "MQL")
    assert ExternalId.objects.get().record_id == lead.pk


@pytest.mark.django_db
def test_upsert_refuses_what_it_cannot_match_or_decide(rep, api):
    assert (
        api.post("/api/v1/contacts/upsert/", {"last_name": "X"}, format="json").status_code == 400
    )
    assert not Contact.objects.exists()
    save_record(Contact(last_name="A", email1="zwei@web.de"), actor=rep)
    save_record(Contact(last_name="B", email1="zwei@web.de"), actor=rep)
    response = api.post(
        "/api/v1/contacts/upsert/", {"last_name": "C", "email1": "zwei@web.de"}, format="json"
    )
    assert response.status_code == 409
    assert Contact.objects.count() == 2
    bad = api.post(
        "/api/v1/leads/upsert/",
        {"email1": "n@x.de", "last_name": "N", "external_id": {"source": "shop"}},
        format="json",
    )
    assert bad.status_code == 400 and not Lead.objects.exists()


@pytest.mark.django_db
def test_idempotency_key_replays_and_creates_nothing_twice(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "order-4711"}
    first = api.post("/api/v1/leads/", {"last_name": "Einmal"}, format="json", **headers)
    again = api.post("/api/v1/leads/", {"last_name": "Einmal"}, format="json", **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Lead.objects.count() == 1
    other = api.post("/api/v1/leads/", {"last_name": "Anders"}, format="json", **headers)
    assert other.status_code == 409 and Lead.objects.count() == 1
    refused = api.post(
        "/api/v1/leads/", {"last_name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert refused.status_code == 400
    assert (
        api.post(
            "/api/v1/leads/", {"last_name": ""}, format="json", HTTP_IDEMPOTENCY_KEY="k2"
        ).status_code
        == 400
    )
    assert Lead.objects.count() == 1


@pytest.mark.django_db
def test_bulk_writes_the_good_items_with_a_result_per_item(api):
    items = [{"last_name": f"L{i}", "email1": f"l{i}@web.de"} for i in range(30)]
    response = api.post("/api/v1/leads/bulk/", {"items": items}, format="json")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["index"] for r in results] == list(range(30))
    assert {r["result"] for r in results} == {"created"} and Lead.objects.count() == 30

    upserts = [
        {"email1": "l0@web.de", "first_name": "Null"},
        {"last_name": "Neu", "email1": "neu@web.de"},
    ]
    response = api.post("/api/v1/leads/bulk/", {"mode": "upsert", "items": upserts}, format="json")
    assert [r["result"] for r in response.json()["results"]] == ["updated", "created"]

    broken = [{"last_name": "Gut"}, {"last_name": ""}, {"last_name": "X", "email1": "nein"}]
    response = api.post("/api/v1/leads/bulk/", {"items": broken}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["updated"], body["failed"]) == (1, 0, 2)
    assert [r["result"] for r in body["results"]] == ["created", "error", "error"]
    assert [set(r["errors"]) for r in body["results"][1:]] == [{"last_name"}, {"email1"}]
    assert {r["code"] for r in body["results"][1:]} == {"invalid"}
    assert Lead.objects.count() == 32 and Lead.objects.filter(last_name="Gut").exists()
    too_many = {"items": [{"last_name": "x"}] * 1001}
    assert api.post("/api/v1/leads/bulk/", too_many, format="json").status_code == 400
    assert Lead.objects.count() == 32


@pytest.mark.django_db
def test_a_bulk_upsert_locks_two_namespaces_not_a_key_per_item(api):
    """PostgreSQL: one statement locks the e-mail and external-id namespaces exclusively; no
    item takes key locks of its own (1,000 items would take 2,000 locks, in item order).
    SQLite takes no locks at all (one writing transaction at a time)."""
    statements = []

    def record(execute, sql, params, many, context):
        if "pg_advisory" in sql:
            statements.append(sql)
        return execute(sql, params, many, context)

    items = [
        {
            "last_name": f"U{i}",
            "email1": f"u{i}@web.de",
            "external_id": {"source": "shop", "id": f"C-{i}"},
        }
        for i in range(20)
    ]
    with connection.execute_wrapper(record):
        response = api.post(
            "/api/v1/leads/bulk/", {"mode": "upsert", "items": items}, format="json"
        )
    assert response.status_code == 200 and Lead.objects.count() == 20
    if connection.vendor == "postgresql":
        assert statements == ["SELECT pg_advisory_xact_lock(%s), pg_advisory_xact_lock(%s)"]
    else:
        assert statements == []


@pytest.mark.django_db
def test_rate_limit_answers_429(api, settings):
    settings.KONTOR_API_RATE = "3/minute"
    codes = [api.get("/api/v1/leads/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# serialized_rollback: the dropdown lists of the data migrations survive the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_upserts_of_one_email_make_one_record(rep):
    # SQLite's in-memory test database cannot hold two writers at once (see
    # kontor/conversion/tests/test_concurrency.py): there the two upserts run one after the
    # other, and the second must still update the first's record.
    together = connection.vendor != "sqlite"
    clients = [token_client(rep), token_client(rep)]
    barrier, codes = threading.Barrier(2 if together else 1), []

    def upsert(client):
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/leads/upsert/",
                {"last_name": "Gleich", "email1": "race@web.de"},
                format="json",
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=upsert, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
        if not together:
            thread.join()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 201]
    assert Lead.objects.filter(email1="race@web.de").count() == 1
