"""What an app adds to record types it does not own, for the people using their pages.

A record app declares its own pages in its `Module` (`extra_urls`, `detail_context`,
`detail_template`). An app that builds on record types of other apps (the conversion on
targets and leads) registers an `Extension` in its AppConfig.ready() instead: pages under the
module's URLs, context for its detail page and templates of buttons shown among the record's
actions. So the extended app does not import the app that extends it.
"""

from collections.abc import Callable
from dataclasses import dataclass

_extensions: list["Extension"] = []


@dataclass(frozen=True)
class Extension:
    """Additions of one app to the pages of the module `module` (a slug)."""

    module: str
    #: ((route, view class, name), …) under the module's URL prefix; each view gets `module=`
    urls: tuple = ()
    #: (module, record, user) -> dict, merged into the detail page's context
    detail_context: Callable | None = None
    #: templates included among the detail page's record actions (buttons), in order
    action_templates: tuple[str, ...] = ()
    #: (module, request) -> dict, merged into the list page's context (not its fragments)
    list_context: Callable | None = None
    #: templates included above the list's filters (tabs, a switch to another view), in order
    list_templates: tuple[str, ...] = ()
    #: query parameters the extension reads on the list that filter nothing (a saved view's
    #: id): they leave the filter panel closed and stay in the page's and sort's links
    list_params: tuple[str, ...] = ()
    #: (module, request) -> column names the list shows instead of the user's own, or None
    list_columns: Callable | None = None
    #: (module, request) -> the address the list opens instead of its bare one (no query), or
    #: None; asked only when the address has no query
    list_start: Callable | None = None


def extend(extension: Extension) -> None:
    """Register `extension` (from an AppConfig.ready(), before the URLs are loaded)."""
    _extensions.append(extension)


def of(module) -> list[Extension]:
    """The extensions registered for `module`, in registration order."""
    return [ext for ext in _extensions if ext.module == module.slug]


def urls(module) -> list[tuple]:
    """The (route, view, name) the extensions add under `module`'s URLs."""
    return [url for ext in of(module) for url in ext.urls]


def detail_context(module, record, user) -> dict:
    """The context the extensions add to `record`'s detail page, with their action templates
    under "extension_actions"."""
    context: dict = {"extension_actions": []}
    for ext in of(module):
        if ext.detail_context is not None:
            context.update(ext.detail_context(module, record, user))
        context["extension_actions"] += ext.action_templates
    return context


def list_context(module, request) -> dict:
    """The context the extensions add to `module`'s list page, with their templates under
    "extension_lists"."""
    context: dict = {"extension_lists": []}
    for ext in of(module):
        if ext.list_context is not None:
            context.update(ext.list_context(module, request))
        context["extension_lists"] += ext.list_templates
    return context


def list_params(module) -> frozenset[str]:
    """The query parameters of `module`'s list that the extensions read and that filter
    nothing."""
    return frozenset(name for ext in of(module) for name in ext.list_params)


def list_columns(module, request) -> list[str] | None:
    """The columns an extension shows on this list address instead of the user's, or None."""
    for ext in of(module):
        if ext.list_columns is not None:
            columns = ext.list_columns(module, request)
            if columns:
                return columns
    return None


def list_start(module, request) -> str | None:
    """The address `module`'s bare list opens instead (an extension's), or None."""
    for ext in of(module):
        if ext.list_start is not None:
            address = ext.list_start(module, request)
            if address:
                return address
    return None
