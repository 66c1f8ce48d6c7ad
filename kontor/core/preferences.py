"""What a user chose and wants kept: list columns, the order of the navigation, the formats of
dates and numbers and a default currency. Read by the generic list views, the navigation, the
per-request set-up (`middleware`) and forms.

The app that keeps user profiles (kontor.users) stores the choices and provides the store in its
AppConfig.ready() with `provide(…)`; core only declares what it needs, so it imports no app.
Without a store, everything has its default and a choice is not kept.
"""

from collections.abc import Callable

_store: dict[str, Callable] = {}


def provide(**functions: Callable) -> None:
    """Register the store, any of: `list_columns(user, slug)` gives the chosen column names or
    None; `save_list_columns(user, slug, columns, *, actor)` remembers them (empty: the
    default); `navigation(user)` gives {"order": [slug, …], "more": [slug, …]} or None;
    `formats(user)` gives {Django format name: value} to use instead of the language's;
    `default_currency(user)` gives an ISO code or ""; `list_density(user)` gives "compact" or
    ""; `save_list_density(user, density, *, actor)` remembers it."""
    _store.update(functions)


def _read(name: str, default, *args):
    read = _store.get(name)
    return read(*args) if read is not None else default


def list_columns(user, slug: str) -> list[str] | None:
    """The columns `user` chose for the list of module `slug`, None for the default."""
    return _read("list_columns", None, user, slug)


def save_list_columns(user, slug: str, columns: list[str], *, actor) -> None:
    """Remember the columns `user` chose for the list of module `slug`."""
    write = _store.get("save_list_columns")
    if write is not None:
        write(user, slug, columns, actor=actor)


def navigation(user) -> dict | None:
    """The order of record types `user` chose for the top bar, None for the default."""
    return _read("navigation", None, user)


def formats(user) -> dict:
    """Django format settings (DATE_FORMAT, DECIMAL_SEPARATOR, …) `user` chose; {} to follow
    the language."""
    return _read("formats", {}, user)


def default_currency(user) -> str:
    """The currency `user` chose for new amounts (an ISO 4217 code), "" for none."""
    return _read("default_currency", "", user)


def list_density(user) -> str:
    """The rows `user` wants in lists: "compact", or "" for the usual ones."""
    return _read("list_density", "", user)


def save_list_density(user, density: str, *, actor) -> None:
    """Remember the density of `user`'s lists ("compact" or "")."""
    write = _store.get("save_list_density")
    if write is not None:
        write(user, density, actor=actor)
