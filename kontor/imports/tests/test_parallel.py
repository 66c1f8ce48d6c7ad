"""Imports cut into parts that several workers take side by side (`kontor.imports.parallel`):
the parts read exactly the rows the file's reader reads, any order of parts gives the result of
the one-task run, a part retried or run twice writes nothing twice, a failing part leaves
nothing of itself, and undo after parts restores what was there."""

import threading

import pytest
from django.db import connection, connections

from kontor.core.actions import save_record
from kontor.core.models import ChangeLog, ExternalId
from kontor.imports import actions, parallel, readers, undo
from kontor.imports.models import ImportBatch, ImportPart, ImportRow
from kontor.imports.tasks import run_import_part_task
from kontor.imports.tests.helpers import queued
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

HEADER = "Email,Last Name,Office Phone,Description\n"


def _rows(first: int, last: int) -> str:
    return "".join(
        f"p{n}@firma.example,Person {n},+49 30 {100000 + n},Zeile {n}\n"
        for n in range(first, last + 1)
    )


# Row 4 has a line break in a quoted cell, row 6 is empty, row 9 has no valid e-mail, row 12
# repeats row 2's key (another part), row 14 updates Anna, who exists.
FILE = (
    HEADER
    + _rows(1, 3)
    + 'p4@firma.example,Person 4,+49 30 100004,"zwei\nZeilen, mit Komma"\n'
    + _rows(5, 5)
    + ",,,\n"
    + _rows(7, 8)
    + "kein-at,Person 9,,\n"
    + _rows(10, 11)
    + "P2@Firma.example,Noch einmal,,\n"
    + _rows(13, 13)
    + "anna@firma.example,Neu,+49 30 555,Zeile 14\n"
    + _rows(15, 17)
)


# The same without the repeated key: the one-task run updates a record an earlier chunk
# created (it reads chunks in order), parts report the later row instead (any order).
UNIQUE = FILE.replace("P2@Firma.example,Noch einmal,,", "p12@firma.example,Person 12,,")


def _anna(admin):
    return save_record(
        Lead(last_name="Alt", email1="anna@firma.example", phone_work="+49 221 4711"), actor=admin
    )


def _run_parts(batch, order=lambda ids: ids, part_rows: int = 4) -> ImportBatch:
    ids = parallel.start(batch.pk, part_rows=part_rows)
    for part_id in order(ids):
        parallel.run_part(batch.pk, part_id)
    batch.refresh_from_db()
    return batch


def _result(batch) -> dict:
    """What an import did, without ids and times."""
    return {
        "counts": (
            batch.status,
            batch.rows_done,
            batch.created_count,
            batch.updated_count,
            batch.duplicate_count,
            batch.failed_count,
        ),
        "leads": sorted(
            Lead.objects.values_list("email1", "last_name", "phone_work_e164", "description")
        ),
        "rows": sorted(batch.rows.values_list("row", "outcome", "message")),
        "log": ChangeLog.objects.filter(origin=batch.origin).count(),
    }


def _wipe_undone() -> None:
    """Test housekeeping: the trashed leads of an undone import leave the database."""
    ExternalId.objects.all().delete()
    Lead.with_deleted.filter(deleted=True).delete()


def test_the_parts_read_the_rows_the_files_reader_reads(admin):
    content = "\ufeff" + FILE + "\n\n"  # a BOM, empty lines at the end
    batch = queued(content, actor=admin, mode="update")
    parts, total = parallel.split(batch, 4)
    expected = list(readers.rows(actions.batch_opener(batch), actions._source(batch)))
    ImportPart.objects.bulk_create(parts)
    read = [row for part in parts for row in parallel.part_rows_of(batch, part)]
    assert read == expected and total == len(expected) == 16
    assert [(p.first_row, p.last_row) for p in parts] == [
        (1, 4),
        (5, 8),
        (9, 12),
        (13, 16),
        (17, 19),
    ]
    assert read[3] == (
        4,
        ["p4@firma.example", "Person 4", "+49 30 100004", "zwei\nZeilen, mit Komma"],
    )
    # Row 12 repeats row 2's e-mail in another part; the reader's key is lower-cased.
    assert [p.repeats for p in parts] == [{}, {}, {"12": 2}, {}, {}]


