"""A user's ways back to records: the records they viewed last and the ones they starred.

Both name a record by its module's slug and its id (any record type, no foreign key per type),
and are shown only while the record is still visible to the user (kontor.bookmarks.records).
Neither is a change of the record: no change-log row is written.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecentRecord(models.Model):
    """A record `user` opened, with when they last did (one row per user and record)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recent_records"
    )
    module = models.CharField(max_length=40)
    record_id = models.UUIDField()
    viewed_at = models.DateTimeField(_("Viewed"), default=timezone.now)

    class Meta:
        verbose_name = _("Recently viewed record")
        verbose_name_plural = _("Recently viewed records")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "record_id"], name="users_recent_once"
            )
        ]
        indexes = [models.Index(fields=["user", "-viewed_at"], name="users_recent_by_time")]

    def __str__(self):
        return f"{self.module}:{self.record_id}"


class FavouriteRecord(models.Model):
    """A record `user` starred: pinned in their navigation's "Favourites" menu."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_records"
    )
    module = models.CharField(max_length=40)
    record_id = models.UUIDField()
    created = models.DateTimeField(_("Starred"), default=timezone.now)

    class Meta:
        verbose_name = _("Favourite")
        verbose_name_plural = _("Favourites")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module", "record_id"], name="users_favourite_once"
            )
        ]

    def __str__(self):
        return f"{self.module}:{self.record_id}"
