"""Kill-safety and undo: a crashed chunk leaves nothing behind, a resumed batch never writes a
row twice, and undo puts back exactly what was there."""

import pytest
from django.db import connection

from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.imports import actions, undo, writer
from kontor.imports.models import ImportBatch
from kontor.imports.tests.helpers import queued, upload
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

ROWS = "Email,Last Name,Office Phone\n" + "".join(
    f"p{n}@firma.example,Person {n},+49 30 {100000 + n}\n" for n in range(1, 101)
)


class Killed(Exception):
    pass


@pytest.fixture
def batch(admin):
    return queued(ROWS, actor=admin)


def test_a_task_killed_between_chunks_resumes_without_duplicates(batch, admin):
    def kill_after_second(b):
        if b.rows_done == 40:
            raise Killed

    with pytest.raises(Killed):
        actions.run_import(batch.pk, chunk_size=20, after_chunk=kill_after_second)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done, Lead.objects.count()) == ("failed", 40, 40)

    actions.queue_import(batch, actor=admin)
    batch = actions.run_import(batch.pk, chunk_size=20)

    assert (batch.status, batch.created_count, Lead.objects.count()) == ("done", 100, 100)
    assert Lead.objects.values("email1").distinct().count() == 100
    assert ChangeLog.objects.filter(action="create", origin=batch.origin).count() == 100


def test_a_chunk_that_crashes_mid_write_leaves_nothing_of_itself(batch, admin, monkeypatch):
    real = writer.write_chunk
    calls = []

    def crash_in_third_chunk(planner, plans, first, last):
        counts = real(planner, plans, first, last)  # the rows are written, then it dies
        calls.append(first)
        if len(calls) == 3:
            raise Killed
        return counts

    monkeypatch.setattr(actions, "write_chunk", crash_in_third_chunk)
    with pytest.raises(Killed):
        actions.run_import(batch.pk, chunk_size=20)
    batch.refresh_from_db()
    assert batch.rows_done == 40 and Lead.objects.count() == 40
    assert batch.chunks.count() == 2

    monkeypatch.setattr(actions, "write_chunk", real)
    actions.queue_import(batch, actor=admin)
    batch = actions.run_import(batch.pk, chunk_size=20)
    assert Lead.objects.count() == 100 and batch.chunks.count() == 5


def test_undo_trashes_what_was_created_and_restores_what_was_updated(admin):
    anna = save_record(Lead(last_name="Alt", email1="p1@firma.example", phone_work=""), actor=admin)
    bert = save_record(Lead(last_name="Bert", email1="p2@firma.example"), actor=admin)
    batch = queued(ROWS, actor=admin, mode="update")
    batch = actions.run_import(batch.pk, chunk_size=30)
    assert (batch.created_count, batch.updated_count) == (98, 2)
    # Bert's name is edited by hand after the import: undo keeps that edit.
    bert.refresh_from_db()
    bert.last_name = "Bert (von Hand)"
    save_record(bert, actor=admin)

    batch = undo.run_undo(batch.pk, admin.pk)

    anna.refresh_from_db()
    bert.refresh_from_db()
    assert batch.status == "undone" and batch.undone_by == admin
    assert (anna.last_name, anna.phone_work, anna.phone_work_e164) == ("Alt", "", "")
    assert "person 1" not in anna.search_text
    assert bert.last_name == "Bert (von Hand)" and bert.phone_work == ""
    assert Lead.objects.count() == 2 and Lead.with_deleted.filter(deleted=True).count() == 98
    undo_origin = batch.undo_origin
    assert ChangeLog.objects.filter(origin=undo_origin, action="delete").count() == 98
    assert ChangeLog.objects.filter(
        origin=undo_origin, record_id=anna.pk, field="last_name", new_value="Alt"
    ).exists()


def test_undo_is_refused_to_others_and_while_running(batch, admin, rep):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        undo.undo_import(batch, actor=admin)  # queued, not finished
    batch = actions.run_import(batch.pk)
    with pytest.raises(ValidationError):
        undo.undo_import(batch, actor=rep)  # not the importing user, not an admin
    batch.refresh_from_db()
    assert batch.status == "done" and Lead.objects.count() == 100


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_undo_trashes_every_chunk_exactly_once(admin, monkeypatch):
    """Committed data, as in production: on PostgreSQL an undo of at least PARALLEL_FROM
    records runs on two connections side by side (SQLite: one after the other). Either way each
    new record is trashed and logged once, every chunk is marked undone, and a lead the file
    updated twice (rows 1 and 101, different chunks) gets its value from before the import."""
    monkeypatch.setattr(undo, "PARALLEL_FROM", 10)
    existing = {
        n: save_record(Lead(last_name=f"Alt {n}", email1=f"p{n}@firma.example"), actor=admin)
        for n in range(1, 41)
    }
    rows = ROWS + "p1@firma.example,Noch einmal,+49 30 999999\n"
    batch = queued(rows, actor=admin, mode="update")
    batch = actions.run_import(batch.pk, chunk_size=10)
    assert (batch.created_count, batch.updated_count, batch.chunks.count()) == (60, 41, 11)
    assert Lead.objects.get(pk=existing[1].pk).last_name == "Noch einmal"
    batch = undo.run_undo(batch.pk, admin.pk)
    assert batch.status == ImportBatch.Status.UNDONE
    assert sorted(Lead.objects.values_list("last_name", flat=True)) == sorted(
        f"Alt {n}" for n in range(1, 41)
    )
    assert Lead.with_deleted.filter(deleted=True, modified_by=admin).count() == 60
    deletes = ChangeLog.objects.filter(origin=batch.undo_origin, action="delete")
    assert deletes.count() == deletes.values("record_id").distinct().count() == 60
    restored = ChangeLog.objects.filter(
        origin=batch.undo_origin, action="update", field="last_name"
    )
    assert restored.values("record_id").distinct().count() == 40
    assert not batch.chunks.filter(undone=False).exists()
    assert not batch.rows.filter(outcome="updated").exists()


