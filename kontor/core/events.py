"""Record events for whoever reacts to them after the change is committed (webhooks and any
other listener): created, updated, deleted, restored, converted.

Two shapes, one channel:

- `Event`: one record, written by an action through the ORM (`save_record`, a conversion).
  Actions call `record_event` inside their transaction.
- `BulkEvent`: many records of one type, written by a set-based write path (an import chunk,
  an undo page, and every later bulk writer such as a migration or a merge). Such a writer
  calls `record_events` once per unit of work and kind, with per record its id and what
  changed (field → (old, new)), never once per record: a million-row import is some
  hundred events, not a million.

Listeners registered with `listen` receive the events of a transaction once it commits, as
one list that may hold both shapes, and nothing when it rolls back (docs/architecture.md
rule 1: follow-up work after the commit). The kernel knows no listener: apps connect theirs
in `AppConfig.ready()`.
"""

from collections.abc import Callable, Sequence
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

#: What changed on one record: field name → (old, new), both as the change log stores them
#: (text; "" for empty). A created record lists its non-empty fields with old "".
Changes = dict[str, tuple[str, str]]


@dataclass
class Event:
    """`kind` happened to `record` (as saved); `actor` did it; `related` names other records
    involved (a conversion's results, as {"contact": record, …})."""

    kind: str
    record: object
    actor: object = None
    related: dict = field(default_factory=dict)
    #: The columns an update changed (attnames), when its writer knows them; empty means
    #: "unknown", and a listener that cares must assume any column may have changed.
    fields: tuple = ()


class BulkEvent:
    """`kind` happened to many records of `model` in one set-based write.

    `changes` is a list of (record id, Changes). A writer may hand a function that builds the
    list instead: it is called once, when a listener first reads `changes` (an import with no
    webhook subscribed never builds the created records' values). `origin` names the write
    path as the change log does ("import:<id>", "undo:<id>").
    """

    def __init__(self, kind: str, model, changes, *, actor, origin: str = ""):
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        self.kind, self.model, self.actor, self.origin = kind, model, actor, origin
        self._changes = changes

    @property
    def changes(self) -> list[tuple[object, Changes]]:
        if callable(self._changes):
            self._changes = list(self._changes())
        return self._changes

    @property
    def ids(self) -> list:
        return [pk for pk, _changes in self.changes]

    def __len__(self) -> int:
        return len(self.changes)

    def __repr__(self) -> str:
        return f"<BulkEvent {self.kind} {self.model._meta.label_lower}>"


_listeners: list[Callable[[list], None]] = []


def listen(listener: Callable[[list], None]) -> None:
    """Call `listener(events)` after each commit that produced events (idempotent); `events`
    holds `Event`s and `BulkEvent`s."""
    if listener not in _listeners:
        _listeners.append(listener)


def stop_listening(listener: Callable[[list], None]) -> None:
    """Undo `listen` (a test's listener)."""
    if listener in _listeners:
        _listeners.remove(listener)


def record_event(
    kind: str, record, *, actor, related: dict | None = None, fields: tuple = ()
) -> None:
    """Note that `kind` happened to `record`; listeners hear of it after the commit.

    Each event is its own on-commit callback, so an event of a savepoint that rolled back (a
    conversion refused halfway) is dropped with it.
    """
    if not _listeners:
        return
    event = Event(kind, record, actor, related or {}, tuple(fields))
    # robust: a failing listener is logged; it must not turn a committed change into a 500.
    transaction.on_commit(lambda: _notify([event]), robust=True)


def record_events(
    kind: str,
    model,
    changes: Sequence[tuple[object, Changes]] | Callable[[], Sequence],
    *,
    actor,
    origin: str = "",
) -> BulkEvent | None:
    """Note that `kind` happened to the records of `model` in `changes` (list of (id, Changes),
    or a function returning it); listeners hear of it after the commit, as one `BulkEvent`.

    For set-based writers: call it once per transaction and kind with all records of that
    type (an import chunk, an undo page). Nothing is sent for an empty list or a rollback.
    """
    if not _listeners or (not callable(changes) and not changes):
        return None
    event = BulkEvent(kind, model, changes, actor=actor, origin=origin)
    transaction.on_commit(lambda: _notify([event]), robust=True)
    return event


def _notify(events: list) -> None:
    for listener in list(_listeners):
        listener(events)
