"""Cursor pages of API lists: the keyset pagination of the list pages (no COUNT, no OFFSET).

`?limit=` rows (1–200, default KONTOR_PAGE_SIZE) in the view's order; `next` and `previous`
are full URLs carrying an opaque `cursor`. A damaged cursor is a 400.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from kontor.core.records import pagination as keyset

MAX_LIMIT = 200


def whole_number(text: str) -> int | None:
    """`text` as a number when it is plain ASCII digits, else None ("²" and "٣" are digits
    to str.isdigit(), and int() refuses the one and reads the other)."""
    return int(text) if text.isascii() and text.isdigit() else None


class KeysetPagination(BasePagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        limit = request.query_params.get("limit", "")
        if limit:
            size = whole_number(limit)
            if size is None or not 1 <= size <= MAX_LIMIT:
                raise exceptions.ValidationError(
                    {"limit": [_("Send a number from 1 to %(max)d.") % {"max": MAX_LIMIT}]}
                )
        else:
            size = settings.KONTOR_PAGE_SIZE
        sort = view.get_sort() if view is not None else "-date_entered"
        cursor = request.query_params.get("cursor") or None
        if cursor is not None:
            field, _nullable = keyset.resolve(queryset.model, sort.lstrip("-"))
            if keyset.decode(cursor, field, queryset.model._meta.pk) is None:
                raise exceptions.ValidationError({"cursor": [_("This cursor is not valid.")]})
        self.page = keyset.paginate(queryset, sort, cursor, size)
        return self.page.rows

    def _link(self, cursor):
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.prev_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The page to show: the cursor of a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1 to {MAX_LIMIT}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
        ]
