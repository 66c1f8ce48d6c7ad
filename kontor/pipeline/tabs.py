"""The opportunities' saved views (kontor.savedviews) as tabs above the board.

A tab opens the board with the view's filters and search in its address (`?view=<id>&…`, as
the list's tabs do), so the address stays the board's whole state. The board orders cards by
expected close date, so a view's sort does not apply here.
"""

from django.http import QueryDict

from kontor.savedviews.queries import PARAM, apply, views_for


def for_board(request, module) -> list[dict]:
    """The tabs: "All" first, then the views the viewer sees (one query); the open one is
    marked. The viewer's currency stays when switching tabs."""
    board = module.url("list") + "board/"
    open_view = request.GET.get(PARAM, "")
    keep = QueryDict(mutable=True)
    if request.GET.get("currency"):
        keep["currency"] = request.GET["currency"]
    tabs = [{"name": None, "url": _url(board, keep), "active": not open_view, "pk": None}]
    for view in views_for(request.user, module):
        query = apply(view)
        query.pop("sort", None)
        query.update(keep)
        query[PARAM] = str(view.pk)
        tabs.append(
            {
                "name": view.name,
                "url": _url(board, query),
                "active": open_view == str(view.pk),
                "pk": view.pk,
                "shared": view.owner_id != request.user.pk,
            }
        )
    return tabs


def _url(board: str, query) -> str:
    encoded = query.urlencode()
    return f"{board}?{encoded}" if encoded else board
