"""An import run as parts that several background workers take side by side.

For the import's background task (`tasks.run_import_task`). A first pass over the file
(`split`) counts its rows and cuts it into parts of PART_ROWS rows, each remembered as an
`ImportPart` with the byte offset of its first line; one task per part then imports it
(`run_part`) in one transaction, so two worker processes import two parts at once.

- **No half part, no part twice.** A part's transaction locks its `ImportPart` row first and
  sets `done` with the records, the change log and the batch's counters; a task retried after
  its worker was killed (or a part queued twice) finds it done and writes nothing.
- **Keys.** A part locks each of its keys (`sql.lock_each_key`) instead of the whole
  namespace, so parts pass each other and web forms and API upserts still never make a second
  record of a key. Rows whose key an earlier row of the file has in *another* part are found by
  `split` and reported as duplicates of that row, so the result never depends on which part a
  worker happened to finish first (and undo never meets a record two parts changed).
- **Progress.** Each part adds its rows to `next_row - 1` (rows done) and its counts; the part
  that finds no part left open marks the batch done. A failing part marks the batch failed;
  parts still running roll back on the batch's status, Resume queues the open parts again.

Parts need a CSV file in an encoding whose line ends are the byte `\\n` (UTF-8, Windows-1252);
other files (XLSX, UTF-16) run in one task, chunk after chunk (`actions.run_import`).
"""

import codecs
import csv
from array import array

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from kontor.core.context import origin
from kontor.imports import readers
from kontor.imports.engine import Planner
from kontor.imports.mapping import EXTERNAL_ID
from kontor.imports.models import ImportBatch, ImportPart
from kontor.imports.sql import flush_search_index
from kontor.imports.writer import write_chunk

Status = ImportBatch.Status
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")
#: Rows per part: the chunk size of the one-task run (`actions.CHUNK_SIZE`).
PART_ROWS = 2000
#: Keys are hashed into this many groups to find repeated keys with little memory.
GROUPS = 256


class Stopped(Exception):
    """The batch stopped (failed, or undone) while the part ran: the part rolls back."""


def can_split(batch: ImportBatch) -> bool:
    source = batch.source or {}
    return source.get("kind") == "csv" and source.get("encoding") in ENCODINGS


