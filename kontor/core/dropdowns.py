"""Reading dropdown lists: the options of a list and the label of a stored key.

All lists are loaded with one query and kept in Django's cache (Redis in a deployment), so a
list page renders labels without a query per row. Editing a list calls `invalidate()`.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language

CACHE_KEY = "kontor:dropdowns:v1"
CACHE_SECONDS = 300

# Within one request the lists are read from the shared cache once and then kept here, so a
# list page with hundreds of labelled cells unpickles (or asks Redis) once, not per cell.
_request_copy: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "kontor_dropdowns", default=None)


@dataclass(frozen=True)
class Option:
    key: str
    label_en: str
    label_de: str
    active: bool
    is_default: bool
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.label_de if (get_language() or "").startswith("de") else self.label_en


def _load() -> dict[str, list[Option]]:
    from kontor.core.models import DropdownValue

    lists: dict[str, list[Option]] = {}
    rows = DropdownValue.objects.select_related("dropdown").order_by(
        "dropdown__name", "position", "id"
    )
    for v in rows:
        lists.setdefault(v.dropdown.name, []).append(
            Option(v.key, v.label_en, v.label_de, v.active, v.is_default, v.extra)
        )
    return lists


def cached(slot: str, key: str, load):
    """A value read once per request: this request's copy, else the shared cache under `key`,
    else `load()` (then cached for CACHE_SECONDS). Dropdowns and the configuration use it."""
    held = _request_copy.get()
    if held is not None and slot in held:
        return held[slot]
    value = cache.get(key)
    if value is None:
        value = load()
        cache.set(key, value, CACHE_SECONDS)
    if held is not None:
        held[slot] = value
    return value


def all_lists() -> dict[str, list[Option]]:
    return cached("lists", CACHE_KEY, _load)


@contextmanager
def request_copy():
    """Keep the lists read during this block (one request or job) for the block's duration."""
    token = _request_copy.set({})
    try:
        yield
    finally:
        _request_copy.reset(token)


def invalidate() -> None:
    cache.delete(CACHE_KEY)
    held = _request_copy.get()
    if held is not None:
        held.pop("lists", None)


def options(name: str, *, include_inactive: bool = False) -> list[Option]:
    return [o for o in all_lists().get(name, []) if include_inactive or o.active]


def choices(name: str, *, keep: str = "") -> list[tuple[str, str]]:
    """(key, label) pairs for a form: the active values, plus `keep` if a record still has it."""
    result = [(o.key, o.label) for o in options(name, include_inactive=True)
              if o.active or o.key == keep]
    return result


def label(name: str, key: str) -> str:
    """The label of `key` in the current language; an unknown key shows as itself."""
    if not key:
        return ""
    for o in all_lists().get(name, []):
        if o.key == key:
            return o.label
    return key


def option(name: str, key: str) -> Option | None:
    for o in all_lists().get(name, []):
        if o.key == key:
            return o
    return None


def default(name: str) -> str:
    for o in options(name):
        if o.is_default:
            return o.key
    return ""
