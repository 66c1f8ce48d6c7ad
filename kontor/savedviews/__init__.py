"""Saved views of the lists. Other apps (the pipeline board) read them through these functions:

- `views_for(user, module)`: the views of record type `module` (a Module or its slug) that
  `user` sees, in the order of the list's tabs, each with `is_default`; one query.
- `apply(view)`: the view's list parameters as a QueryDict (filters, `q`, `sort`), to pass to
  the record type's FilterSet (`kontor.core.records.filters.filterset_for`) and search; a
  parameter the list no longer reads is left out.
- `address(view, module)`: the list address that opens the view.
- `find(user, pk)`: the view of id `pk` (of any record type) if `user` sees it, else None.
- `for_request(request, module)`: `views_for(request.user, module)`, read once per request
  (a page that shows tabs and opens the default view reads them once).
- `default_view(request, module)`: the view `request.user` made their default for `module`
  (their bare list address opens it), or None; from the same read.
"""


def views_for(user, module):
    from kontor.savedviews.queries import views_for

    return views_for(user, module)


def apply(view):
    from kontor.savedviews.queries import apply

    return apply(view)


def address(view, module):
    from kontor.savedviews.queries import address

    return address(view, module)


def for_request(request, module):
    from kontor.savedviews.tabs import for_request

    return for_request(module, request)


def default_view(request, module):
    from kontor.savedviews.tabs import default

    return default(module, request)


def find(user, pk):
    from kontor.savedviews.queries import find

    return find(user, pk)
