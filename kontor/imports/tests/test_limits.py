"""Limits of what an import reads: columns, rows and cell size, checked before any heavy work.

A tiny XLSX may declare its sheet as A1:XFD1048576 (16,384 columns, a million rows) and a small
CSV may have 50,000 columns; neither may make the upload or the mapping page compute for long
or render a huge page. No test here measures time: they count what was read and rendered.
"""

import io
import re
import zipfile
from itertools import islice
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from kontor.imports import actions, readers
from kontor.imports.models import ImportBatch
from kontor.imports.tests.helpers import queued, upload
from kontor.leads.models import Lead

HUGE = "A1:XFD1048576"


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def xlsx(rows, *, dimension: str | None = None, replace: tuple = ()) -> bytes:
    """An Excel file of `rows`; with `dimension` its sheet declares that size instead, and
    `replace` (old, new) swaps bytes in its XML (what openpyxl would not write)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is not None:
        replace = (*replace, (rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode()))
    if not replace:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            for old, new in replace:
                data = re.sub(old, new, data)
            dst.writestr(item, data)
    return out.getvalue()


LEADS = [["Last Name", "Email", "City"]] + [
    [f"Person {n}", f"p{n}@firma.example", "Köln"] for n in range(1, 6)
]


def test_a_sheet_declaring_16384_columns_and_a_million_rows_reads_only_its_cells():
    data = xlsx(LEADS, dimension=HUGE)
    assert len(data) < 10_000
    source, headers = readers.inspect(opener(data))
    assert headers == ["Last Name", "Email", "City"]
    first = list(islice(readers.rows(opener(data), source), 5))
    cells_read = len(headers) + sum(len(cells) for _number, cells in first)
    assert cells_read < 100
    assert first[0] == (1, ["Person 1", "p1@firma.example", "Köln"])
    # The million rows the sheet declares are not there: counting reads the five.
    assert readers.count_rows(opener(data), source) == 5


def test_a_value_right_of_column_200_refuses_the_file_at_once():
    header = ["Last Name", *([None] * 250), "Far away"]
    with pytest.raises(readers.ReaderError, match="more than 200 columns"):
        readers.inspect(opener(xlsx([header], dimension=HUGE)))
    with pytest.raises(readers.ReaderError, match="more than 200 columns"):
        readers.inspect(opener(",".join(f"c{n}" for n in range(50_000)).encode()))
    # Empty cells right of the data are no columns.
    source, headers = readers.inspect(opener(("Name,Ort" + "," * 5_000 + "\r\n").encode()))
    assert headers == ["Name", "Ort"]


def test_a_data_row_is_cut_after_one_column_more_than_the_limit():
    data = ("Name,Ort\r\nAnna,Köln\r\nBert" + ",x" * 50_000 + "\r\n").encode()
    source, _headers = readers.inspect(opener(data))
    widths = [len(cells) for _number, cells in readers.rows(opener(data), source)]
    assert widths == [2, readers.MAX_COLUMNS + 1]


def test_cells_longer_than_32_kb_are_refused():
    fits = "x" * readers.MAX_CELL
    (
        source,
        _headers,
    ) = readers.inspect(opener(f"Name,Notes\r\na,{fits}\r\n".encode()))
    assert list(readers.rows(opener(f"Name,Notes\r\na,{fits}\r\n".encode()), source)) == [
        (1, ["a", fits])
    ]
    too_long = f"Name,Notes\r\na,{fits}y\r\n".encode()
    with pytest.raises(readers.ReaderError, match="a cell is longer than 32,768 characters"):
        list(readers.rows(opener(too_long), source))
    # openpyxl writes at most Excel's 32,767 characters; a file made elsewhere may hold more.
    book = xlsx([["Name", "Notes"], ["a", "LONG"]], replace=((b"LONG", b"x" * 40_000),))
    with pytest.raises(readers.ReaderError, match="a cell is longer than 32,768 characters"):
        list(readers.rows(opener(book), readers.Source("xlsx")))


def test_a_very_long_line_is_refused_before_it_is_split_into_cells():
    data = b"Name,Notes\r\n" + b"," * (readers.MAX_LINE + 1) + b"\r\n"
    source, _headers = readers.inspect(opener(data))
    with pytest.raises(readers.ReaderError, match="Line 2 cannot be read"):
        list(readers.rows(opener(data), source))


def test_header_titles_are_cut_to_a_readable_length():
    source, headers = readers.inspect(opener(("Name," + "T" * 5_000 + "\r\n").encode()))
    assert headers == ["Name", "T" * readers.MAX_HEADER]


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    data = b"Name\r\n" + b"".join(b"P%d\r\n" % n for n in range(1, 5))
    source, _headers = readers.inspect(opener(data))
    assert len(list(islice(readers.rows(opener(data), source), 3))) == 3
    with pytest.raises(readers.ReaderError, match="more than 3 rows"):
        readers.count_rows(opener(data), source)


@pytest.mark.django_db
def test_an_import_over_the_row_limit_stops_before_writing_anything(monkeypatch, admin):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    text = "Email,Last Name\n" + "".join(f"p{n}@firma.example,P{n}\n" for n in range(1, 5))
    batch = queued(text, actor=admin)
    with pytest.raises(readers.ReaderError):
        actions.run_import(batch.pk, chunk_size=2)
    batch.refresh_from_db()
    assert batch.status == "failed" and "more than 3 rows" in batch.error
    assert (batch.rows_done, Lead.objects.count(), batch.chunks.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_the_mapping_page_of_a_sheet_declaring_its_maximum_size_stays_small(admin_client):
    response = admin_client.post(
        reverse("imports:upload", args=["leads"]),
        {"file": upload("huge.xlsx", xlsx(LEADS, dimension=HUGE))},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.headers == ["Last Name", "Email", "City"]
    page = admin_client.get(response.url)
    assert page.content.decode().count('name="field_') == 3
    assert len(page.content) < 200 * 1024


@pytest.mark.django_db
def test_a_csv_of_50000_columns_is_refused_on_the_upload_page(admin_client, admin, settings):
    data = ",".join(f"Spalte {n}" for n in range(50_000)) + "\r\n" + "x," * 49_999 + "x\r\n"
    response = admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("wide.csv", data.encode())}
    )
    assert response.status_code == 200
    assert "The file has more than 200 columns" in response.content.decode()
    assert len(response.content) < 200 * 1024
    assert not ImportBatch.objects.exists()
    with pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("wide.csv", data.encode()), model=Lead, actor=admin)
    assert "more than 200 columns" in refused.value.message_dict["file"][0]
    assert not ImportBatch.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # no file kept


@pytest.mark.django_db
def test_the_refusal_is_translated(admin):
    from django.utils import translation

    data = ",".join(f"c{n}" for n in range(300)).encode()
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        actions.create_batch(upload("wide.csv", data), model=Lead, actor=admin)
    assert "mehr als 200 Spalten" in refused.value.message_dict["file"][0]


@pytest.mark.django_db
def test_a_dry_run_stopped_by_a_limit_shows_the_reason_on_the_page(admin_client, monkeypatch):
    text = "Email,Last Name\n" + "".join(f"p{n}@firma.example,P{n}\n" for n in range(1, 6))
    admin_client.post(
        reverse("imports:upload", args=["leads"]), {"file": upload("list.csv", text.encode())}
    )
    batch = ImportBatch.objects.get()
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    data = {f"field_{i}": c["field"] for i, c in enumerate(batch.options["columns"])}
    data.update({"mode": "create", "match": "email", "number_format": "de", "step": "preview"})
    response = admin_client.post(reverse("imports:batch", args=[batch.pk]), data)
    assert response.status_code == 200
    assert "The file has more than 3 rows." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "draft" and not Lead.objects.exists()
