"""The journey timeline of a record page (docs/domain.md §1 and §5).

For whoever opens a record: one list, newest first, of what happened to it (change log: created,
field changes, trash, restore; its calls, meetings, tasks and notes) and to the records its
journey links it to (kontor.core.journey; the conversion app adds a contact's source leads and
their targets, and reads its "convert" rows). Read by the detail page (records/_timeline.html)
and the API (kontor/api/timeline.py).

Cost: a fixed number of queries however many events: the links (a query per link), one
change-log query over all of them with a LIMIT, one or two per activity type
(timeline_activities.py), one per record type the events name. All go through the permission
filter: a record the user may not see, or in the trash, contributes nothing.
"""

from kontor.core import registry
from kontor.core.journey import Journey
from kontor.core.records import timeline_activities as activities
from kontor.core.records import timeline_changes as changes
from kontor.core.records.timeline_changes import Event, Names

__all__ = ["Event", "Journey", "timeline"]


def timeline(record, user, limit: int = 100, *, journey: Journey | None = None) -> list[Event]:
    """The newest `limit` events of `record`'s page for `user`, newest first."""
    journey = journey or Journey.of(record, user)
    if not journey.members:
        return []
    # The newest `limit` of both sources, cut before any event is worked out.
    groups = changes.changelog_groups(changes.newest_rows(journey, limit))
    merged = [(group[-1].at, group) for group in groups] + [
        (activities.time_of(pair[0]), pair) for pair in activities.found(journey, limit)
    ]
    merged.sort(key=lambda pair: pair[0], reverse=True)  # stable: same-time rows keep order
    merged = [item for _at, item in merged[:limit]]
    names = Names(journey)
    for group in merged:
        if isinstance(group, list):
            names.want(group)
    names.resolve()
    events: list[Event | None] = [
        changes.changelog_event(journey, item, names)
        if isinstance(item, list)
        else activities.event(*item, names)
        for item in merged
    ]
    page = (type(record), record.pk)
    for event in filter(None, events):  # a linked record's event is tagged, e.g. "Interessent"
        if event.owner is not None and (type(event.owner), event.owner.pk) != page:
            module = registry.for_model(type(event.owner))
            event.tag, event.owner_url = str(module.verbose_name), names.url(module, event.owner.pk)
        else:
            event.owner = None
    return [event for event in events if event is not None]
