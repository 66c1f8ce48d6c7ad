"""A report's result as a CSV or XLSX file: the group columns, the figures, the totals row.

Cells are written as kontor.core.records.export writes a list's (text neutralised against
formulas; numbers stay numbers).
"""

import csv
import io
import tempfile

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kontor.core.records.export import XLSX_TYPE, csv_cell, xlsx_cell


def table(result) -> tuple[list, list[list]]:
    """(header, rows) of `result`, the totals row last."""
    header = [*result.columns, *(f["label"] for f in result.figures)]
    rows = [[*row.labels, *row.values] for row in result.rows]
    if result.rows:
        filler = [""] * (len(result.columns) - 1)
        rows.append([_("Total"), *filler, *result.totals])
    return header, rows


def _filename(report, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{slugify(report.name) or 'report'}-{stamp}.{extension}"


def csv_file(report, result) -> HttpResponse:
    header, rows = table(result)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read UTF-8
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) if v is not None else "" for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


def xlsx(report, result) -> FileResponse:
    header, rows = table(result)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(report.name or _("Report"))[:31].replace("/", "-"))
    sheet.append([xlsx_cell(str(h)) for h in header])
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    workbook.save(target)
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=_filename(report, "xlsx"), content_type=XLSX_TYPE
    )
