"""How record pages name the job or channel that made a change: the change log's `origin`
("job:import-<id>", "webform:<name>") → a label and, where there is a page, a link.

For the timeline. Apps register the origins they write (`register` in their `ready()`), so the
shared kernel needs to know none of them.
"""

from collections.abc import Callable

_DESCRIBERS: dict[str, Callable[[str], tuple[str, str]]] = {}


def register(prefix: str, describe: Callable[[str], tuple[str, str]]) -> None:
    """`describe(rest of the origin)` returns (label, url); an empty label means unknown."""
    _DESCRIBERS[prefix] = describe


def describe(origin: str) -> tuple[str, str]:
    """(label, url) of `origin`, or ("", "") when no app knows it."""
    for prefix, describe_rest in _DESCRIBERS.items():
        if origin.startswith(prefix):
            return describe_rest(origin[len(prefix) :])
    return "", ""
