"""A user's recently viewed records and favourites as they are shown: in the navigation's
"Favourites" menu and the command palette.

Every read goes through the permission filter (docs/architecture.md rule 3): a record the user
may no longer see, or one in the trash, is left out, with one query per record type among the
rows.
"""

from dataclasses import dataclass

from kontor.bookmarks.actions import RECENT_KEPT
from kontor.bookmarks.models import FavouriteRecord, RecentRecord
from kontor.core import permissions, registry

#: Recently viewed records shown
RECENT_SHOWN = 10
#: Favourites shown in the menu and the palette
FAVOURITES_SHOWN = 50


@dataclass(frozen=True)
class Entry:
    """A record to go back to: its module, id, name and address."""

    module: object
    pk: object
    name: str
    url: str


def is_favourite(user, module, pk) -> bool:
    """Has `user` starred record `pk` of `module`?"""
    return FavouriteRecord.objects.filter(user=user, module=module.slug, record_id=pk).exists()


def recent(user, limit: int = RECENT_SHOWN) -> list[Entry]:
    """The records `user` viewed last that they may still see, newest first."""
    rows = RecentRecord.objects.filter(user=user).order_by("-viewed_at", "-id")[:RECENT_KEPT]
    return _visible(user, [(r.module, r.record_id) for r in rows])[:limit]


def favourites(user) -> list[Entry]:
    """The records `user` starred that they may still see, newest star first."""
    rows = FavouriteRecord.objects.filter(user=user).order_by("-created", "-id")
    return _visible(user, [(r.module, r.record_id) for r in rows[:FAVOURITES_SHOWN]])


def _visible(user, keys: list[tuple]) -> list[Entry]:
    """`keys` ((slug, id), in order) that `user` may see, as entries: one query per module."""
    wanted: dict[str, set] = {}
    for slug, pk in keys:
        wanted.setdefault(slug, set()).add(pk)
    found: dict[tuple, Entry] = {}
    for slug, ids in wanted.items():
        module = _module(slug)
        if module is None:
            continue  # a record type no longer installed
        # `few`: a handful of ids, each probed through the team index.
        records = permissions.restrict(module.model.objects.filter(pk__in=ids), user, few=True)
        for record in records:
            found[slug, record.pk] = Entry(
                module, record.pk, str(record) or "—", module.detail_url(record.pk)
            )
    return [found[key] for key in keys if key in found]


def _module(slug: str):
    try:
        return registry.get(slug)
    except KeyError:
        return None
