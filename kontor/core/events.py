"""Record events for whoever reacts to them after the change is committed (webhooks, later
workflows): created, updated, deleted, restored, converted.

The actions call `record_event` inside their transaction; listeners registered with `listen`
receive the events of that transaction once it commits, in one batch, and nothing when it rolls
back (DESIGN.md rule 1: follow-up work via `transaction.on_commit`). The kernel knows no
listener: apps connect theirs in `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

CREATED, UPDATED, DELETED, RESTORED, CONVERTED = (
    "created",
    "updated",
    "deleted",
    "restored",
    "converted",
)
KINDS = (CREATED, UPDATED, DELETED, RESTORED, CONVERTED)


@dataclass
class Event:
    """`kind` happened to `record` (as saved); `actor` did it; `related` names other records
    involved (a conversion's results, as {"contact": record, …})."""

    kind: str
    record: object
    actor: object = None
    related: dict = field(default_factory=dict)


_listeners: list[Callable[[list[Event]], None]] = []


def listen(listener: Callable[[list[Event]], None]) -> None:
    """Call `listener(events)` after each commit that produced events (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)


def record_event(kind: str, record, *, actor=None, related: dict | None = None) -> None:
    """Note that `kind` happened to `record`; listeners hear of it after the commit.

    Each event is its own on-commit callback, so an event of a savepoint that rolled back (a
    conversion refused halfway) is dropped with it.
    """
    if not _listeners:
        return
    event = Event(kind, record, actor, related or {})
    # robust: a failing listener is logged; it must not turn a committed change into a 500.
    transaction.on_commit(lambda: _notify([event]), robust=True)


def _notify(events: list[Event]) -> None:
    for listener in list(_listeners):
        listener(events)
