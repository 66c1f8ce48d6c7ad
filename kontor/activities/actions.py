"""Activity verbs: save with invitees, mark a task done."""

from django.db import transaction
from django.utils import timezone

from kontor.activities.models import Call, Meeting, MeetingInvitee, Task
from kontor.core.actions import log_event, save_record


def invited_users(activity) -> list:
    if isinstance(activity, Meeting):
        return [i.user for i in activity.invitees.filter(user__isnull=False).select_related(
            "user")]
    return list(activity.users.all())


@transaction.atomic
def save_with_invitees(activity: Call | Meeting, users, *, actor):
    """Save a call or meeting and set its invited users (answers of those kept are kept)."""
    is_new = activity._state.adding
    save_record(activity, actor=actor)
    users = list(users)
    before = {u.pk for u in invited_users(activity)} if not is_new else set()
    after = {u.pk for u in users}
    if before == after:
        return activity
    if isinstance(activity, Meeting):
        activity.invitees.filter(user__isnull=False).exclude(user__in=after).delete()
        MeetingInvitee.objects.bulk_create(
            MeetingInvitee(meeting=activity, user_id=pk) for pk in after - before)
    else:
        activity.users.set(users)
    log_event(activity, "update", actor=actor, field="users",
              old=sorted(str(pk) for pk in before), new=sorted(str(pk) for pk in after))
    return activity


@transaction.atomic
def complete_task(task: Task, *, actor) -> Task:
    """Mark a task Completed (one click from lists and "My day")."""
    if task.status == "Completed":
        return task
    task.status = "Completed"
    if task.date_due is None:
        task.date_due = timezone.now()
    return save_record(task, actor=actor)
