"""Saved views of a list: a user's named filters, search, sort and columns of one record type,
and which view each user's list opens with.

A view stores only what the list's address says (its query string) and column names: opening
one applies filters to what the permission filter already shows, so it never widens it.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kontor.users import sharing


class SavedView(models.Model):
    """Filters, search, sort and columns of the list of record type `module`, named by their
    owner."""

    owner = sharing.owner_field(related_name="saved_views")
    module = models.CharField(_("Record type"), max_length=40)
    name = models.CharField(_("Name"), max_length=80)
    #: the list's query string without its page (normalised: sorted, no empty values)
    query = models.TextField(_("Filters"), blank=True, max_length=2000)
    #: column names shown while the view is open; empty: the user's own columns
    columns = models.JSONField(_("Columns"), default=list, blank=True)
    share = sharing.share_field()
    #: the team of a TEAM view; a deleted team leaves the view to its owner alone
    team = sharing.team_field()
    #: the place among its owner's views of the record type, first is 0
    position = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    modified = models.DateTimeField(default=timezone.now)

    #: `visible_to(user)`: the views `user` sees (their own and those shared with
    #: them, of the record types they may list)
    objects = sharing.TypedSharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Saved view")
        verbose_name_plural = _("Saved views")
        constraints = [
            models.UniqueConstraint(Lower("name"), "owner", "module", name="savedviews_name_once")
        ]
        indexes = [
            models.Index(fields=["owner", "module", "position"], name="savedviews_by_owner"),
            models.Index(fields=["module", "share"], name="savedviews_shared"),
        ]

    def __str__(self):
        return self.name


class DefaultView(models.Model):
    """The view `user`'s list of record type `module` opens with (one per user and type)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    module = models.CharField(max_length=40)
    view = models.ForeignKey(SavedView, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        verbose_name = _("Default view")
        verbose_name_plural = _("Default views")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="savedviews_default_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.module} → {self.view_id}"