@pytest.mark.parametrize(
    "order", [lambda ids: ids, lambda ids: ids[::-1]], ids=["in-order", "reversed"]
)
def test_parts_in_any_order_give_the_one_task_result(admin, order):
    anna = _anna(admin)
    one = actions.run_import(queued(UNIQUE, actor=admin, mode="update").pk, chunk_size=4)
    expected = _result(one)
    undo.run_undo(one.pk, admin.pk)
    _wipe_undone()
    anna.refresh_from_db()
    assert (anna.last_name, Lead.objects.count()) == ("Alt", 1)

    batch = _run_parts(queued(UNIQUE, actor=admin, mode="update"), order)

    assert _result(batch) == expected
    assert expected["counts"] == ("done", 17, 14, 1, 0, 1)
    assert ImportPart.objects.filter(batch=batch, done=False).count() == 0


@pytest.mark.parametrize(
    "order", [lambda ids: ids, lambda ids: ids[::-1]], ids=["in-order", "reversed"]
)
def test_a_key_repeated_in_a_later_part_is_reported_as_a_duplicate(admin, order):
    batch = _run_parts(queued(FILE, actor=admin, mode="update"), order)
    assert (batch.created_count, batch.duplicate_count) == (14, 1)
    row = batch.rows.get(row=12)
    assert (row.outcome, row.message) == ("duplicate", "Duplicate of row 2 (same e-mail).")
    assert Lead.objects.get(email1="p2@firma.example").last_name == "Person 2"


def test_a_part_run_twice_or_retried_writes_nothing_twice(admin):
    batch = queued(FILE, actor=admin, mode="update")
    ids = parallel.start(batch.pk, part_rows=4)
    assert parallel.run_part(batch.pk, ids[0]) == "done"
    assert parallel.run_part(batch.pk, ids[0]) == "skipped"  # a retried task
    for part_id in ids[1:]:
        parallel.run_part(batch.pk, part_id)
    assert parallel.start(batch.pk, part_rows=4) == []  # queued again: nothing left
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rows_done) == ("done", 14, 17)
    assert Lead.objects.count() == 14 == Lead.objects.values("email1").distinct().count()
    assert batch.chunks.count() == 5


def test_a_part_that_dies_mid_write_leaves_nothing_and_resumes(admin, monkeypatch):
    batch = queued(FILE, actor=admin, mode="update")
    ids = parallel.start(batch.pk, part_rows=4)
    real = parallel.write_chunk

    def write_then_die(planner, plans, first, last):
        counts = real(planner, plans, first, last)
        if first == 5:
            raise RuntimeError("killed")
        return counts

    monkeypatch.setattr(parallel, "write_chunk", write_then_die)
    parallel.run_part(batch.pk, ids[0])
    with pytest.raises(RuntimeError):
        parallel.run_part(batch.pk, ids[1])
    assert parallel.run_part(batch.pk, ids[2]) == "skipped"  # the batch failed: parts stop
    batch.refresh_from_db()
    assert (batch.status, batch.error, batch.rows_done) == ("failed", "killed", 4)
    assert Lead.objects.count() == 4 and batch.chunks.count() == 1
    assert not ImportRow.objects.filter(batch=batch, row__gte=5).exists()

    monkeypatch.setattr(parallel, "write_chunk", real)
    actions.queue_import(batch, actor=admin)  # Resume
    batch = _run_parts(batch)
    assert (batch.status, batch.created_count, batch.rows_done) == ("done", 14, 17)
    assert Lead.objects.count() == 14 and batch.chunks.count() == 5


def test_a_part_of_a_batch_stopped_meanwhile_rolls_back(admin, monkeypatch):
    batch = queued(FILE, actor=admin, mode="update")
    ids = parallel.start(batch.pk, part_rows=4)
    parallel.run_part(batch.pk, ids[0])
    real_count = parallel._count

    def failed_meanwhile(batch_, part, counts):
        # Another part failed the batch while this one wrote its rows.
        ImportBatch.objects.filter(pk=batch_.pk).update(status="failed")
        real_count(batch_, part, counts)

    monkeypatch.setattr(parallel, "_count", failed_meanwhile)
    assert parallel.run_part(batch.pk, ids[1]) == "stopped"
    batch.refresh_from_db()
    assert Lead.objects.count() == 4 and not ImportPart.objects.get(pk=ids[1]).done
    assert (batch.rows_done, batch.created_count, batch.chunks.count()) == (4, 4, 1)


