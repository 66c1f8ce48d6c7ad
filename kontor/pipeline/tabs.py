"""The opportunities' saved views (kontor.savedviews) as tabs above the board, and the view the
bare board opens with.

A tab opens the board with the view's filters and search in its address (`?view=<id>&…`, as
the list's tabs do), so the address stays the board's whole state. The board orders cards by
expected close date, so a view's sort does not apply here. As on the list, the bare address
(`/opportunities/board/`, no query) opens the viewer's default view of opportunities, and the
"All" tab (`?view=all`) is the way to every opportunity.
"""

from django.http import QueryDict

from kontor.savedviews import apply, default_view, for_request
from kontor.savedviews.queries import ALL, PARAM


def _board(module) -> str:
    return module.url("list") + "board/"


def _keep(request) -> QueryDict:
    """What stays when switching tabs: the viewer's currency."""
    keep = QueryDict(mutable=True)
    if request.GET.get("currency"):
        keep["currency"] = request.GET["currency"]
    return keep


def _view_url(board: str, view, keep) -> str:
    query = apply(view)
    query.pop("sort", None)
    query.update(keep)
    query[PARAM] = str(view.pk)
    return _url(board, query)


def for_board(request, module) -> list[dict]:
    """The tabs: "All" first, then the views the viewer sees (one query per request, shared
    with `start`); the open one is marked. The viewer's currency stays when switching tabs."""
    board, keep = _board(module), _keep(request)
    open_view = request.GET.get(PARAM, "")
    everything = keep.copy()
    everything[PARAM] = ALL
    tabs = [
        {
            "name": None,
            "url": _url(board, everything),
            "active": open_view in ("", ALL),
            "pk": None,
        }
    ]
    for view in for_request(request, module):
        tabs.append(
            {
                "name": view.name,
                "url": _view_url(board, view, keep),
                "active": open_view == str(view.pk),
                "pk": view.pk,
                "shared": view.owner_id != request.user.pk,
            }
        )
    return tabs


def start(request, module) -> str | None:
    """The board address of the viewer's default view of opportunities, which the bare board
    opens as the bare list does (kontor.savedviews); None without one or with any query."""
    if request.GET:
        return None
    view = default_view(request, module)
    return _view_url(_board(module), view, QueryDict()) if view is not None else None


def _url(board: str, query) -> str:
    encoded = query.urlencode()
    return f"{board}?{encoded}" if encoded else board
