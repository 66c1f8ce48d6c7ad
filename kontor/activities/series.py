"""Series of calls and meetings: the occurrences a rule gives, written as ordinary rows.

For `save_series` (kontor/activities/actions.py) and the daily extension job. `sync` makes the
rows of a series match its rule from a cut-off on: a start the rule gives and no row has yet
is created (copying subject, parent, owner, duration, invitees and teams), a row whose date
the rule no longer gives goes to the trash, the others follow the series' values. A row is
matched to the rule by the local date of its `original_start`, so a cancelled (Not Held or
trashed) or individually moved occurrence keeps its date and is never created again.
Everything runs inside the caller's transaction, through the actions.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from kontor.activities.invitees import invited, save_with_invitees
from kontor.activities.models import Call, Meeting
from kontor.activities.recurrence import HORIZON, starts, zone_of
from kontor.core import actions, permissions

#: The rule's fields, kept on every occurrence
RULE = ("repeat_type", "repeat_interval", "repeat_dow", "repeat_until", "repeat_count")
#: The fields an occurrence takes from its series (the status and start are its own)
SHARED = {
    "common": (
        "name",
        "description",
        "parent_type_id",
        "parent_id",
        "assigned_user_id",
        "duration_minutes",
    ),
    Call: ("direction",),
    Meeting: ("location", "join_url"),
}
CANCELLED = "Not Held"


def shared_fields(model) -> tuple[str, ...]:
    return SHARED["common"] + SHARED[model]


def anchor(master) -> datetime.datetime:
    """The start the rule counts from: the first occurrence's slot, kept when that
    occurrence alone is moved."""
    return master.original_start or master.date_start


def slots(master, before: datetime.datetime) -> list[datetime.datetime]:
    """The starts the master's rule gives before `before`, the first included."""
    return starts(
        anchor(master),
        master.repeat_type,
        interval=master.repeat_interval or 1,
        dow=master.repeat_dow,
        until=master.repeat_until,
        count=master.repeat_count,
        tz=zone_of(master.assigned_user),
        before=before,
    )


def occurrences(master, *, with_deleted: bool = True):
    """The later occurrences of the series whose first is `master`, by start."""
    model = type(master)
    rows = model.with_deleted if with_deleted else model.objects
    return rows.filter(repeat_parent_id=master.pk).order_by("original_start", "date_start")


def sync(
    master,
    template,
    guests: dict,
    *,
    actor,
    cutoff=None,
    update: bool = False,
    keep=(),
    previous: dict | None = None,
    now=None,
) -> dict:
    """Make the rows of `master`'s series from `cutoff` on (None: all) match its rule up to
    the horizon. New rows copy `template` (a saved or unsaved occurrence) and `guests`
    ({"users": …, "contacts": …, "leads": …}); with `update`, live rows not changed by
    themselves take the template's values: not marked, not moved from their slot, and, when
    `previous` (the series' values before the change) is given, still holding those (an edit
    through the API or the inline editor leaves no mark). Rows in `keep`, and rows `actor`
    may not edit, are never touched.
    Returns {"created": n, "updated": n, "trashed": n}."""
    now = now or timezone.now()
    model, tz = type(master), zone_of(master.assigned_user)
    wanted = {s.astimezone(tz).date(): s for s in slots(master, now + HORIZON)}
    seen = {anchor(master).astimezone(tz).date()}
    counts = {"created": 0, "updated": 0, "trashed": 0}
    trash = []
    rows = list(occurrences(master))
    # A person changes only the occurrences they may edit; the daily job (no actor) all.
    mine = (
        None
        if actor is None
        else permissions.visible_ids(actor, model, [r.pk for r in rows], "edit")
    )
    for row in rows:
        slot_of = row.original_start or row.date_start  # migrated rows: their start
        day = slot_of.astimezone(tz).date()
        seen.add(day)
        if row.pk in keep or (cutoff is not None and slot_of < cutoff):
            continue
        if mine is not None and row.pk not in mine:
            continue
        slot = wanted.get(day)
        if slot is None:
            if not row.deleted:
                trash.append(row)
            continue
        if row.deleted or row.status == CANCELLED or row.repeat_edited:
            if row.original_start != slot:  # the rule's time moved: remember the new slot
                row.original_start = slot
                actions.save_record(row, actor=actor, validate=False)
            continue
        if update and _alone(row, slot_of, previous):
            continue
        if update and _follow(row, template, slot, guests, actor=actor):
            counts["updated"] += 1
    if trash:
        counts["trashed"] = actions.delete_records(trash, actor=actor)
    created = []
    for day, slot in wanted.items():
        if day in seen or (cutoff is not None and slot < cutoff):
            continue
        created.append(_create(master, template, slot, guests, actor=actor))
    if created:
        teams = list(master.teams.values_list("pk", flat=True))
        permissions.join_teams(model, [r.pk for r in created], teams)
    counts["created"] = len(created)
    return counts