def test_a_killed_undo_can_be_started_again_once_it_stalled(batch, admin, monkeypatch):
    """An undo whose worker died stays "undoing": refused while it may still be moving, offered
    again when it has not moved for STALE_AFTER, and then finishes without trashing twice."""
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    batch = actions.run_import(batch.pk, chunk_size=20)
    batch = undo.undo_import(batch, actor=admin)
    real_trash, calls = undo._trash, []

    def dies_on_the_second_chunk(*args):
        calls.append(args)
        if len(calls) == 2:
            raise Killed
        real_trash(*args)

    monkeypatch.setattr(undo, "_trash", dies_on_the_second_chunk)
    with pytest.raises(Killed):
        undo.run_undo(batch.pk, admin.pk)
    monkeypatch.setattr(undo, "_trash", real_trash)
    batch.refresh_from_db()
    assert batch.status == "undoing" and Lead.objects.count() == 80
    with pytest.raises(ValidationError):
        undo.undo_import(batch, actor=admin)  # it may still be running
    batch.refresh_from_db()
    assert batch.status == "undoing" and Lead.objects.count() == 80  # nothing changed
    ImportBatch.objects.filter(pk=batch.pk).update(
        progress_at=timezone.now() - actions.STALE_AFTER - timedelta(seconds=1)
    )
    batch.refresh_from_db()
    assert undo.can_undo(batch, admin)
    undo.undo_import(batch, actor=admin)
    batch = undo.run_undo(batch.pk, admin.pk)
    assert batch.status == "undone" and not Lead.objects.exists()
    deletes = ChangeLog.objects.filter(origin=batch.undo_origin, action="delete")
    assert deletes.count() == deletes.values("record_id").distinct().count() == 100


def test_an_admin_undoing_another_users_import_is_in_the_admin_log(admin, rep):
    from kontor.core.admin_log import AdminChange

    theirs = actions.create_batch(upload("theirs.csv", ROWS.encode()), model=Lead, actor=rep)
    ImportBatch.objects.filter(pk=theirs.pk).update(status="queued")
    theirs = actions.run_import(theirs.pk)
    undo.undo_import(theirs, actor=admin)
    entry = AdminChange.objects.get()
    assert (entry.actor, entry.area, entry.target, entry.summary) == (
        admin,
        "data_import",
        "theirs.csv",
        "Import of another user undone",
    )
    assert entry.detail == {
        "batch": str(theirs.pk),
        "imported_by": "rolf",
        "record_type": "leads.lead",
        "created": 100,
        "updated": 0,
    }

    own = actions.create_batch(upload("own.csv", ROWS.encode()), model=Lead, actor=rep)
    ImportBatch.objects.filter(pk=own.pk).update(status="queued")
    own = actions.run_import(own.pk)
    undo.undo_import(own, actor=rep)  # the importing user's own undo: not an admin action
    assert AdminChange.objects.count() == 1


def test_the_action_refuses_an_empty_or_too_large_file_and_stores_nothing(admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("empty.csv", b""), model=Lead, actor=admin)
    assert refused.value.message_dict == {"file": ["The file is empty."]}
    big = upload("big.csv", ROWS.encode())
    big.size = actions.MAX_BYTES + 1
    with pytest.raises(ValidationError) as refused:
        actions.create_batch(big, model=Lead, actor=admin)
    assert refused.value.message_dict["file"][0].startswith("The file is larger than")
    assert not ImportBatch.objects.exists()


if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_undo_commits_without_waiting_for_the_disk_in_its_own_steps_only(batch, admin):
        """Undo's steps set synchronous_commit off for their own transaction (a crash loses
        at most its last steps, which the undo, started again, repeats); the connection keeps
        the server's setting for everything after them."""

        def setting():
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronous_commit")
                return cursor.fetchone()[0]

        seen = []
        real_trash = undo._trash

        def spy_trash(*args):
            seen.append(setting())
            real_trash(*args)

        batch = actions.run_import(batch.pk, chunk_size=20)
        undo._trash = spy_trash
        try:
            batch = undo.run_undo(batch.pk, admin.pk)
        finally:
            undo._trash = real_trash
        assert batch.status == "undone" and not Lead.objects.exists()
        assert seen == ["off"] * 5
        assert setting() == "on"

    def test_an_import_and_its_undo_leave_no_search_trigrams_pending(admin):
        """The bulk writes leave new trigrams in the search index's pending list; the run and
        the undo merge it when done (in the worker), so no user's next save has to."""
        from kontor.core.search_index import trigram_index
        from kontor.imports import parallel

        def pending_pages():  # merging also tells how many pages were pending
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT gin_clean_pending_list(%s::regclass)", [trigram_index("leads_lead")]
                )
                return cursor.fetchone()[0]

        save_record(Lead(last_name="Vorher", email1="vorher@firma.example"), actor=admin)
        assert pending_pages() > 0  # an ordinary save leaves its trigrams pending
        batch = actions.run_import(queued(ROWS, actor=admin).pk, chunk_size=20)
        assert batch.created_count == 100 and pending_pages() == 0
        undo.run_undo(batch.pk, admin.pk)
        assert pending_pages() == 0
        parts = queued(ROWS.replace("@firma", "@teile"), actor=admin)
        for part_id in parallel.start(parts.pk, part_rows=30):
            parallel.run_part(parts.pk, part_id)
        parts.refresh_from_db()
        assert (parts.status, parts.created_count) == ("done", 100) and pending_pages() == 0
