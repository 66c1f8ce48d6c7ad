"""The formats of dates and numbers a user chose, in force for their request.

Django reads every format (DATE_FORMAT, DECIMAL_SEPARATOR, …) through
`django.utils.formats.get_format`, from the active language's format module. Kontor lets a user
pick their own (a German speaker who wants 1,234.56): `UserPreferencesMiddleware` puts the
user's choices (`kontor.core.preferences.formats`) in a context variable for the request, and
`install()` (called once from the core app's ready()) wraps `get_format` so a chosen format
wins over the language's. No choice, no change: the wrapper then costs one context variable
read per format looked up.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import formats as django_formats

_chosen: ContextVar[dict | None] = ContextVar("kontor_user_formats", default=None)
_original = django_formats.get_format


def get_format(format_type, lang=None, use_l10n=None):
    """Django's get_format, with the request user's chosen formats first."""
    chosen = _chosen.get()
    if chosen and use_l10n is not False:
        value = chosen.get(str(format_type))
        if value is not None:
            return value
    return _original(format_type, lang, use_l10n)


def install() -> None:
    """Make Django's formatting (template filters, `localize`, `number_format`, form fields)
    read the chosen formats; idempotent."""
    django_formats.get_format = get_format


@contextmanager
def chosen(values: dict):
    """Use `values` ({format name: value}) instead of the language's formats inside."""
    token = _chosen.set(values or None)
    try:
        yield
    finally:
        _chosen.reset(token)
