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
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import BinaryIO

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

#: Delimiters a CSV file may use, most common first (ties go to the earlier one).
DELIMITERS = (",", ";", "\t", "|")
#: The longest cell a file may hold, in characters: just above Excel's own limit (32,767)
#: and every field's length.
MAX_CELL = 32 * 1024
#: The most columns a file may have; a data row is cut after one more (so that the planner
#: still sees a row longer than its header).
MAX_COLUMNS = 200
#: The most data rows a file may have (a million leads are about 150 MB of CSV).
MAX_ROWS = getattr(settings, "KONTOR_IMPORT_MAX_ROWS", 2_000_000)
#: The longest physical line of a CSV (a full row of quoted cells), refused before Python's
#: csv module splits it.
MAX_LINE = MAX_COLUMNS * (MAX_CELL + 3)
#: Column titles longer than this are cut (they are shown on the mapping page).
MAX_HEADER = 200
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
        with open_file() as fh, _as_text(fh, encoding) as text:
            delimiter = detect_delimiter(text.read(64 * 1024))
        source = Source("csv", encoding, delimiter)
    with closing(_records(open_file, source, width=None)) as records:
        for _number, cells in records:
            if len(cells) > MAX_COLUMNS:
                cells = _without_trailing_empty(cells)  # styled empty cells right of the data
            if len(cells) > MAX_COLUMNS:
                raise ReaderError(
                    _(
                        "The file has more than %(limit)s columns. Remove the columns you do "
                        "not import, or split the file."
                    )
                    % {"limit": number_format(MAX_COLUMNS, force_grouping=True)}
                )
            headers = [_header(cell, i) for i, cell in enumerate(cells)]
            return source, headers
    raise ReaderError(_("The file is empty."))


def rows(
    open_file: Opener, source: Source, start: int = 1, stop: int | None = None
) -> Iterator[tuple[int, list]]:
    """The data rows as (row number from 1, cells), from row `start` up to row `stop`, empty
    rows left out (they keep their numbers).

    Each row has at most MAX_COLUMNS + 1 cells; a file of more than MAX_ROWS rows raises
    ReaderError when the reading gets there."""
    # Closed on every way out (the end, `stop`, a refusal, the caller letting go): the file is
    # closed before this returns or raises. A refusal's traceback keeps this frame; a reader
    # left open in it would hold its file until the refusal is collected, at no set time.
    with closing(_records(open_file, source, width=MAX_COLUMNS + 1)) as records:
        next(records, None)  # the header row
        for number, (_line, cells) in enumerate(records, start=1):
            if stop is not None and number > stop:
                return
            if number > MAX_ROWS:
                raise ReaderError(
                    _("The file has more than %(limit)s rows. Split it into several files.")
                    % {"limit": number_format(MAX_ROWS, force_grouping=True)}
                )
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
    text = " ".join(str(cell if cell is not None else "").split())[:MAX_HEADER]
    return text or _("Column %(number)s") % {"number": index + 1}


def _without_trailing_empty(cells: list) -> list:
    end = len(cells)
    while end and cells[end - 1] in ("", None):
        end -= 1
    return cells[:end]


def _records(open_file: Opener, source: Source, width: int | None) -> Iterator[tuple[int, list]]:
    """Every record of the file as (line or row number, cells); with `width`, the cells of a
    CSV record are cut after `width` (an XLSX sheet reads data rows only as wide as its
    header allows)."""
    if source.kind == "xlsx":
        yield from _xlsx_records(open_file)
    else:
        with closing(_csv_records(open_file, source)) as records:
            for number, cells in records:
                yield number, cells[:width] if width else cells


def _csv_records(open_file: Opener, source: Source) -> Iterator[tuple[int, list]]:
    with open_file() as fh, _as_text(fh, source.encoding or "utf-8") as text:
        lines = _bounded_lines(text)
        reader = csv.reader(lines, delimiter=source.delimiter or ",", strict=False)
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


@contextmanager
def _as_text(fh: BinaryIO, encoding: str) -> Iterator[io.TextIOWrapper]:
    """The binary file `fh` as text (strict decoding, line ends kept for the csv module), for
    as long as the block runs; closing `fh` is left to whoever opened it."""
    text = io.TextIOWrapper(fh, encoding=encoding, newline="", errors="strict")
    try:
        yield text
    finally:
        # A wrapper closes its file when it is collected, which a traceback can delay until
        # the file is open again for another reader of the same upload: detached, it cannot.
        if not fh.closed:
            text.detach()


def _bounded_lines(text: io.TextIOBase) -> Iterator[str]:
    # A line of millions of delimiters would become a list of millions of cells before any
    # check could count them: such a line is refused while it is still text.
    number = 0
    while line := text.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise ReaderError(
                _("Line %(line)s cannot be read: %(reason)s")
                % {
                    "line": number,
                    "reason": _("it is longer than %(limit)s characters")
                    % {"limit": number_format(MAX_LINE, force_grouping=True)},
                }
            )
        yield line


def _csv_reason(error: csv.Error) -> str:
    if "field larger" in str(error):
        return _cell_too_long()
    if "NUL" in str(error):
        return _("it contains binary data")
    return _("the quotes are unbalanced")


def _cell_too_long() -> str:
    return _("a cell is longer than %(limit)s characters") % {
        "limit": number_format(MAX_CELL, force_grouping=True)
    }


def _xlsx_records(open_file: Opener) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    with open_file() as fh:
        try:
            book = load_workbook(fh, read_only=True, data_only=True)
            sheet = book.worksheets[0]
            # The size a sheet declares (A1:XFD1048576 in a file of 2 KB) would pad every row
            # to it and add empty rows up to its end: only actual cells are read. The header
            # row reaches its last cell; data rows are read one cell wider than the header.
            sheet.reset_dimensions()
            header = next(sheet.iter_rows(max_row=1, values_only=True), ())
            if len(header) > MAX_COLUMNS:
                header = _without_trailing_empty(header)
            yield 1, _xlsx_cells(1, header)
            width = min(len(header), MAX_COLUMNS) + 1
            records = sheet.iter_rows(min_row=2, max_col=width, values_only=True)
            for number, values in enumerate(records, start=2):
                # The one cell more is kept only when it holds something (a row too long).
                yield number, _xlsx_cells(number, values if values[-1:] != (None,) else values[:-1])
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


def _xlsx_cells(number: int, values: tuple) -> list:
    if values.count(None) == len(values):
        return []  # an empty or missing row, without converting its cells
    cells = [_xlsx_value(v) for v in values]
    if any(type(c) is str and len(c) > MAX_CELL for c in cells):
        raise ReaderError(
            _("Line %(line)s cannot be read: %(reason)s")
            % {"line": number, "reason": _cell_too_long()}
        )
    return cells


def _xlsx_value(value):
    # Cells keep their type (numbers, dates): the value parsers accept them as they are.
    if value is None:
        return ""
    if isinstance(value, datetime | date | bool | int | float):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)
