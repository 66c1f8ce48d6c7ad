"""Who gets a web form's new record: a fixed user, or the next member of a team (round robin),
and which teams the record joins (the round robin's team, through `permissions.join_teams`)."""

from kontor.core import permissions
from kontor.webforms.models import WebForm


def assignee(webform: WebForm):
    """(user, team ids) for the next new record of `webform`; advances the round robin.

    Round robin locks the form's row, so two simultaneous submissions get two different members.
    A team without active members falls back to the form's fixed user.
    """
    team_id = webform.team_id
    if webform.assignment != WebForm.Assignment.ROUND_ROBIN or not team_id:
        return webform.assigned_user, [team_id] if team_id else []
    locked = WebForm.objects.select_for_update().get(pk=webform.pk)
    members = list(webform.team.members.filter(is_active=True).order_by("pk"))
    if not members:
        return webform.assigned_user, [team_id]
    following = [m for m in members if m.pk > locked.round_robin_last]
    chosen = following[0] if following else members[0]
    WebForm.objects.filter(pk=webform.pk).update(round_robin_last=chosen.pk)
    webform.round_robin_last = chosen.pk
    return chosen, [team_id]


def join(model, record_id, team_ids) -> None:
    """Put the new record into the form's team (one statement; nothing without a team)."""
    permissions.join_teams(model, [record_id], team_ids)
