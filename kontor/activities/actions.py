"""Activity verbs: save a call or meeting with its invitees (invitees.py) or as a series of
occurrences (series.py), mark a task done, hand activities over from one record to another
(conversions)."""

import uuid
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.activities import recurrence, series
from kontor.activities.invitees import (  # noqa: F401 - the verbs' home, for their callers
    KINDS,
    _save_with_invitees,
    invited,
    invited_users,
    save_with_invitees,
)
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.core import permissions
from kontor.core.actions import log_event, save_record


@transaction.atomic
def set_accept_status(meeting: Meeting, invitee: MeetingInvitee, status: str, *, actor):
    """Record an invitee's answer (accept, decline, tentative, none)."""
    invitee.accept_status = status
    invitee.full_clean()
    invitee.save(update_fields=["accept_status"])
    log_event(meeting, "update", actor=actor, field="accept_status", new=status)
    return invitee


@transaction.atomic
def complete_task(task: Task, *, actor) -> Task:
    """Mark a task Completed (one click from lists and "My day")."""
    if task.status == "Completed":
        return task
    task.status = "Completed"
    if task.date_due is None:
        task.date_due = timezone.now()
    return save_record(task, actor=actor)


ACTIVITY_MODELS = (Call, Meeting, Task, Note)


def activities_of(record) -> list:
    """Every live activity whose parent is `record`."""
    ct = ContentType.objects.get_for_model(record)
    return [
        a
        for model in ACTIVITY_MODELS
        for a in model.objects.filter(parent_type=ct, parent_id=record.pk)
    ]


def hand_over_activities(source, target, mode: str, *, actor) -> int:
    """Move (or copy) the activities of `source` to `target`, as a conversion does.

    mode "move" re-parents them (their change log records it), "copy" creates copies on
    `target`, "leave" does nothing. Returns how many activities were moved or copied.
    """
    if mode not in ("move", "copy", "leave"):
        raise ValueError(f"unknown mode {mode!r}")
    if mode == "leave":
        return 0
    with transaction.atomic(savepoint=False):
        return _hand_over(source, target, mode, actor=actor)


def _hand_over(source, target, mode: str, *, actor) -> int:
    ct = ContentType.objects.get_for_model(target)
    items = activities_of(source)
    for activity in items:
        if mode == "copy":
            guests = invited(activity) if isinstance(activity, Call | Meeting) else None
            activity.pk, activity._state.adding = uuid.uuid4(), True
            activity.parent_type, activity.parent_id = ct, target.pk
            if guests is not None:
                save_with_invitees(activity, **guests, actor=actor, validate=False)
            else:
                save_record(activity, actor=actor, validate=False)
        else:
            activity.parent_type, activity.parent_id = ct, target.pk
            save_record(activity, actor=actor, validate=False)
    return len(items)


#: How a change to one occurrence of a series applies: to it alone, to it and the later ones
#: (the series is split there), or to every occurrence still to come
SCOPES = ("this", "following", "all")


def save_series(
    activity: Call | Meeting,
    users=(),
    contacts=(),
    leads=(),
    *,
    actor,
    scope: str = "this",
    now=None,
):
    """Save a call or meeting with its invitees and its repeat rule, in one transaction.

    A record with a rule and no series yet becomes the first occurrence and its later ones
    are created up to the horizon (kontor/activities/series.py). For an occurrence of a
    series, `scope` says what the change reaches: "this" (only it; it stays in the series
    and series edits leave it alone from now on), "following" (the series ends before it
    and it starts a new one with the form's rule) or "all" (every occurrence from now on
    that was not changed by itself; a changed rule trashes the dates it no longer gives and
    creates the new ones). "following" and "all" need the right to edit the series' first
    occurrence, and change only the occurrences `actor` may edit; when the first occurrence
    no longer exists, the change reaches this one alone. Refused values raise
    ValidationError and write nothing."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    activity.full_clean(exclude=["id", "created_by", "modified_by"])
    loaded = {} if activity._state.adding else getattr(activity, "_loaded", {})
    in_series = loaded.get("repeat_parent_id") or loaded.get("repeat_type")
    if (
        scope == "this"
        and in_series
        and any(getattr(activity, name) != loaded.get(name) for name in series.RULE)
    ):
        raise ValidationError(
            {
                "repeat_scope": _(
                    "A changed repeat rule is for the series: choose which occurrences."
                )
            }
        )
    master = None
    if in_series and scope != "this":
        master = _master_of(activity, loaded)
        if (
            master is not None
            and actor is not None
            and not permissions.allows(actor, "edit", master)
        ):
            raise ValidationError(
                {"repeat_scope": _("You may change only this occurrence of this series.")}
            )
    with transaction.atomic(savepoint=False):
        return _save_series(
            activity, users, contacts, leads, actor=actor, scope=scope, now=now, master=master
        )


def _master_of(activity, loaded):
    """The series' first occurrence (in the trash or not); None when it no longer exists."""
    if not loaded.get("repeat_parent_id"):
        return activity
    return type(activity).with_deleted.filter(pk=loaded["repeat_parent_id"]).first()


