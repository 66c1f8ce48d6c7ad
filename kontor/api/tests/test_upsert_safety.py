"""Upserts onto records in the trash or hidden from the caller: restored when the caller may,
one neutral answer when not (docs/api.md, "Upsert"), per item in a bulk upsert.

Sven (sales rep of the team DACH: edits the team's records, restores only his own) upserts keys
of records of Stan (a sales manager outside the team, hidden from Sven) and of Tina (a sales rep
of DACH whose trashed lead Sven may edit but not restore).
"""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kontor.api.tests.conftest import token_client
from kontor.api.upsert import upsert
from kontor.core.actions import delete_records, save_record
from kontor.core.grants import grant
from kontor.core.models import ChangeLog, ExternalId
from kontor.leads.models import Lead
from kontor.users.actions import create_user
from kontor.users.models import Role, Team

URL = "/api/v1/leads/upsert/"
BULK = "/api/v1/leads/bulk/"


@dataclass
class World:
    sven: object
    stan: object
    tina: object
    hidden: Lead  # Stan's: hidden from Sven
    hidden_trashed: Lead  # Stan's, in the trash
    team_trashed: Lead  # Tina's, in the trash: Sven may edit it but not restore it


def _lead(actor, last_name, key, *, trashed=False) -> Lead:
    record = upsert(
        Lead,
        {"last_name": last_name, "email1": f"{key.lower()}@web.de"},
        actor=actor,
        source="shop",
        external_id=key,
    ).record
    if trashed:
        delete_records([record], actor=actor)
    return record


@pytest.fixture
def w(db):
    team = Team.objects.create(name="DACH")
    sven = create_user("sven", password="pw-sven-123!", roles=["sales_rep"], teams=[team])
    tina = create_user("tina", password="pw-tina-123!", roles=["sales_rep"], teams=[team])
    stan = create_user("stan", password="pw-stan-123!", roles=["sales_manager"])
    return World(
        sven=sven,
        stan=stan,
        tina=tina,
        hidden=_lead(stan, "Verborgen", "H-1"),
        hidden_trashed=_lead(stan, "Weggeworfen", "H-2", trashed=True),
        team_trashed=_lead(tina, "Teamkollegin", "T-1", trashed=True),
    )


def state() -> tuple:
    """Every stored lead (trash included) with its columns, the change log's and the
    external ids' sizes: a refused upsert changes none of them."""
    leads = sorted(Lead.with_deleted.values_list(), key=str)
    return leads, ChangeLog.objects.count(), ExternalId.objects.count()


def restores_of(record) -> int:
    return ChangeLog.objects.filter(record_id=record.pk, action=ChangeLog.Action.RESTORE).count()


