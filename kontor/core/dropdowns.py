"""Reading dropdown lists: the options of a list and the label of a stored key.

All lists are loaded with one query and kept in Django's cache (Redis in a deployment), so a
list page renders labels without a query per row. Editing a list calls `invalidate()`.

Each process also keeps the lists it read, tagged with a version kept in the shared cache: a
request then asks the cache for that short version only, not for the whole pickled lists (9 KB,
about a tenth of an API create's time); `invalidate()` gives them a new version, which every
process sees on its next request.
"""

import contextvars
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language

CACHE_KEY = "kontor:dropdowns:v1"
CACHE_SECONDS = 300

# Within one request the lists are read from the shared cache once and then kept here, so a
# list page with hundreds of labelled cells unpickles (or asks Redis) once, not per cell.
_request_copy: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "kontor_dropdowns", default=None
)


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
    from kontor.core.dropdown_models import DropdownValue

    lists: dict[str, list[Option]] = {}
    rows = DropdownValue.objects.select_related("dropdown").order_by(
        "dropdown__name", "position", "id"
    )
    for v in rows:
        lists.setdefault(v.dropdown.name, []).append(
            Option(v.key, v.label_en, v.label_de, v.active, v.is_default, v.extra)
        )
    return lists


# key → (version, when it was read, value): this process's copies of shared-cache values.
_process_copy: dict[str, tuple[str, float, object]] = {}


def cached(slot: str, key: str, load):
    """A value read once per request: this request's copy, else this process's copy while the
    shared cache's version of `key` is unchanged (and younger than CACHE_SECONDS), else the
    shared cache under `key`, else `load()` (then cached for CACHE_SECONDS). Dropdowns and the
    configuration use it; `forget(key)` invalidates it everywhere."""
    held = _request_copy.get()
    if held is not None and slot in held:
        return held[slot]
    # The version is read before the value: a change that lands in between gives a newer
    # version, so a value read here is never kept under a version it is older than.
    version = cache.get(_version_key(key))
    if version is None:
        cache.add(_version_key(key), uuid.uuid4().hex, None)
        version = cache.get(_version_key(key))
    mine = _process_copy.get(key)
    if mine and mine[0] == version and time.monotonic() - mine[1] < CACHE_SECONDS:
        value = mine[2]
    else:
        value = cache.get(key)
        if value is None:
            value = load()
            cache.set(key, value, CACHE_SECONDS)
        if version is not None:
            _process_copy[key] = (version, time.monotonic(), value)
    if held is not None:
        held[slot] = value
    return value


def forget(key: str) -> None:
    """Drop the shared value of `key` and give it a new version: every process reloads it."""
    cache.delete(key)
    cache.set(_version_key(key), uuid.uuid4().hex, None)
    _process_copy.pop(key, None)


def _version_key(key: str) -> str:
    return f"{key}:version"


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
    forget(CACHE_KEY)
    held = _request_copy.get()
    if held is not None:
        held.pop("lists", None)


def options(name: str, *, include_inactive: bool = False) -> list[Option]:
    return [o for o in all_lists().get(name, []) if include_inactive or o.active]


def choices(name: str, *, keep: str = "") -> list[tuple[str, str]]:
    """(key, label) pairs for a form: the active values, plus `keep` if a record still has it."""
    result = [
        (o.key, o.label) for o in options(name, include_inactive=True) if o.active or o.key == keep
    ]
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