def _save_series(activity, users, contacts, leads, *, actor, scope, now, master=None):
    now = now or timezone.now()
    guests = {"users": list(users), "contacts": list(contacts), "leads": list(leads)}
    loaded = {} if activity._state.adding else dict(getattr(activity, "_loaded", {}))
    in_series = bool(loaded.get("repeat_parent_id") or loaded.get("repeat_type"))
    if not in_series:
        if not activity.repeat_type:
            return _save_with_invitees(activity, **guests, actor=actor)
        return _start_series(activity, guests, actor=actor, now=now)
    is_master = not loaded.get("repeat_parent_id")
    if master is None:
        # "this", or a series whose first occurrence is gone for good: nothing else is reached.
        scope = "this"
    if scope == "this":
        for name in series.RULE:  # the rule belongs to the series, not to one occurrence
            setattr(activity, name, loaded.get(name))
        if not is_master:
            activity.repeat_edited = True
        return _save_with_invitees(activity, **guests, actor=actor)
    model = type(activity)
    if scope == "following" and not is_master:
        return _split(activity, master, guests, loaded, actor=actor, now=now)
    shift = activity.date_start - loaded["date_start"]
    activity.original_start = (loaded.get("original_start") or loaded["date_start"]) + shift
    if master.pk != activity.pk:
        # The first occurrence holds the rule; its values change only while it is to come.
        names = series.RULE + (series.shared_fields(model) if master.date_start >= now else ())
        for name in names:
            setattr(master, name, getattr(activity, name))
        master.original_start = series.anchor(master) + shift
        save_record(master, actor=actor, validate=False)
        activity.repeat_edited = False
    if not activity.repeat_type:  # the repeats were switched off: the later ones go
        activity.repeat_parent_id, activity.original_start = None, None
    _save_with_invitees(activity, **guests, actor=actor)
    # The series' values before this change, unless this occurrence had its own.
    previous = None
    if not loaded.get("repeat_edited"):
        previous = {f: loaded.get(f) for f in series.shared_fields(model)}
    series.sync(
        master,
        activity,
        guests,
        actor=actor,
        cutoff=now,
        update=True,
        keep={activity.pk},
        previous=previous,
        now=now,
    )
    return activity


def _start_series(activity, guests, *, actor, now):
    activity.repeat_parent_id = None
    activity.original_start = activity.date_start
    activity.recurring_source = activity.recurring_source or "Kontor"
    _save_with_invitees(activity, **guests, actor=actor)
    series.sync(activity, activity, guests, actor=actor, now=now)
    return activity


def _split(activity, master, guests, loaded, *, actor, now):
    """The scope "this and following": the old series ends the day before this occurrence,
    which starts a new series with the form's values and rule."""
    tz = recurrence.zone_of(master.assigned_user)
    slot = loaded.get("original_start") or loaded["date_start"]
    master.repeat_until = slot.astimezone(tz).date() - timedelta(days=1)
    master.repeat_count = None
    save_record(master, actor=actor, validate=False)
    series.sync(master, master, invited(master), actor=actor, cutoff=slot, keep={activity.pk})
    activity.repeat_edited = False
    if not activity.repeat_type:
        activity.repeat_parent_id, activity.original_start = None, None
        return _save_with_invitees(activity, **guests, actor=actor)
    return _start_series(activity, guests, actor=actor, now=now)
