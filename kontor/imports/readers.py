"""Readers of uploaded import files: CSV (encoding and delimiter detected) and XLSX.

For the import pipeline only. Every reader streams: a million-row file is never held in memory,
and every problem with the file itself raises `ReaderError` with a translated message the upload
form shows on the file field.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from django.utils.translation import gettext as _

#: Delimiters a CSV file may use, most common first (ties go to the earlier one).
DELIMITERS = (",", ";", "\t", "|")
#: The longest cell a CSV may hold; Python's default is 128 KiB of text.
MAX_CELL = 1_000_000
BLOCK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

csv.field_size_limit(MAX_CELL)

Opener = Callable[[], BinaryIO]


class ReaderError(Exception):
    """The file cannot be read at all; the message says why, in the user's language."""


@dataclass(frozen=True)
class Source:
    """What the reader detected: "csv" or "xlsx", the text encoding and the delimiter."""

    kind: str
    encoding: str = ""
    delimiter: str = ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "encoding": self.encoding, "delimiter": self.delimiter}

    @classmethod
    def from_dict(cls, data: dict) -> "Source":
        return cls(data.get("kind", "csv"), data.get("encoding", ""), data.get("delimiter", ""))


def inspect(open_file: Opener) -> tuple[Source, list[str]]:
    """Detect the file's format and read its header row (column titles, never empty)."""
    with open_file() as fh:
        magic = fh.read(4)
    if magic == OLE_MAGIC:
        raise ReaderError(_("This is an old Excel file (.xls). Save it as .xlsx or CSV."))
    if magic == ZIP_MAGIC:
        source = Source("xlsx")
    else:
        with open_file() as fh:
            encoding = detect_encoding(fh)
        with open_file() as fh:
            text = io.TextIOWrapper(fh, encoding=encoding, newline="")
            delimiter = detect_delimiter(text.read(64 * 1024))
        source = Source("csv", encoding, delimiter)
    for _number, cells in _records(open_file, source):
        headers = [_header(cell, i) for i, cell in enumerate(cells)]
        return source, headers
    raise ReaderError(_("The file is empty."))


def rows(open_file: Opener, source: Source, start: int = 1) -> Iterator[tuple[int, list]]:
    """The data rows as (row number from 1, cells), from row `start`, empty rows left out."""
    records = _records(open_file, source)
    next(records, None)  # the header row
    for number, (_line, cells) in enumerate(records, start=1):
        if number >= start and any(c not in ("", None) for c in cells):
            yield number, cells


def count_rows(open_file: Opener, source: Source) -> int:
    """How many non-empty data rows the file has (one streaming pass)."""
    return sum(1 for _row in rows(open_file, source))


def detect_encoding(fh: BinaryIO) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; binary is refused."""
    head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    fh.seek(0)
    first = fh.read(64 * 1024)
    if _looks_binary(first):
        raise ReaderError(_("This is not a CSV or Excel file (it contains binary data)."))
    for encoding in ("utf-8", "cp1252"):
        fh.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for block in iter(lambda: fh.read(BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ReaderError(_("The file's text encoding is not recognised. Save it as UTF-8 CSV."))


def _looks_binary(sample: bytes) -> bool:
    # Text files have no NUL bytes and hardly any other control characters.
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    return controls > max(2, len(sample) // 100)


def detect_delimiter(sample: str) -> str:
    """The delimiter found most often outside quotes in the header line (',' if none)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in sample:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cell, index: int) -> str:
    text = " ".join(str(cell if cell is not None else "").split())
    return text or _("Column %(number)s") % {"number": index + 1}


def _records(open_file: Opener, source: Source) -> Iterator[tuple[int, list]]:
    if source.kind == "xlsx":
        yield from _xlsx_records(open_file)
    else:
        yield from _csv_records(open_file, source)


def _csv_records(open_file: Opener, source: Source) -> Iterator[tuple[int, list]]:
    with open_file() as fh:
        text = io.TextIOWrapper(
            fh, encoding=source.encoding or "utf-8", newline="", errors="strict"
        )
        reader = csv.reader(text, delimiter=source.delimiter or ",", strict=False)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ReaderError(
                    _("Line %(line)s cannot be read: %(reason)s")
                    % {"line": reader.line_num, "reason": _csv_reason(error)}
                ) from error
            except UnicodeDecodeError as error:
                raise ReaderError(
                    _("The file's text encoding changes part way through. Save it as UTF-8 CSV.")
                ) from error
            number += 1
            yield number, cells


def _csv_reason(error: csv.Error) -> str:
    if "field larger" in str(error):
        return _("a cell is longer than %(limit)s characters") % {"limit": f"{MAX_CELL:,}"}
    if "NUL" in str(error):
        return _("it contains binary data")
    return _("the quotes are unbalanced")


def _xlsx_records(open_file: Opener) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    with open_file() as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            records = sheet.iter_rows(values_only=True)
            for number, values in enumerate(records, start=1):
                yield number, [_xlsx_value(v) for v in values]
        except (
            zipfile.BadZipFile,
            KeyError,
            OSError,
            ValueError,
            TypeError,
            IndexError,
            EOFError,
        ) as error:
            raise ReaderError(_("This Excel file is damaged or not an .xlsx file.")) from error
        except Exception as error:  # openpyxl raises its own types for broken XML
            if type(error).__module__.startswith(("openpyxl", "xml", "defusedxml")):
                raise ReaderError(_("This Excel file is damaged or not an .xlsx file.")) from error
            raise


def _xlsx_value(value):
    # Cells keep their type (numbers, dates): the value parsers accept them as they are.
    if value is None:
        return ""
    if isinstance(value, datetime | date | bool | int | float):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
