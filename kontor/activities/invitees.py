"""Who is invited to a call or meeting, and saving one with its invitees (the lowest activity
verb: actions.py and the series of series.py build on it)."""

from django.db import transaction

from kontor.activities.models import Call, Meeting, MeetingInvitee
from kontor.core import events
from kontor.core.actions import log_event, save_record

#: invitee kinds: (form field / Call M2M name, MeetingInvitee foreign key)
KINDS = (("users", "user"), ("contacts", "contact"), ("leads", "lead"))


def invited(activity) -> dict[str, list]:
    """{"users": [...], "contacts": [...], "leads": [...]} invited to a call or meeting."""
    if activity._state.adding:
        return {kind: [] for kind, _fk in KINDS}
    if isinstance(activity, Meeting):
        rows = activity.invitees.select_related("user", "contact", "lead")
        return {
            kind: [getattr(r, fk) for r in rows if getattr(r, f"{fk}_id")] for kind, fk in KINDS
        }
    return {kind: list(getattr(activity, kind).all()) for kind, _fk in KINDS}


def invited_users(activity) -> list:
    return invited(activity)["users"]


def save_with_invitees(
    activity: Call | Meeting, users=(), contacts=(), leads=(), *, actor, validate: bool = True
):
    """Save a call or meeting and set who is invited; answers of those kept are kept.
    `validate=False` when the caller has just validated the activity itself."""
    if validate:
        activity.full_clean(exclude=["id", "created_by", "modified_by"])
    with transaction.atomic(savepoint=False):
        return _save_with_invitees(activity, users, contacts, leads, actor=actor)


def _save_with_invitees(activity, users, contacts, leads, *, actor):
    before = invited(activity)
    is_new = activity._state.adding
    version = activity.date_modified
    save_record(activity, actor=actor, validate=False)
    wanted = {"users": list(users), "contacts": list(contacts), "leads": list(leads)}
    changed = []
    for kind, fk in KINDS:
        old = {o.pk for o in before[kind]}
        new = {o.pk for o in wanted[kind]}
        if old == new:
            continue
        changed.append(kind)
        if isinstance(activity, Meeting):
            if old - new:
                activity.invitees.filter(**{f"{fk}__in": old - new}).delete()
            MeetingInvitee.objects.bulk_create(
                MeetingInvitee(meeting=activity, **{f"{fk}_id": pk}) for pk in new - old
            )
        elif is_new:
            getattr(activity, kind).add(*wanted[kind])  # nothing to compare with yet
        else:
            getattr(activity, kind).set(wanted[kind])
        if not is_new:  # a new activity's invitees are part of its creation
            log_event(
                activity,
                "update",
                actor=actor,
                field=kind,
                old=sorted(str(pk) for pk in old),
                new=sorted(str(pk) for pk in new),
            )
    if changed and not is_new and activity.date_modified == version:
        # Only the invitees changed: save_record wrote nothing and told no listener, but the
        # invitations (and webhooks) need to hear of it. A save that wrote fields did.
        events.record_event(events.UPDATED, activity, actor=actor, fields=tuple(changed))
    return activity