def test_undo_restores_exactly_the_values_before_the_import(admin, monkeypatch):
    """Updated leads get every column back as it was (derived E.164 phones, status, search
    text, custom values), on PostgreSQL in SQL without the Python path."""
    people = [
        save_record(
            Lead(
                last_name=f"Alt {n}",
                first_name="Åsa",
                email1=f"p{n}@firma.example",
                phone_work="+49 221 4711" if n % 2 else "",
                status="Assigned",
                description=f"vorher {n}",
                opportunity_amount="12.50" if n == 1 else None,
            ),
            actor=admin,
        )
        for n in range(1, 6)
    ]
    skip = {"date_modified", "modified_by_id"}
    columns = [f.attname for f in Lead._meta.concrete_fields if f.attname not in skip]
    before = {r["id"]: r for r in Lead.objects.values(*columns)}
    content = "Email,Last Name,Office Phone,Status,Opportunity Amount\n" + "".join(
        f"p{n}@firma.example,Neu {n},+49 30 {100000 + n},In Process,{n}99.00\n" for n in range(1, 8)
    )
    batch = actions.run_import(queued(content, actor=admin, mode="update", number_format="en").pk)
    assert (batch.created_count, batch.updated_count) == (2, 5)
    assert Lead.objects.get(pk=people[1].pk).phone_work_e164 == "+4930100002"
    python_rows = []
    real = undo._restore
    monkeypatch.setattr(
        undo, "_restore", lambda m, rows, a: (python_rows.extend(rows), real(m, rows, a))
    )

    undo.run_undo(batch.pk, admin.pk)

    assert {r["id"]: r for r in Lead.objects.values(*columns)} == before
    assert len(python_rows) == (0 if connection.vendor == "postgresql" else 5)
    restored = ChangeLog.objects.filter(origin=batch.undo_origin, action="update")
    assert set(restored.values_list("field", flat=True)) == {
        "last_name",
        "phone_work",
        "status",
        "opportunity_amount",
    }
    assert (
        restored.filter(record_id=people[0].pk, field="opportunity_amount").get().new_value
        == "12.50"
    )


if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_workers_taking_parts_side_by_side_give_the_one_task_result(admin):
        """Committed data, two connections: parts taken from one queue by two threads, each
        part its own transaction with its keys locked; the result is the one-task run's."""
        anna = _anna(admin)
        one = actions.run_import(queued(UNIQUE, actor=admin, mode="update").pk, chunk_size=4)
        expected = _result(one)
        undo.run_undo(one.pk, admin.pk)
        _wipe_undone()
        anna.refresh_from_db()
        assert anna.last_name == "Alt"

        batch = queued(UNIQUE, actor=admin, mode="update")
        queue = list(parallel.start(batch.pk, part_rows=2))
        lock, errors = threading.Lock(), []

        def worker():
            try:
                while True:
                    with lock:
                        if not queue:
                            return
                        part_id = queue.pop()
                    parallel.run_part(batch.pk, part_id)
            except Exception as error:  # reported below: a thread's exception is lost
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        batch.refresh_from_db()
        assert errors == []
        assert _result(batch) == expected

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_db_worker_processes_import_the_parts_of_one_file(admin, settings):
        """The tasks as production runs them: the batch queued, two `manage.py db_worker`
        processes on this test database take the import's task and its parts."""
        import os
        import subprocess
        import sys
        from pathlib import Path

        content = HEADER + _rows(1, 40)
        batch = queued(content, actor=admin, mode="update")
        ids = parallel.start(batch.pk, part_rows=5)  # what the first task does, in parts of 5

        for part_id in ids:
            run_import_part_task.enqueue(str(batch.pk), part_id)
        db = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
        manage = Path(__file__).resolve().parents[3] / "manage.py"
        workers = [
            subprocess.Popen(
                [sys.executable, str(manage), "db_worker", "--batch", "--no-startup-delay"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        for worker in workers:
            assert worker.wait(timeout=120) == 0, worker.stderr.read()[-2000:]
        batch.refresh_from_db()
        assert len(ids) == 8
        assert (batch.status, batch.created_count, batch.rows_done) == ("done", 40, 40)
        assert Lead.objects.count() == 40 == Lead.objects.values("email1").distinct().count()
        assert not ImportPart.objects.filter(batch=batch, done=False).exists()
