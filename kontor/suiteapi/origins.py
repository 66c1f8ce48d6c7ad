"""How the change log names a write made through SuiteCRM's APIs: origin
"suiteapi:v8:<client id>" or "suiteapi:v41:<request>", labelled "SuiteCRM API"."""

from django.utils.translation import gettext as _

ORIGIN_PREFIX = "suiteapi:"


def describe_origin(rest: str) -> tuple[str, str]:
    """The change log's label of a change made through SuiteCRM's V8 or v4_1 API."""
    return _("SuiteCRM API"), ""
