"""The file readers and value parsers with hostile input (hypothesis): wrong encodings, ragged
rows, formulas, huge cells, binary garbage, broken Excel files."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kontor.core import cell_values as values
from kontor.imports import readers

TEXT = st.text(alphabet=st.characters(codec="cp1252", exclude_categories=("Cs", "Cc")), max_size=20)


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def read_all(data: bytes):
    source, headers = readers.inspect(opener(data))
    return source, headers, list(readers.rows(opener(data), source))


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_csv_reads_back_cell_for_cell(rows, delimiter, encoding):
    header = ["Vorname", "Nachname", "Straße"]
    source, headers, data = read_all(csv_bytes([header, *rows], delimiter, encoding))
    assert headers == header and source.delimiter == delimiter
    expected = [r for r in rows if any(c != "" for c in r)]
    assert [cells for _n, cells in data] == expected


@settings(max_examples=80)
@given(st.binary(max_size=2000))
def test_binary_garbage_is_a_clear_error_or_plain_text(blob):
    try:
        read_all(blob)
    except readers.ReaderError as error:
        assert str(error)


def test_windows_1252_and_utf8_bom_are_told_apart():
    text = "Name;Ort\r\nMüller;Köln €\r\n"
    for encoding, expected in (
        ("cp1252", "cp1252"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-8", "utf-8"),
    ):
        source, headers, data = read_all(text.encode(encoding))
        assert source.encoding == expected and headers == ["Name", "Ort"]
        assert data == [(1, ["Müller", "Köln €"])]


def test_ragged_rows_keep_their_numbers_and_empty_rows_are_skipped():
    data = b"a,b,c\r\n1\r\n\r\n1,2,3,4\r\n"
    _source, _headers, rows = read_all(data)
    assert rows == [(1, ["1"]), (3, ["1", "2", "3", "4"])]


def test_line_breaks_inside_quoted_cells():
    data = b'Name,Street\r\n"Br\xc3\xbcckner","Hof 1\nHaus 2"\r\n'
    assert read_all(data)[2] == [(1, ["Brückner", "Hof 1\nHaus 2"])]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03" * 100, "binary data"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"a,b\r\n\x81\x8d\x8f\x90\x9d\r\n", "encoding"),
    ],
)
def test_unreadable_files_get_a_message(data, message):
    with pytest.raises(readers.ReaderError, match=message):
        read_all(data)


def test_a_50_mb_cell_is_refused_with_a_message():
    data = b"Name,Notes\r\nx," + b"a" * (50 * 1024 * 1024) + b"\r\n"
    with pytest.raises(readers.ReaderError, match="longer than"):
        read_all(data)


def test_a_50_mb_file_streams_row_by_row():
    row = b"Anna,Schmidt,anna@example.com,+49 30 1234567,Berlin\r\n"
    data = b"Vorname,Nachname,E-Mail,Telefon,Ort\r\n" + row * (50 * 1024 * 1024 // len(row))
    source, _headers = readers.inspect(opener(data))
    assert readers.count_rows(opener(data), source) == 50 * 1024 * 1024 // len(row)


def test_xlsx_cells_keep_their_types():
    book = Workbook()
    sheet = book.active
    sheet.append(["Last Name", "Birthdate", "Amount", "Notes"])
    sheet.append(["Müller", datetime(1968, 3, 12), 1250.5, "=SUM(A1)"])
    sheet.append([None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    source, headers, rows = read_all(buffer.getvalue())
    assert source.kind == "xlsx" and headers == ["Last Name", "Birthdate", "Amount", "Notes"]
    # A formula is never evaluated: without a value cached by Excel the cell is empty.
    assert rows == [(1, ["Müller", datetime(1968, 3, 12), 1250.5, ""])]
    assert values.parse_date(rows[0][1][1], "de") == date(1968, 3, 12)
    assert values.decimal(rows[0][1][2], "de") == Decimal("1250.5")


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_german_and_english_numbers_read_back_exactly(number):
    english = f"{number:,.2f}"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert values.decimal(english, "en") == number
    assert values.decimal(german, "de") == number


@pytest.mark.parametrize(
    "text, fmt, expected",
    [
        ("12.500,50", "de", Decimal("12500.50")),
        ("1.250.000,00", "de", Decimal("1250000.00")),
        ("850", "de", Decimal("850")),
        ("3.400,00 €", "de", Decimal("3400.00")),
        ("$120,000.00", "en", Decimal("120000.00")),
        ("12.5", "en", Decimal("12.5")),
    ],
)
def test_numbers(text, fmt, expected):
    assert values.decimal(text, fmt) == expected


@pytest.mark.parametrize(
    "text, fmt",
    [("12,500.50", "de"), ("12.500,50", "en"), ("3.4.0", "de"), ("zwölf", "de"), ("1,2,3", "en")],
)
def test_numbers_in_the_other_notation_are_refused(text, fmt):
    with pytest.raises(ValueError, match="format"):
        values.decimal(text, fmt)


def test_dates_and_times():
    assert values.parse_date("29.02.2024", "de") == date(2024, 2, 29)
    assert values.parse_date("03/12/1968", "en") == date(1968, 3, 12)
    assert values.parse_date("2025-12-24", "en") == date(2025, 12, 24)
    with pytest.raises(ValueError, match="not a valid date"):
        values.parse_date("31.02.2025", "de")
    with pytest.raises(ValueError, match="format"):
        values.parse_date("24.12.2025", "en")
    moment = values.parse_datetime("07/22/2025 11:00", "en")
    assert (moment.hour, moment.minute, moment.tzinfo is not None) == (11, 0, True)
    with pytest.raises(ValueError, match="time"):
        values.parse_datetime("07/22/2025 25:00", "en")


def test_formula_guard_and_formulas():
    assert values.text("'+49 221 4711-23") == "+49 221 4711-23"
    assert values.text("'-99") == "-99"
    assert values.text("O'Brien") == "O'Brien"
    for formula in ('=HYPERLINK("http://x")', "+SUM(A1:A3)", "@IF(A1)", "-cmd(1)"):
        with pytest.raises(ValueError, match="formula"):
            values.check_not_formula(formula)
    for text in ("+49 89 1234567", "- keine -", "@kontor"):
        values.check_not_formula(text)


def test_yes_and_no():
    assert [values.boolean(v) for v in ("1", "ja", "X", "0", "", "nein")] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    with pytest.raises(ValueError):
        values.boolean("vielleicht")
