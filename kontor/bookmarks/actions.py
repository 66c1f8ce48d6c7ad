"""The writes of recently viewed records and favourites: a user's own bookkeeping, not
changes of the record, so no change-log row (docs/architecture.md rule 4 is about records)."""

from django.db import transaction
from django.utils import timezone

from kontor.bookmarks.models import FavouriteRecord, RecentRecord

#: Rows kept per user: more than are shown, so records hidden since still leave ten to show
RECENT_KEPT = 30


def note_view(user, module, pk) -> None:
    """Remember that `user` opened record `pk` of `module`: one upsert, then dropping the rows
    beyond RECENT_KEPT (a range of the user's newest rows along their index). No transaction:
    each statement stands alone, and a lost prune is made up by the next view."""
    RecentRecord.objects.bulk_create(
        [RecentRecord(user=user, module=module.slug, record_id=pk, viewed_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "module", "record_id"],
        update_fields=["viewed_at"],
    )
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
