"""Export of a list as filtered, searched and sorted, with the user's chosen columns: CSV and
XLSX. vCard and iCalendar live in records/vcard.py and activities/calendar.py.

Both formats stream: CSV row by row from an iterator; XLSX through openpyxl's write-only mode,
which keeps the rows in a temporary file, not in memory. Values are stored keys (dropdown keys,
ISO dates, ids of linked records) so a file can be imported again. Text that a spreadsheet
would run as a formula (starting with = + - @, a tab or a carriage return) is neutralised with
a leading apostrophe, in CSV and XLSX alike; numbers stay numbers.
"""

import csv
import tempfile
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kontor.core.actions import as_text
from kontor.core.records.list_views import ListView

#: First characters that make a spreadsheet cell a formula (OWASP "CSV injection"), including
#: the full-width forms some spreadsheet programs also accept.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(text: str) -> str:
    """`text` as a cell value no spreadsheet runs: a leading apostrophe before formula starts."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str:
    """A database value as CSV text: keys and ISO dates; text neutralised."""
    return neutralise(value) if isinstance(value, str) else as_text(value)


def xlsx_cell(value):
    """A database value as an XLSX cell: numbers, dates and yes/no typed; all else text."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime):
        # Spreadsheets have no time zones: the user's local time, as shown in the app.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value
    text = value if isinstance(value, str) else as_text(value)
    # XML turns a carriage return into a line feed anyway; do it here, after the check.
    text = neutralise(ILLEGAL_CHARACTERS_RE.sub("", text))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def chunked(lines, size: int = 64 * 1024):
    """Join streamed lines into ~64 KB pieces: one write per piece, not one per row."""
    buffer, length = [], 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


class Echo:
    """A file for csv.writer that hands each written line back, for streamed responses."""

    def write(self, value):
        return value


class ExportView(ListView):
    """CSV of the list the user sees (the URL carries its filters, search and sort)."""

    action = "export"
    extension = "csv"

    def export_queryset(self):
        """The records of the list, through the permission filter for "export", sorted."""
        cols = self.get_columns()
        sort = self.get_sort(cols)
        _filterset, queryset, _term = self.filtered()
        queryset = self.sorted_by_custom(queryset, cols, sort)
        key = sort.lstrip("-")
        return queryset.order_by(f"-{key}" if sort.startswith("-") else key, "pk")

    def export_rows(self):
        """(header, rows): the id and the chosen columns; rows stream from the database."""
        cols = self.get_columns()
        names, header = ["id"], ["id"]
        for col in cols:
            names.append(col.field.attname)
            header.append(col.name)
            # An amount is exported with its currency beside it, unless that is a column too.
            currency = getattr(col.field, "currency_field", None)
            if currency and currency not in {c.name for c in cols}:
                names.append(currency)
                header.append(currency)
        rows = self.export_queryset().values_list(*names).iterator(chunk_size=2000)
        return header, rows

    def filename(self) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.module.slug}-{stamp}.{self.extension}"

    def get(self, request):
        header, rows = self.export_rows()
        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8
            yield writer.writerow(header)
            for row in rows:
                yield writer.writerow([csv_cell(v) for v in row])

        response = StreamingHttpResponse(chunked(lines()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename()}"'
        return response


class XlsxExportView(ExportView):
    """The same list as an Excel workbook, written row by row to a temporary file."""

    extension = "xlsx"
    #: Excel's rows per sheet, less the header
    max_rows = 1_048_575

    def get(self, request):
        header, rows = self.export_rows()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.module.verbose_name_plural)[:31])
        sheet.append(header)
        for row in islice(rows, self.max_rows):
            sheet.append([xlsx_cell(v) for v in row])
        # A spreadsheet holds 1,048,576 rows: a longer list is cut there, and says so in the
        # file name (CSV has no such limit).
        filename = self.filename()
        if next(rows, None) is not None:
            filename = filename.replace(".xlsx", f"-first-{self.max_rows}.xlsx")
        # The workbook is a zip whose directory comes last: it is written to a temporary file
        # (rows already went to disk in write-only mode), then the file is streamed.
        target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        workbook.save(target)
        target.seek(0)
        return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
