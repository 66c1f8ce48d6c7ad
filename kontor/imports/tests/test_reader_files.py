"""The readers and the uploaded file they share: every reader of a batch opens the same file
object (`batch.file`), so a reader that stopped early or was refused must let go of it at once,
never later when Python collects what it left behind (that closed the file under the next
reader, "I/O operation on closed file").

A refused dry run is kept referenced here on purpose: Django's ValidationError refers to itself,
so on the mapping page it (and what it holds) lives until the cyclic garbage collector runs,
which may be in the middle of the next reader.
"""

import gc
from itertools import islice

import pytest
from django.core.exceptions import ValidationError

from kontor.imports import actions, readers
from kontor.imports.tests.helpers import upload
from kontor.leads.models import Lead

pytestmark = pytest.mark.django_db

FIVE = "Email,Last Name\n" + "".join(f"p{n}@firma.example,P{n}\n" for n in range(1, 6))


def batch_of(text: str, actor):
    return actions.create_batch(upload("list.csv", text.encode()), model=Lead, actor=actor)


def first_rows_after(held: list, batch) -> list:
    """The mapping page's five sample rows, read while the refused dry run in `held` is still
    referenced; it is let go and collected in the middle of the reading."""
    source = readers.Source.from_dict(batch.source)
    reading = readers.rows(actions.batch_opener(batch), source, stop=100)
    read = [next(reading)]
    held.clear()
    gc.collect()
    read += islice(reading, 4)
    reading.close()
    return read


def test_a_dry_run_refused_by_the_row_limit_leaves_the_file_to_the_next_reader(admin, monkeypatch):
    batch = batch_of(FIVE, admin)
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="more than 3 rows") as refusal:
        actions.preview(batch, actor=admin)
    assert batch.file.closed  # the refused reader closed the file before it answered

    monkeypatch.setattr(readers, "MAX_ROWS", 100)
    held = [refusal]
    del refusal
    read = first_rows_after(held, batch)
    assert [cells[1] for _number, cells in read] == ["P1", "P2", "P3", "P4", "P5"]
    assert batch.file.closed


def test_a_dry_run_refused_by_a_long_cell_leaves_the_file_to_the_next_reader(admin):
    long_cell = "x" * (readers.MAX_CELL + 1)
    batch = batch_of(FIVE + f"p6@firma.example,{long_cell}\n", admin)
    with pytest.raises(ValidationError, match="a cell is longer") as refusal:
        actions.preview(batch, actor=admin)

    held = [refusal]
    del refusal
    read = first_rows_after(held, batch)
    assert [cells[1] for _number, cells in read] == ["P1", "P2", "P3", "P4", "P5"]


def test_a_reader_stopped_early_closes_the_file_when_it_is_closed(admin):
    batch = batch_of(FIVE, admin)
    source = readers.Source.from_dict(batch.source)
    opened = []

    def opener():
        opened.append(actions.batch_opener(batch)())
        return opened[-1]

    reading = readers.rows(opener, source)
    assert next(reading) == (1, ["p1@firma.example", "P1"])
    assert not opened[0].closed
    reading.close()
    assert opened[0].closed
    # The header is read the same way and lets go of the file as soon as it has the header.
    assert readers.inspect(opener)[1] == ["Email", "Last Name"]
    assert opened[1].closed
    # Each reader has a file object of its own: closing one never closes another's.
    assert opened[0] is not opened[1]
