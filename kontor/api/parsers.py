"""The API's JSON parser: bodies over KONTOR_API_MAX_BODY bytes are a clear 400."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.KONTOR_API_MAX_BODY
        length = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        if length.isdigit() and int(length) > limit:
            raise exceptions.ParseError(
                _("The body is larger than %(max)d bytes.") % {"max": limit}
            )
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError(_("The body is not valid JSON.")) from None
