"""The journey timeline of a record page (docs/domain.md §1 and §5).

For whoever opens a record: one list, newest first by when it happened, of what happened to it
(change log: created, field changes, trash, restore; its calls, meetings, tasks and notes) and
to the records its journey links it to (kontor.core.journey; the conversion app adds a
contact's source leads and their targets, and reads its "convert" rows); and apart from it,
soonest first, what is planned: open calls, meetings and tasks still to come. Read by the
detail page (records/_timeline.html, both) and the API (kontor/api/timeline.py, the history).

Cost: a fixed number of queries however many events: the links (a query per link), one
change-log query over all of them with a LIMIT, one or two per activity type
(timeline_activities.py), one per record type the events name. All go through the permission
filter: a record the user may not see, or in the trash, contributes nothing. The events are
built from rows of the columns they show (change-log `Entry`, `Activity`), the users' names
joined to them, not from model instances: a page of two hundred events would otherwise build
some four hundred instances (an activity's is built only when a caller reads `Event.record`).
"""

from django.utils import timezone

from kontor.core import registry
from kontor.core.journey import Journey
from kontor.core.records import timeline_activities as activities
from kontor.core.records import timeline_changes as changes
from kontor.core.records.timeline_changes import Event, Names

__all__ = ["Event", "Journey", "planned_and_history", "timeline"]


def timeline(record, user, limit: int = 100, *, journey: Journey | None = None) -> list[Event]:
    """The newest `limit` events of `record`'s history for `user`, newest first by when they
    happened (the API's timeline); what is still planned is left out (`planned_and_history`)."""
    return planned_and_history(record, user, limit, journey=journey)[1]


def planned_and_history(
    record, user, limit: int = 100, *, journey: Journey | None = None
) -> tuple[list[Event], list[Event]]:
    """(planned, history) of `record`'s page for `user`: the open calls, meetings and tasks
    still to come, soonest first, at most `limit`; and the newest `limit` events that happened,
    newest first. One set of queries for both."""
    journey = journey or Journey.of(record, user)
    if not journey.members:
        return [], []
    now = timezone.now()
    plans, found = [], []
    for pair in activities.found(journey, limit):
        (plans if activities.is_planned(pair[0], now) else found).append(pair)
    plans.sort(key=lambda pair: activities.time_of(pair[0]) or pair[0].date_entered)
    # The newest `limit` of both sources, cut before any event is worked out.
    groups = changes.changelog_groups(changes.newest_rows(journey, limit))
    merged = [(group[-1].at, group) for group in groups] + [
        (activities.happened_at(pair[0]), pair) for pair in found
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
    planned = [activities.event(*pair, names) for pair in plans[:limit]]
    for event in planned:
        event.planned = True
    page = (type(record), record.pk)
    for event in filter(None, events + planned):  # a linked record's event is tagged
        if event.owner is not None and (type(event.owner), event.owner.pk) != page:
            module = registry.for_model(type(event.owner))
            event.tag, event.owner_url = str(module.verbose_name), names.url(module, event.owner.pk)
        else:
            event.owner = None
    return planned, [event for event in events if event is not None]