def start(batch_id, *, part_rows: int = PART_ROWS) -> list[int] | None:
    """Cut a queued batch into parts (once) and mark it running; returns the ids of the parts
    still to import (the caller queues one task each), or None when the file is one the parts
    cannot read (the caller runs it in one task, whose reader reports what is wrong)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status not in (Status.QUEUED, Status.RUNNING):
        return []
    if not batch.parts.exists():
        if batch.next_row > 1:
            return None  # begun in one task before: it continues there
        try:
            parts, total = split(batch, part_rows)
        except readers.ReaderError:
            return None
        with transaction.atomic():
            ImportPart.objects.bulk_create(parts, batch_size=1000)
            ImportBatch.objects.filter(pk=batch.pk).update(rows_total=total)
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=Status.RUNNING, error="", started_at=batch.started_at or now, progress_at=now
    )
    open_parts = batch.parts.filter(done=False).order_by("first_row")
    found = list(open_parts.values_list("pk", flat=True))
    if not found:  # every part committed: nothing left but the batch's own state
        ImportBatch.objects.filter(pk=batch.pk).update(status=Status.DONE, finished_at=now)
    return found


def split(batch: ImportBatch, part_rows: int) -> tuple[list[ImportPart], int]:
    """The parts of the batch's file and its number of non-empty rows, in one streaming pass.
    ReaderError for anything unusual (a line or file over the limits, broken quoting)."""
    source = _source(batch)
    key_column = _key_column(batch)
    starts, rows, total = [], 0, 0
    hashes, numbers = [array("q") for _ in range(GROUPS)], [array("l") for _ in range(GROUPS)]
    for number, offset, cells in records(batch.open_file, source):
        if number > readers.MAX_ROWS:
            raise readers.ReaderError("too many rows")
        if (number - 1) % part_rows == 0:
            starts.append((number, offset))
        rows = number
        if not any(c != "" for c in cells):
            continue
        total += 1
        key = _key(batch, cells, key_column)
        if key:
            code = hash(key)
            hashes[code % GROUPS].append(code)
            numbers[code % GROUPS].append(number)
    repeats = _repeats(hashes, numbers, part_rows)
    parts = []
    for index, (first, offset) in enumerate(starts):
        last = starts[index + 1][0] - 1 if index + 1 < len(starts) else rows
        parts.append(
            ImportPart(
                batch=batch,
                first_row=first,
                last_row=last,
                offset=offset,
                repeats={str(r): f for r, f in repeats.items() if first <= r <= last},
            )
        )
    return parts, total


def _key_column(batch) -> int | None:
    field = "email1" if batch.options.get("match", "email") == "email" else EXTERNAL_ID
    for index, column in enumerate(batch.options.get("columns", [])):
        if column.get("field") == field:
            return index
    return None


def _key(batch, cells: list, column: int | None) -> str:
    # The planner's reading of the key, in short. A row it reads otherwise is not reported
    # here, and still cannot make a second record: the parts lock each key.
    if column is None or column >= len(cells):
        return ""
    if batch.options.get("match", "email") == "email":
        return cells[column].split(";")[0].split(",")[0].strip().lower()
    return cells[column].strip()


def _repeats(hashes: list, numbers: list, part_rows: int) -> dict[int, int]:
    """Row → the first row with the same key, where the two lie in different parts."""
    found = {}
    for group_hashes, group_numbers in zip(hashes, numbers, strict=True):
        first: dict[int, int] = {}
        for code, number in zip(group_hashes, group_numbers, strict=True):
            earlier = first.setdefault(code, number)
            if earlier != number and (earlier - 1) // part_rows != (number - 1) // part_rows:
                found[number] = earlier
    return found


def records(open_file, source: readers.Source, offset: int = 0, stop: int | None = None):
    """(record number, byte offset where it starts, cells) of the CSV's data records from the
    record starting at `offset` (0: the file's start, the header skipped), numbered from 1
    there, at most `stop` of them. Quoted line breaks keep a record whole: the csv reader asks
    for lines one at a time and never reads ahead. ReaderError where the file's reader would
    refuse the file (its own pass gives the message)."""
    encoding, header = source.encoding or "utf-8", not offset
    if encoding == "utf-8-sig":
        encoding, offset = "utf-8", offset or len(codecs.BOM_UTF8)
    decode = codecs.getdecoder(encoding)
    with open_file() as fh:
        fh.seek(offset)
        position = [offset]

        def lines():
            for raw in iter(lambda: fh.readline(readers.MAX_LINE + 1), b""):
                if len(raw) > readers.MAX_LINE:
                    raise readers.ReaderError("line too long")
                position[0] += len(raw)
                yield decode(raw)[0]

        reader = csv.reader(lines(), delimiter=source.delimiter or ",", strict=False)
        try:
            if header:
                next(reader, None)
            number = 0
            while stop is None or number < stop:
                start = position[0]
                cells = next(reader, None)
                if cells is None:
                    return
                number += 1
                yield number, start, cells
        except (csv.Error, UnicodeDecodeError) as error:
            raise readers.ReaderError(str(error)) from error


def part_rows_of(batch: ImportBatch, part: ImportPart) -> list[tuple[int, list]]:
    """The part's rows as the reader yields them: (row number, cells), empty rows left out,
    each row cut after MAX_COLUMNS + 1 cells."""
    width = readers.MAX_COLUMNS + 1
    return [
        (part.first_row + number - 1, cells[:width])
        for number, _offset, cells in records(
            batch.open_file, _source(batch), part.offset, part.last_row - part.first_row + 1
        )
        if any(c != "" for c in cells)
    ]


def _source(batch: ImportBatch) -> readers.Source:
    return readers.Source.from_dict(batch.source)


def run_part(batch_id, part_id) -> str:
    """Import one part in one transaction; returns what happened ("done", "skipped": done
    before or the batch is not running, "stopped": the batch stopped meanwhile)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    part = ImportPart.objects.get(pk=part_id)
    if batch.status != Status.RUNNING or part.done:
        return "skipped"
    try:
        rows = part_rows_of(batch, part)
        language = translation.override(batch.language)
        with origin(batch.origin), language, transaction.atomic():
            part = ImportPart.objects.select_for_update().get(pk=part_id)
            if part.done:
                return "skipped"
            counts = {}
            if rows:
                planner = Planner(batch, batch.created_by, lock_each_key=True)
                plans = planner.plan(rows, part.repeats)
                counts = write_chunk(planner, plans, rows[0][0], rows[-1][0])
            part.done = True
            part.save(update_fields=["done"])
            finished = _count(batch, part, counts)
        if finished:
            flush_search_index(batch.model)
    except Stopped:
        return "stopped"
    except Exception as error:
        ImportBatch.objects.filter(pk=batch.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error=str(error)[:2000]
        )
        raise
    return "done"


def _count(batch, part, counts) -> bool:
    """Add the part to the batch's progress (the last statement of the part's transaction: it
    holds the batch's row until the commit); the part that finds none open finishes the batch
    and returns True."""
    now = timezone.now()
    changed = ImportBatch.objects.filter(pk=batch.pk, status=Status.RUNNING).update(
        next_row=F("next_row") + (part.last_row - part.first_row + 1),
        created_count=F("created_count") + counts.get("create", 0),
        updated_count=F("updated_count") + counts.get("update", 0),
        duplicate_count=F("duplicate_count") + counts.get("duplicate", 0),
        unchanged_count=F("unchanged_count") + counts.get("unchanged", 0),
        failed_count=F("failed_count") + counts.get("failed", 0),
        related_created_count=F("related_created_count") + counts.get("related", 0),
        progress_at=now,
    )
    if not changed:
        raise Stopped
    # Read after the batch's row lock: every part committed before it is seen as done.
    if batch.parts.filter(done=False).exists():
        return False
    ImportBatch.objects.filter(pk=batch.pk).update(status=Status.DONE, finished_at=now)
    return True


def uses_parts() -> bool:
    """Whether the background task cuts files into parts: PostgreSQL (SQLite writes one
    transaction at a time, so parts would only queue behind each other)."""
    return connection.vendor == "postgresql"
