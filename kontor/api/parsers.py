"""The API's JSON parser: bodies over KONTOR_API_MAX_BODY bytes, bodies that are no JSON and
JSON nested deeper than MAX_DEPTH are a clear 400."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

from kontor.api.pagination import whole_number

#: Arrays and objects inside each other: no record body needs more than a handful, and
#: validation and error reporting walk the data recursively.
MAX_DEPTH = 32


def depth(data) -> int:
    """How many arrays and objects `data` nests inside each other (without recursion)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, dict):
            items = value.values()
        elif isinstance(value, list):
            items = value
        else:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:
            todo.extend((item, level + 1) for item in items)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.KONTOR_API_MAX_BODY
        length = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        size = whole_number(length)
        if size is not None and size > limit:
            raise exceptions.ParseError(
                _("The body is larger than %(max)d bytes.") % {"max": limit}
            )
        try:
            data = super().parse(stream, media_type, parser_context)
        except (exceptions.ParseError, RecursionError):
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
        if depth(data) > MAX_DEPTH:
            raise exceptions.ParseError(
                _("The body nests more than %(max)d arrays or objects.") % {"max": MAX_DEPTH}
            )
        return data
