"""The writes of recently viewed records and favourites: a user's own bookkeeping, not
changes of the record, so no change-log row (docs/architecture.md rule 4 is about records)."""

from django.db import transaction
from django.utils import timezone

from kontor.bookmarks.models import FavouriteRecord, RecentRecord

#: Rows kept per user: more than are shown, so records hidden since still leave ten to show
RECENT_KEPT = 30


#: A new row prunes the user's rows beyond RECENT_KEPT when its id is a multiple of this
#: (ids are a sequence): the prune about every this many new rows, not on every view
PRUNE_EVERY = 8


def note_view(user, module, pk) -> None:
    """Remember that `user` opened record `pk` of `module`. Opening a record again is one
    UPDATE of its row; a new row is an upsert (another tab may insert it meanwhile), which
    now and then (PRUNE_EVERY) also drops the rows beyond RECENT_KEPT, so a user keeps a few
    rows more than RECENT_KEPT at most. No transaction: each statement stands alone, and a
    lost prune is made up by a later view."""
    now = timezone.now()
    mine = RecentRecord.objects.filter(user=user, module=module.slug, record_id=pk)
    if mine.update(viewed_at=now):
        return
    row = RecentRecord(user=user, module=module.slug, record_id=pk, viewed_at=now)
    RecentRecord.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["user", "module", "record_id"],
        update_fields=["viewed_at"],
    )
    if row.pk is None or row.pk % PRUNE_EVERY == 0:
        prune_recent(user)


def prune_recent(user) -> None:
    """Drop `user`'s recently viewed rows beyond the newest RECENT_KEPT (at most 100 at a
    time: a range of the user's rows along their index)."""
    newest_first = RecentRecord.objects.filter(user=user).order_by("-viewed_at", "-id")
    RecentRecord.objects.filter(
        pk__in=newest_first.values("pk")[RECENT_KEPT : RECENT_KEPT + 100]
    ).delete()


@transaction.atomic
def toggle_favourite(user, module, record, *, actor) -> bool:
    """Star `record` for `user`, or take the star away; True when it is a favourite now.
    The caller has found `record` through the permission filter (not found: 404)."""
    if actor.pk != user.pk:
        raise PermissionError("Favourites are one's own.")
    mine = FavouriteRecord.objects.filter(user=user, module=module.slug, record_id=record.pk)
    if mine.delete()[0]:
        return False
    FavouriteRecord.objects.create(user=user, module=module.slug, record_id=record.pk)
    return True
