"""The last figures of a dashboard's chart widget per viewer, kept in the shared cache, shown
at once with their age and refreshed in the background, as saved reports keep theirs
(kontor.reports.results): for the home page and the widgets' fragments.

An entry is kept per widget settings (its kind), the viewer's rights, language, time zone and
number and date formats. Whose figures they are follows the rights: everyone who lists all
the widget's records shares one entry of a widget that does not count the viewer's own records,
everyone else has their own, marked with their grants and teams (`grants_key`). So after a role
or team change the figures are looked up under another key and counted afresh: a result
counted with other rights is never shown. An entry older than FRESH_FOR is shown with its age
while a worker task (`kontor worker`) counts it again; none at all is counted on the spot.
"""

import hashlib
import zoneinfo
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone, translation
from django_tasks import task

from kontor.core import permissions, preferences, user_formats
from kontor.reports.actions import grants_key
from kontor.reports.results import Shown

#: A kept result younger than this is shown without refreshing it.
FRESH_FOR = timedelta(minutes=5)
#: How long a kept result may be shown at all (with its age, while it is refreshed).
KEEP_SECONDS = 24 * 3600
#: How long one refresh of a widget for a viewer blocks queueing another.
_QUEUED_FOR = 120

#: The kinds whose figures are kept, by key: provided by kontor.dashboards.widgets (which
#: builds on this module) when it is imported, in every process from the app's ready().
_kinds: dict = {}


def provide(kinds: dict) -> None:
    """Name the widget kinds (key → widgets.Kind) a refresh task may count."""
    _kinds.update(kinds)


def _reach(user, models: tuple, personal: bool) -> str:
    """Whose figures these are: everyone's who lists all of `models`, unless the widget counts
    the viewer's own records (`personal`); else this user's, with their grants and teams."""
    if not personal and all(permissions.scope(user, "list", m) == "all" for m in models):
        return "all"
    return f"user:{user.pk}:{grants_key(user)}"


def key(kind, user) -> str:
    """The cache key of `kind`'s figures for `user` in the current language, time zone and
    formats."""
    what = repr(
        (
            kind.key,
            _reach(user, kind.models, kind.personal),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            sorted(preferences.formats(user).items()),
        )
    ).encode()
    return f"kontor:dashboards:kept:{kind.key}:{hashlib.sha256(what).hexdigest()[:32]}"


def _queued_key(kind, user) -> str:
    return f"kontor:dashboards:queued:{kind.key}:{user.pk}"


def store(kind, user, figures) -> Shown:
    """Keep `figures` (just counted for `user`) as the last result."""
    shown = Shown(figures, timezone.now(), refreshing=False)
    cache.set(key(kind, user), (figures, shown.generated_at), KEEP_SECONDS)
    return shown


def peek(kind, user, *, queue: bool = True) -> Shown | None:
    """The kept result of `kind` for `user`, queueing a refresh when it is old (if `queue`);
    None when none is kept (the home page then leaves the widget to its fragment)."""
    found = cache.get(key(kind, user))
    if found is None:
        return None
    figures, generated_at = found
    old = timezone.now() - generated_at > FRESH_FOR
    if old and queue:
        queue_refresh(kind, user)
    # Asked again by a card that waits for the refresh (`queue` False): it waits only while
    # one is queued or running, so without a worker the card stops asking.
    refreshing = old and (queue or cache.get(_queued_key(kind, user)) is not None)
    return Shown(figures, generated_at, refreshing=refreshing)


def latest(kind, user, compute: Callable, *, queue: bool = True) -> Shown:
    """What the widget shows: the kept result (refreshed in the background when old, if
    `queue`), else `compute(user)` counted now and kept."""
    shown = peek(kind, user, queue=queue)
    return shown if shown is not None else store(kind, user, compute(user))


def queue_refresh(kind, user) -> None:
    """Queue one refresh of `kind` for `user` in their language and time zone (again only
    after _QUEUED_FOR seconds)."""
    if cache.add(_queued_key(kind, user), 1, _QUEUED_FOR):
        refresh_widget_task.enqueue(
            kind.key, user.pk, translation.get_language(), timezone.get_current_timezone_name()
        )


@task()
def refresh_widget_task(kind_key: str, user_id: int, language: str, time_zone: str) -> None:
    """Count the figures of widget kind `kind_key` as user `user_id` sees them (in their
    language, time zone and formats) and keep them; nothing when the user is gone or may no
    longer see the widget."""
    kind = _kinds.get(kind_key)
    user = get_user_model().objects.select_related("profile").filter(pk=user_id).first()
    if kind is None or user is None:
        return
    try:
        if user.is_active and kind.shown_to(user):
            with (
                translation.override(language),
                timezone.override(zoneinfo.ZoneInfo(time_zone)),
                user_formats.chosen(preferences.formats(user)),
            ):
                store(kind, user, kind.figures(user))
    finally:
        # Cleared once done, so a refresh may be queued again.
        cache.delete(_queued_key(kind, user))
