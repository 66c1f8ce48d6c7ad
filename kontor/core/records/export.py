"""CSV export of a list as filtered, searched and sorted, with the user's chosen columns.

The file is streamed row by row from an iterator, so memory stays flat at any size. Values are
stored keys (dropdown keys, ISO dates, ids of linked records) so a file can be imported again.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

from kontor.core.actions import as_text
from kontor.core.records.views import ListView


class _Echo:
    def write(self, value):
        return value


class ExportView(ListView):
    action = "export"

    def get(self, request):
        cols = self.get_columns()
        sort = self.get_sort(cols)
        _filterset, queryset, _term = self.filtered()
        descending = sort.startswith("-")
        key = sort.lstrip("-")
        queryset = queryset.order_by(f"-{key}" if descending else key, "pk")
        names = ["id", *[c.field.attname for c in cols]]
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # a BOM, so spreadsheet programs read UTF-8
            yield writer.writerow(["id", *[c.name for c in cols]])
            for row in queryset.values_list(*names).iterator(chunk_size=2000):
                yield writer.writerow([as_text(v) for v in row])

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.module.slug}-{stamp}.csv"')
        return response
