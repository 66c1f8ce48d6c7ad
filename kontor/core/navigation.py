"""The top bar's record types for one user: those they may list, in the order they chose.

For the context processor of every page (`context_processors.navigation`) and the settings
page where a user orders them. A user's choice is kept by the app that stores profiles
(`kontor.core.preferences.navigation`); it is a wish, never a grant: a record type the user may
not list is left out even when the saved order names it. Apps above the core add pages of
their own after the record types (`add_page`: reports).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from kontor.core import permissions, preferences, registry

#: With this many record types or fewer, all of them stand in the bar unless the user chose
#: otherwise: a short bar needs no "More" menu.
FEW = 5


@dataclass(frozen=True)
class Arranged:
    """The record types of the bar and of the "More" menu, each in the user's order."""

    bar: list
    more: list

    @property
    def all(self) -> list:
        return self.bar + self.more


def allowed(user) -> list:
    """The modules `user` may list, in the registry's order (grants are read once per request)."""
    return [m for m in registry.modules() if permissions.can(user, "list", m.model)]


def arrange(modules: list, chosen: dict | None) -> Arranged:
    """Place `modules` (those the user may list) as `chosen` says: {"order": [slug, …],
    "more": [slug, …]}; None or {} for the default.

    Slugs in the saved order come first, in that order; modules it does not name (added since,
    or newly granted) follow in the registry's order, in their declared place. By default a
    module stands where its declaration says (`Module.nav`), except that a user who may list
    only a few modules gets all of them in the bar. The bar is never left empty while there
    are modules to show.
    """
    chosen = chosen or {}
    by_slug = {m.slug: m for m in modules}
    order = [s for s in dict.fromkeys(chosen.get("order") or ()) if s in by_slug]
    ordered = [by_slug[s] for s in order] + [m for m in modules if m.slug not in order]
    if "more" in chosen:
        under_more = set(chosen.get("more") or ())
        named = set(order) | under_more
        few = False
    else:
        under_more, named, few = set(), set(), len(modules) <= FEW
    bar, more = [], []
    for m in ordered:
        goes_more = m.slug in under_more if m.slug in named else not few and m.nav != "main"
        (more if goes_more else bar).append(m)
    if not bar and more:
        bar.append(more.pop(0))
    return Arranged(bar, more)


def for_user(user) -> Arranged:
    """The bar and "More" menu of `user`: their choice (from their profile, already loaded with
    the request) applied to the modules they may list."""
    return arrange(allowed(user), preferences.navigation(user))


# --- pages of apps above the core ---------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page of an app that is no record type (reports, a forecast), shown in the top bar
    after the record types. Registered by its app (`add_page` from AppConfig.ready()), so the
    core names no app."""

    #: unique key, also the entry's `data-nav-page`
    key: str
    #: the entry's text (lazy translation)
    label: object
    #: URL name of the page
    url_name: str
    icon: str = "circle"
    #: (user) -> bool: who sees the entry (everyone signed in when None); must run no query
    #: beyond what the request already loaded (grants are read once per request)
    allowed: Callable | None = None
    #: position among the pages (lower first)
    order: int = 100


_pages: dict[str, Page] = {}


def add_page(page: Page) -> None:
    """Register `page`; a second registration of the same key replaces the first."""
    _pages[page.key] = page


def pages(user, path: str = "") -> list[dict]:
    """The registered pages `user` may open, in order, as {key, label, icon, url, active}
    (`active`: the request's `path` is under the page's URL)."""
    shown = []
    for page in sorted(_pages.values(), key=lambda p: (p.order, p.key)):
        if page.allowed is not None and not page.allowed(user):
            continue
        url = reverse(page.url_name)
        shown.append(
            {
                "key": page.key,
                "label": page.label,
                "icon": page.icon,
                "url": url,
                "active": path.startswith(url),
            }
        )
    return shown
