"""What a user chose for a list and wants kept: read and written by the generic list views.

The app that keeps user profiles (kontor.users) stores the choices and provides the store in its
AppConfig.ready() with `provide(…)`; core only declares what it needs, so it imports no app.
Without a store, lists show their default columns and a choice is not kept.
"""

from collections.abc import Callable

_store: dict[str, Callable] = {}


def provide(*, list_columns: Callable, save_list_columns: Callable) -> None:
    """Register the store: `list_columns(user, slug)` gives the chosen column names or None;
    `save_list_columns(user, slug, columns, *, actor)` remembers them (empty: the default)."""
    _store.update(list_columns=list_columns, save_list_columns=save_list_columns)


def list_columns(user, slug: str) -> list[str] | None:
    """The columns `user` chose for the list of module `slug`, None for the default."""
    read = _store.get("list_columns")
    return read(user, slug) if read is not None else None


def save_list_columns(user, slug: str, columns: list[str], *, actor) -> None:
    """Remember the columns `user` chose for the list of module `slug`."""
    write = _store.get("save_list_columns")
    if write is not None:
        write(user, slug, columns, actor=actor)