@pytest.mark.django_db
def test_an_upsert_by_external_id_restores_its_trashed_record_and_updates_it(rep, api):
    lead = _lead(rep, "Alt", "C-9", trashed=True)
    response = api.post(
        URL,
        {"last_name": "Neu", "external_id": {"source": "shop", "id": "C-9"}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["result"], body["restored"], body["record"]["id"]) == (
        "updated",
        True,
        str(lead.pk),
    )
    lead = Lead.objects.get()  # back from the trash: the default manager sees it
    assert lead.last_name == "Neu" and lead.deleted_at is None
    assert restores_of(lead) == 1
    changed = ChangeLog.objects.filter(record_id=lead.pk, action=ChangeLog.Action.UPDATE)
    assert list(changed.values_list("field", "old_value", "new_value")) == [
        ("last_name", "Alt", "Neu")
    ]


@pytest.mark.django_db
def test_an_upsert_by_email_restores_the_record_trashed_last(rep, api):
    older = _lead(rep, "Erster", "E-1", trashed=True)
    newer = save_record(Lead(last_name="Zweiter", email1="e-1@web.de"), actor=rep)
    delete_records([newer], actor=rep)
    response = api.post(URL, {"email1": "E-1@web.de", "first_name": "Eva"}, format="json")
    assert response.status_code == 200 and response.json()["restored"] is True
    assert response.json()["record"]["id"] == str(newer.pk)
    assert Lead.with_deleted.count() == 2
    assert list(Lead.objects.values_list("pk", "first_name")) == [(newer.pk, "Eva")]
    assert Lead.with_deleted.get(pk=older.pk).deleted and restores_of(older) == 0


@pytest.mark.django_db
def test_a_refused_upsert_leaves_the_trashed_record_in_the_trash(rep, api):
    _lead(rep, "Alt", "C-9", trashed=True)
    before = state()
    response = api.post(
        URL,
        {"last_name": "", "external_id": {"source": "shop", "id": "C-9"}},
        format="json",
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"last_name"}
    assert state() == before


@pytest.mark.django_db
def test_sven_restores_his_own_trashed_lead_and_updates_his_teams(w):
    own = _lead(w.sven, "Eigen", "S-1", trashed=True)
    alive = _lead(w.tina, "Tina", "T-2")
    api = token_client(w.sven)
    restored = api.post(
        URL, {"title": "Dr.", "external_id": {"source": "shop", "id": "S-1"}}, format="json"
    )
    assert restored.status_code == 200 and restored.json()["restored"] is True
    updated = api.post(URL, {"title": "Prof.", "email1": "t-2@web.de"}, format="json")
    assert updated.status_code == 200 and updated.json()["record"]["id"] == str(alive.pk)
    assert Lead.objects.get(pk=own.pk).title == "Dr."
    assert Lead.objects.get(pk=alive.pk).title == "Prof."


#: Statements of an upsert of an e-mail refused with key_in_use: the token with its user, a
#: savepoint and its end (2), the key locks (PostgreSQL), the record by its e-mail, the
#: caller's team on it. An external id adds its own lookup.
QUERIES_409 = {"sqlite": 6, "postgresql": 7}


def _answers(api, bodies) -> list:
    """(status, body, number of queries) of each upsert."""
    answers = []
    for body in bodies:
        with CaptureQueriesContext(connection) as queries:
            response = api.post(URL, body, format="json")
        answers.append((response.status_code, response.json(), len(queries)))
    return answers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key",
    [
        lambda record: {
            "external_id": {
                "source": "shop",
                "id": ExternalId.objects.get(record_id=record.pk).external_id,
            }
        },
        lambda record: {"email1": record.email1.upper()},
    ],
    ids=["external_id", "email1"],
)
def test_keys_of_records_the_caller_may_not_change_get_one_neutral_answer(w, key):
    """Hidden by permissions, hidden and in the trash, visible but in the trash without the
    right to restore it: the same 409, word for word, naming no record; nothing written (no
    silent second record either)."""
    api = token_client(w.sven)
    cases = [w.hidden, w.hidden_trashed, w.team_trashed]
    bodies = [{"last_name": "Zweitanlage", **key(r)} for r in cases]
    api.post(URL, bodies[0], format="json")  # the token's first use reads what it keeps
    before = state()
    answers = _answers(api, bodies)
    assert state() == before
    statuses, bodies = {a[0] for a in answers}, [a[1] for a in answers]
    assert statuses == {409}
    assert bodies[0] == bodies[1] == bodies[2]
    field = next(iter(key(w.hidden)))
    assert bodies[0] == {
        "detail": (
            f"This {'external id' if field == 'external_id' else 'e-mail address'} is already "
            "in use by a record you cannot edit; ask an administrator."
        ),
        "code": "key_in_use",
    }
    # The same work for each, so not even the number of statements tells them apart.
    expected = QUERIES_409[connection.vendor] + (field == "external_id")
    assert [a[2] for a in answers] == [expected] * 3


@pytest.mark.django_db
def test_a_record_the_caller_sees_but_may_not_edit_gets_the_same_answer(w):
    """Vera reads every lead but edits only her own: Stan's lead, which she sees, answers as it
    answers Sven, who does not see it."""
    reader = Role.objects.create(
        name="Leser", grants={"leads": grant(access="all", view="all", list="all", edit="owner")}
    )
    vera = create_user("vera", password="pw-vera-123!", roles=[reader])
    key = {"last_name": "X", "external_id": {"source": "shop", "id": "H-1"}}
    sven, vera = token_client(w.sven), token_client(vera)
    assert vera.get(f"/api/v1/leads/{w.hidden.pk}/").status_code == 200
    assert sven.get(f"/api/v1/leads/{w.hidden.pk}/").status_code == 404
    before = state()
    answers = [client.post(URL, key, format="json") for client in (vera, sven)]
    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["code"] == "key_in_use" and state() == before


