"""Whose calendar a viewer sees: the users and teams they may choose, the choice in the
address (`?users=<id>,<id>&teams=<id>`), and each user's colour.

For the calendar page and its event feed. The rule follows the forecast's: whoever lists every
call, meeting or task may choose any active user and any team; everyone else themselves, the
members of their teams and their teams. The permission filter still decides which activities
appear (docs/architecture.md rule 3): choosing a user shows only what the viewer may see of
theirs.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from kontor.activities.models import Call, Meeting, Task
from kontor.core import permissions
from kontor.core.records.tables import name_label
from kontor.users.models import Team

MODELS = (Call, Meeting, Task)

#: Colours of the users' events, each dark enough for white text (contrast ≥ 4.5:1); a user
#: keeps theirs (by id) on every page and in every overlay.
PALETTE = (
    "#1f5fa8",
    "#b02a37",
    "#2b7a3b",
    "#6f42c1",
    "#a14d00",
    "#0b7285",
    "#b5175e",
    "#5f6b00",
    "#4348b3",
    "#80561b",
    "#3d4f5c",
    "#8a2f9e",
)

#: At most this many users overlaid (a team of more is cut, the rest named in the legend).
MAX_USERS = 40


def colour_of(user_id: int) -> str:
    return PALETTE[user_id % len(PALETTE)]


def may_open(user) -> bool:
    """The calendar is for those who may list calls, meetings or tasks."""
    return any(permissions.can(user, "list", model) for model in MODELS)


def sees_all(viewer) -> bool:
    return any(permissions.scope(viewer, "list", model) == "all" for model in MODELS)


def user_choices(viewer):
    """The active users `viewer` may choose (a queryset): all for whoever lists every
    activity of one type, else themselves and the members of their teams."""
    users = get_user_model().objects.filter(is_active=True)
    if sees_all(viewer):
        return users
    members = Team.members.through.objects.filter(
        team_id__in=permissions.user_team_ids(viewer)
    ).values("user_id")
    return users.filter(pk__in=members) | users.filter(pk=viewer.pk)


def team_choices(viewer):
    teams = Team.objects.order_by("name")
    if sees_all(viewer):
        return teams
    return teams.filter(pk__in=permissions.user_team_ids(viewer))


def ids(raw: str) -> list[int]:
    """The ids of a parameter like "3,7,12"; anything else in it is left out."""
    found = []
    for part in (raw or "").split(",")[:MAX_USERS]:
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) < 10:
            found.append(int(part))
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    colour: str


@dataclass(frozen=True)
class Selection:
    """The users whose activities are shown, and the team ids chosen."""

    people: list[Person]
    team_ids: list[int]

    @property
    def user_ids(self) -> list[int]:
        return [p.id for p in self.people]

    def query(self) -> str:
        parts = []
        if self.team_ids:
            parts.append("teams=" + ",".join(map(str, self.team_ids)))
        users = [str(i) for i in self.user_ids]
        if users:
            parts.append("users=" + ",".join(users))
        return "&".join(parts)


def _joined(params, name: str) -> str:
    """A parameter as "3,7": the address's comma form, or the form's repeated parameter."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name, "")]
    return ",".join(v for v in values if v)


def select(viewer, params) -> Selection:
    """The users named by `users` and the members of `teams` in `params`, each one the viewer
    may choose; the viewer alone when nothing (allowed) is named. One query."""
    wanted, teams = ids(_joined(params, "users")), ids(_joined(params, "teams"))
    if not wanted and not teams:
        wanted = [viewer.pk]
    chosen = user_choices(viewer)
    if teams:
        allowed_teams = team_choices(viewer).filter(pk__in=teams).values("pk")
        members = Team.members.through.objects.filter(team_id__in=allowed_teams)
        chosen = chosen.filter(pk__in=wanted) | chosen.filter(pk__in=members.values("user_id"))
    else:
        chosen = chosen.filter(pk__in=wanted)
    rows = chosen.order_by("first_name", "last_name", "username").values_list(
        "pk", "username", "first_name", "last_name"
    )[:MAX_USERS]
    people = [Person(pk, name_label(u, f, last), colour_of(pk)) for pk, u, f, last in rows]
    if not people:
        me = viewer
        name = name_label(me.username, me.first_name, me.last_name)
        people = [Person(me.pk, name, colour_of(me.pk))]
    return Selection(people, teams)
