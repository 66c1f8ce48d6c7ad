"""The saved views' tabs on every list (registered as a kontor.core.extensions.Extension).

The address is the state: `?view=<id>` plus the view's parameters opens a view, and the list
applies those parameters as it applies any. So a view filters only what the permission filter
shows, and a changed filter stays in the address with the view's tab still active. While a view
is open its columns (if it has any) replace the user's own for that page only; the column
chooser still sets the user's own columns, which "All" and views without columns show.

The visible views are read once per request (one query), for the tabs, the columns and the
default the bare list address opens with.
"""

from django.urls import reverse

from kontor.core import permissions
from kontor.savedviews import queries
from kontor.savedviews.queries import ALL, PARAM

_CACHE = "_kontor_saved_views"


def for_request(module, request) -> list:
    """The views `request.user` sees of `module`, read once per request (the list's tabs, its
    columns and default, and the board's tabs and default share the one query)."""
    cache = request.__dict__.setdefault(_CACHE, {})
    if module.slug not in cache:
        cache[module.slug] = queries.views_for(request.user, module)
    return cache[module.slug]


def default(module, request):
    """The view `request.user` made their default for `module`, or None."""
    return next((v for v in for_request(module, request) if v.is_default), None)


def _asked(request) -> str:
    return request.GET.get(PARAM, "")


def active(module, request):
    """The view the address opens, None for the whole list (or a view the user does not see)."""
    asked = _asked(request)
    if not asked or asked == ALL:
        return None
    return next((v for v in for_request(module, request) if str(v.pk) == asked), None)


def list_columns(module, request) -> list[str] | None:
    """The open view's columns, None when it has none (the user's own are shown)."""
    if not _asked(request):
        return None
    view = active(module, request)
    return list(view.columns) if view is not None and view.columns else None


def list_start(module, request) -> str | None:
    """The user's default view of `module`, opened when the list's address has no query."""
    view = default(module, request)
    return queries.address(view, module) if view is not None else None


def list_context(module, request) -> dict:
    """The tabs: "All" and the user's views, the open one with its own actions."""
    views = for_request(module, request)
    view = active(module, request)
    user = request.user
    asked = _asked(request)
    current = queries.normalise(request.GET)
    tabs = [
        {
            "view": v,
            "url": queries.address(v, module),
            "active": v is view,
            "shared": v.owner_id != user.pk,
        }
        for v in views
    ]
    context = {
        "tabs": tabs,
        "all_url": f"{module.url('list')}?{PARAM}={ALL}",
        "all_active": view is None,
        "active": view,
        "missing": bool(asked) and asked != ALL and view is None,
        "current_query": current,
        "module_slug": module.slug,
        "new_url": reverse("savedviews:new", args=[module.slug]),
        "manage_url": reverse("savedviews:manage", args=[module.slug]),
    }
    if view is not None:
        context.update(
            can_change=view.owner_id == user.pk or permissions.is_admin(user),
            changed=current != view.query,
            unknown_params=queries.unknown_params(view, module),
            unknown_columns=queries.unknown_columns(view, module),
        )
    return {"saved_views": context}
