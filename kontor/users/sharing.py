"""Sharing a user's own things (saved views, reports, team dashboards) with a team or with
everyone: the choice, its two fields, which of them a user sees and the check of the team.

For the apps that keep such things; teams live here, so the rule of who belongs to a team is
read in one place.
"""

from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kontor.core import catalog, permissions
from kontor.users.models import Team


class Share(models.TextChoices):
    """Who sees a shared thing besides its owner."""

    PRIVATE = "private", _("Only me")
    TEAM = "team", _("A team")
    EVERYONE = "everyone", _("Everyone")


def owner_field(related_name: str) -> models.ForeignKey:
    """The `owner` field: the user whose thing it is (deleting them deletes it)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name=related_name,
        verbose_name=_("Owner"),
    )


def share_field() -> models.CharField:
    """The `share` field: one of `Share`, private by default."""
    return models.CharField(
        _("Shared with"), max_length=10, choices=Share.choices, default=Share.PRIVATE
    )


def team_field(on_delete=models.SET_NULL) -> models.ForeignKey:
    """The optional `team` field naming the team a thing is shared with."""
    return models.ForeignKey(
        "users.Team",
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Team"),
    )


def visible_q(user, *, by_share: bool = True, teams=None) -> Q:
    """The rows `user` (signed in) sees: their own (`owner`), those shared with a team they
    belong to and, with a `share` field (`by_share`), those shared with everyone. Without one,
    a row with a team is shared with that team. `teams`: the ids of the user's teams when
    already read; else a subquery, so the filter stays one query."""
    in_team = Q(team__in=user.teams.values("pk") if teams is None else teams)
    if not by_share:
        return Q(owner=user) | in_team
    return Q(owner=user) | Q(share=Share.EVERYONE) | (Q(share=Share.TEAM) & in_team)


class SharedQuerySet(models.QuerySet):
    """The queryset of a model with `owner`, `share` and `team` fields."""

    def visible_to(self, user):
        """What `user` sees: their own, what is shared with a team they belong to and what
        is shared with everyone (one query with the team test as a subquery); nothing to an
        anonymous visitor."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(visible_q(user))


def listable_types(user) -> list[str]:
    """The slugs of the record types `user` may list."""
    return [m.slug for m in catalog.modules() if permissions.can(user, "list", m.model)]


class TypedSharedQuerySet(SharedQuerySet):
    """The queryset of a shared thing about one record type (a `module` field, its slug):
    saved views and reports. A user sees none about a type they may not list, their own
    included (roles change): its name and filters could name records hidden from them."""

    def visible_to(self, user):
        return super().visible_to(user).filter(module__in=listable_types(user))


def shareable_teams(user):
    """The teams `user` may share with, by name: their own (an administrator: any)."""
    teams = Team.objects.order_by("name")
    if permissions.is_admin(user):
        return teams
    return teams.filter(pk__in=permissions.user_team_ids(user))


def may_share_with(user, team_id) -> bool:
    """Whether `user` may share with the team `team_id`: a member of it, or an administrator."""
    return user.teams.filter(pk=team_id).exists() or permissions.is_admin(user)


class ShareMessages(NamedTuple):
    """An app's own wording of the three refusals of `share_errors`."""

    #: the scope is none of `Share`
    share: str
    #: shared with a team, but none chosen
    no_team: str
    #: a team the actor does not belong to
    not_member: str


def share_errors(share, team_id, *, actor, messages: ShareMessages) -> dict[str, list[str]]:
    """The errors of sharing with `share` (and the team `team_id`, for a team), keyed by field
    as a ValidationError takes them: empty when `actor` may share so."""
    if share not in Share.values:
        return {"share": [messages.share]}
    if share == Share.TEAM:
        if team_id is None:
            return {"team": [messages.no_team]}
        if not may_share_with(actor, team_id):
            return {"team": [messages.not_member]}
    return {}