#: Statements of a bulk upsert: the token with its user, the request's savepoint and its
#: release (PostgreSQL: and the namespace locks); of each new item: two savepoints and their
#: releases (the item's and the upsert's), the external id's and the e-mail's lookups, the
#: record, its change-log row and the external id (on PostgreSQL's fast path the record and
#: its change-log row are one statement).
BULK_QUERIES = {"sqlite": (3, 9), "postgresql": (4, 8)}


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 5])
def test_a_bulk_upsert_costs_a_fixed_number_of_statements_per_item(
    rep, api, n, django_assert_num_queries
):
    # What is read or prepared once (the token's first use, the content type and dropdown
    # values kept per process, PostgreSQL's prepared insert) is done by a first request.
    warm = {"last_name": "W", "email1": "w@web.de", "external_id": {"source": "s", "id": "w"}}
    api.post(BULK, {"mode": "upsert", "items": [warm]}, format="json")
    items = [
        {"last_name": f"B{i}", "email1": f"b{i}@web.de", "external_id": {"source": "s", "id": i}}
        for i in range(n)
    ]
    base, per_item = BULK_QUERIES[connection.vendor]
    with django_assert_num_queries(base + per_item * n):
        response = api.post(BULK, {"mode": "upsert", "items": items}, format="json")
    assert response.json()["created"] == n


@pytest.mark.django_db
def test_a_bulk_upsert_answers_per_item_and_writes_the_good_ones(w):
    api = token_client(w.sven)
    own = _lead(w.sven, "Eigen", "S-1", trashed=True)
    items = [
        {"last_name": "Neu", "email1": "neu@web.de", "external_id": {"source": "shop", "id": "N"}},
        {"last_name": "X", "external_id": {"source": "shop", "id": "H-1"}},
        {"last_name": "", "email1": "leer@web.de"},
        {"first_name": "Wieder", "external_id": {"source": "shop", "id": "S-1"}},
        {"last_name": "X", "external_id": {"source": "shop", "id": "T-1"}},
        {"last_name": "X", "email1": "h-2@web.de"},
        "kein Objekt",
    ]
    before = Lead.with_deleted.count()
    headers = {"HTTP_IDEMPOTENCY_KEY": "bulk-1"}
    response = api.post(BULK, {"mode": "upsert", "items": items}, format="json", **headers)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"], body["failed"]) == (1, 1, 5)
    results = body["results"]
    assert [r["index"] for r in results] == list(range(len(items)))
    assert [r["result"] for r in results] == [
        "created",
        "error",
        "error",
        "updated",
        "error",
        "error",
        "error",
    ]
    assert results[3] == {"index": 3, "result": "updated", "id": str(own.pk), "restored": True}
    in_use = {
        "code": "key_in_use",
        "errors": {"external_id": [results[1]["errors"]["external_id"][0]]},
    }
    assert {k: results[1][k] for k in ("code", "errors")} == in_use
    assert {k: results[4][k] for k in ("code", "errors")} == in_use  # trashed, not restorable
    assert results[5]["code"] == "key_in_use" and set(results[5]["errors"]) == {"email1"}
    assert (results[2]["code"], set(results[2]["errors"])) == ("invalid", {"last_name"})
    assert results[6]["code"] == "invalid"
    assert all("id" not in r for r in results if r["result"] == "error")
    # The good items are written, the refused ones not.
    assert Lead.with_deleted.count() == before + 1
    assert Lead.objects.get(email1="neu@web.de").last_name == "Neu"
    assert Lead.objects.get(pk=own.pk).first_name == "Wieder"
    assert Lead.with_deleted.get(pk=w.team_trashed.pk).deleted
    assert not Lead.objects.filter(email1="leer@web.de").exists()

    logged = ChangeLog.objects.count()
    again = api.post(BULK, {"mode": "upsert", "items": items}, format="json", **headers)
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.json() == body
    assert ChangeLog.objects.count() == logged and Lead.with_deleted.count() == before + 1


@pytest.mark.django_db
def test_a_bulk_item_refused_after_its_restore_leaves_nothing_behind(rep, api):
    """The restore of an item and its refused values are undone together (its savepoint)."""
    lead = _lead(rep, "Alt", "C-9", trashed=True)
    items = [
        {"last_name": "", "external_id": {"source": "shop", "id": "C-9"}},
        {"last_name": "Gut", "email1": "gut@web.de"},
    ]
    before_restores = restores_of(lead)
    response = api.post(BULK, {"mode": "upsert", "items": items}, format="json")
    assert [r["result"] for r in response.json()["results"]] == ["error", "created"]
    assert Lead.with_deleted.get(pk=lead.pk).deleted
    assert restores_of(lead) == before_restores == 0
    assert Lead.objects.filter(email1="gut@web.de").count() == 1