def _alone(row, slot, previous) -> bool:
    """Was this live occurrence changed by itself (moved, or values unlike the series')?"""
    if row.date_start != slot:
        return True
    return previous is not None and any(getattr(row, f) != v for f, v in previous.items())


def _follow(row, template, slot, guests, *, actor) -> bool:
    """Give a live, unchanged occurrence the series' values; True when it changed."""
    before = {f: getattr(row, f) for f in (*shared_fields(type(row)), *RULE, "date_start")}
    for name in (*shared_fields(type(row)), *RULE):
        setattr(row, name, getattr(template, name))
    row.date_start = row.original_start = slot
    ids = {kind: sorted(o.pk for o in objs) for kind, objs in invited(row).items()}
    wanted_ids = {kind: sorted(o.pk for o in objs) for kind, objs in guests.items()}
    after = {f: getattr(row, f) for f in before}
    if before == after and ids == wanted_ids:
        return False
    save_with_invitees(row, **guests, actor=actor, validate=False)
    return True


def _create(master, template, slot, guests, *, actor):
    model = type(master)
    values = {name: getattr(template, name) for name in (*shared_fields(model), *RULE)}
    row = model(
        **values,
        date_start=slot,
        original_start=slot,
        repeat_parent_id=master.pk,
        recurring_source="Kontor",
        status="Planned",
    )
    return save_with_invitees(row, **guests, actor=actor, validate=False)


def template_of(master):
    """What new occurrences copy: the series' latest occurrence not changed by itself (its
    values are the series' newest), else the first."""
    latest = (
        occurrences(master, with_deleted=False)
        .filter(repeat_edited=False)
        .exclude(status=CANCELLED)
        .last()
    )
    return latest or master


def open_masters(model, today: datetime.date):
    """First occurrences of series that may still need rows: live, repeating, not ended."""
    return model.objects.filter(
        ~Q(repeat_type=""),
        repeat_parent_id__isnull=True,
    ).filter(Q(repeat_until__isnull=True) | Q(repeat_until__gte=today))


def extend_all(now=None) -> int:
    """Create the occurrences that came within the horizon, for every open series (the daily
    job; a rerun adds nothing). Returns how many were created."""
    now = now or timezone.now()
    created = 0
    for model in (Call, Meeting):
        for master in open_masters(model, now.date()).select_related("assigned_user"):
            with transaction.atomic():
                template = template_of(master)
                guests = invited(template)
                created += sync(master, template, guests, actor=None, cutoff=now, now=now)[
                    "created"
                ]
    return created


@task()
def extend_series_task() -> None:
    """The scheduled job: extend every open series up to the horizon."""
    extend_all()


def resync(master, *, actor, now=None) -> dict:
    """Bring a series in line with its first occurrence's rule after that was written
    without `save_series` (the REST API, the SuiteCRM APIs); a series already in line is
    left as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        master = type(master).objects.filter(pk=master.pk).first()
        if master is None or master.repeat_parent_id:
            return {}
        template = template_of(master)
        fresh = not occurrences(master).exists()
        return sync(
            master, template, invited(template), actor=actor, cutoff=None if fresh else now, now=now
        )


def on_events(batch) -> None:
    """After a commit: series whose first occurrence's rule was written by a path other than
    `save_series` are synced (idempotent: after `save_series` nothing is left to do)."""
    from kontor.core import events

    for event in batch:
        if not isinstance(event, events.Event) or event.kind not in (
            events.CREATED,
            events.UPDATED,
        ):
            continue
        record = event.record
        if not isinstance(record, Call | Meeting) or record.repeat_parent_id:
            continue
        touched = set(event.fields) & {*RULE, "date_start"} if event.fields else None
        if event.kind == events.UPDATED and touched is not None and not touched:
            continue
        if record.repeat_type or (touched and "repeat_type" in touched):
            resync(record, actor=event.actor)
