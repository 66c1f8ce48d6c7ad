"""Imports and undos tell listeners (webhooks) what they wrote: after each commit, one event per
chunk, record type and kind, with every record's id and changes; nothing for a chunk that rolls
back."""

import pytest

from kontor.accounts.models import Account
from kontor.contacts.models import Contact
from kontor.core import events
from kontor.core.actions import save_record
from kontor.imports import actions, undo
from kontor.imports.tests.helpers import die_after_chunk, queued
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

ROWS = "Email,Last Name,Office Phone\n" + "".join(
    f"p{n}@firma.example,Person {n},+49 30 {100000 + n}\n" for n in range(1, 8)
)


@pytest.fixture
def heard():
    """The events listeners receive, as they receive them (one list per commit)."""
    received = []

    def listener(batch):
        received.append(batch)

    events.listen(listener)
    yield received
    events.stop_listening(listener)


def _bulk(received) -> list[events.BulkEvent]:
    return [e for batch in received for e in batch if isinstance(e, events.BulkEvent)]


def test_an_import_of_seven_rows_in_chunks_of_three_makes_three_created_events(
    admin, heard, django_capture_on_commit_callbacks
):
    batch = queued(ROWS, actor=admin)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        batch = actions.run_import(batch.pk, chunk_size=3)
    assert heard == []  # nothing before the commit
    for callback in pending:
        callback()

    found = _bulk(heard)
    assert [(e.kind, e.model, len(e)) for e in found] == [
        ("created", Lead, 3),
        ("created", Lead, 3),
        ("created", Lead, 1),
    ]
    assert all(e.actor == admin and e.origin == batch.origin for e in found)
    by_email = {lead.email1: lead.pk for lead in Lead.objects.all()}
    assert [pk for e in found for pk in e.ids] == [
        by_email[f"p{n}@firma.example"] for n in range(1, 8)
    ]
    first_id, first_changes = found[0].changes[0]
    assert first_id == by_email["p1@firma.example"]
    assert first_changes["last_name"] == ("", "Person 1")
    assert first_changes["email1"] == ("", "p1@firma.example")
    assert first_changes["phone_work"] == ("", "+49 30 100001")
    assert first_changes["assigned_user"] == ("", str(admin.pk))


def test_an_update_import_sends_field_old_and_new_then_undo_sends_them_back(
    admin, heard, django_capture_on_commit_callbacks
):
    anna = save_record(Lead(last_name="Alt", email1="p1@firma.example"), actor=admin)
    batch = queued(ROWS, actor=admin, mode="update")
    with django_capture_on_commit_callbacks(execute=True):
        batch = actions.run_import(batch.pk, chunk_size=4)
    found = _bulk(heard)
    assert [(e.kind, len(e)) for e in found] == [("created", 3), ("updated", 1), ("created", 3)]
    updated = found[1]
    assert updated.changes == [
        (anna.pk, {"last_name": ("Alt", "Person 1"), "phone_work": ("", "+49 30 100001")})
    ]
    created_ids = {pk for e in found if e.kind == "created" for pk in e.ids}
    heard.clear()

    with django_capture_on_commit_callbacks(execute=True):
        batch = undo.run_undo(batch.pk, admin.pk)
    found = _bulk(heard)
    # Chunks newest first: the second chunk's three, then the first chunk's three.
    assert [(e.kind, len(e)) for e in found] == [("deleted", 3), ("deleted", 3), ("updated", 1)]
    assert {pk for e in found if e.kind == "deleted" for pk in e.ids} == created_ids
    assert all(changes == {} for e in found[:2] for _pk, changes in e.changes)
    assert found[2].changes == [
        (anna.pk, {"last_name": ("Person 1", "Alt"), "phone_work": ("+49 30 100001", "")})
    ]
    assert all(e.actor == admin and e.origin == batch.undo_origin for e in found)


def test_related_records_created_by_an_import_get_their_own_event(
    admin, heard, django_capture_on_commit_callbacks
):
    content = "Last Name,Email,Account Name\nKunz,k@kunz.example,Kunz Bau GmbH\n"
    batch = queued(content, actor=admin, model=Contact, create_missing=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.run_import(batch.pk)
    found = _bulk(heard)
    account, contact = Account.objects.get(), Contact.objects.get()
    assert [(e.kind, e.model, e.ids) for e in found] == [
        ("created", Account, [account.pk]),
        ("created", Contact, [contact.pk]),
    ]
    assert found[1].changes[0][1]["account"] == ("", str(account.pk))


def test_a_chunk_that_rolls_back_sends_nothing(
    admin, heard, monkeypatch, django_capture_on_commit_callbacks
):
    die_after_chunk(monkeypatch, 3)
    batch = queued(ROWS, actor=admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        actions.run_import(batch.pk, chunk_size=3)
    found = _bulk(heard)
    assert [(e.kind, len(e)) for e in found] == [("created", 3)]
    assert set(found[0].ids) == set(Lead.objects.values_list("pk", flat=True))
    assert Lead.objects.count() == 3
