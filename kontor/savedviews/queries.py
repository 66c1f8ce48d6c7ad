"""Reading saved views: which a user sees for a record type, what a view's address is, and which
parts of a stored query the list still knows. Also the public face of this app for other apps
(kontor.savedviews.views_for / apply / address, e.g. the pipeline board's tabs).
"""

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When
from django.http import QueryDict

from kontor.core import catalog, config
from kontor.core.records.filters import filterset_for
from kontor.savedviews.models import DefaultView, SavedView

#: The list parameter that names the open view ("all": none, even if a default is set)
PARAM = "view"
ALL = "all"

#: List parameters a view never stores: the page, the open view, the filter panel's switch
_NOT_STORED = frozenset({"cursor", PARAM, "filters", "csrfmiddlewaretoken"})

#: List parameters that are no filter but are stored
_LIST_PARAMS = frozenset({"q", "sort"})


def _slug(module) -> str:
    return module if isinstance(module, str) else module.slug


def visible(user, module=None):
    """The views `user` sees (of record type `module`, a Module or its slug, when given), each
    with `is_default` (the one their list of its type opens with) and its owner loaded, in the
    order of the list's tabs: their own by position, then the shared ones by name."""
    if not (user and user.is_authenticated):
        return SavedView.objects.none()
    default = DefaultView.objects.filter(user=user, module=OuterRef("module"), view=OuterRef("pk"))
    views = SavedView.objects.visible_to(user)
    if module is not None:
        views = views.filter(module=_slug(module))
    return (
        views.select_related("owner")
        .annotate(
            is_default=Exists(default),
            place=Case(When(owner=user, then=F("position")), default=Value(0)),
            mine=Case(
                When(owner=user, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("module", "mine", "place", "name", "pk")
    )


def views_for(user, module) -> list[SavedView]:
    """The views of record type `module` (a Module or its slug) that `user` sees, in the order
    of their tabs, each with `is_default`. One query."""
    return list(visible(user, module))


def find(user, pk) -> SavedView | None:
    """The view of id `pk` (any record type) if `user` sees it, else None (a forged, deleted or
    another user's private view); one query, none for an id that is no number."""
    text = str(pk or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return visible(user).filter(pk=int(text)).first()


def apply(view: SavedView) -> QueryDict:
    """The list parameters of `view` (filters, `q`, `sort`), as a list reads them from its
    address: pass it as the data of the record type's FilterSet, or to `search.search` and
    the sort. Parameters the list no longer knows are dropped (`unknown_params`)."""
    params = QueryDict(view.query, mutable=True)
    try:
        known = filter_params(catalog.get(view.module)) | _LIST_PARAMS
    except KeyError:  # a record type no longer installed
        return QueryDict(mutable=True)
    for name in list(params):
        if name not in known:
            del params[name]
    return params


def address(view: SavedView, module) -> str:
    """The list address that opens `view`: its id and its parameters."""
    return f"{module.url('list')}?{PARAM}={view.pk}" + (f"&{view.query}" if view.query else "")


def normalise(params) -> str:
    """A list's query string as a view stores it: without the page, the open view or empty
    values, parameters in name order."""
    kept = QueryDict(mutable=True)
    for name in sorted(params):
        if name in _NOT_STORED:
            continue
        values = [v for v in params.getlist(name) if v.strip()]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def filter_params(module) -> frozenset[str]:
    """The query parameters the filters of `module`'s list read (a date range's two ends)."""
    names = set()
    for name, filter_ in filterset_for(module).base_filters.items():
        widget = filter_.extra.get("widget") or filter_.field_class.widget
        suffixes = getattr(widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return frozenset(names)


def unknown_params(view: SavedView, module) -> list[str]:
    """The parameters of `view` the list of `module` no longer reads (a deleted custom field's
    filter)."""
    known = filter_params(module) | _LIST_PARAMS
    return [name for name in QueryDict(view.query) if name not in known]


def unknown_columns(view: SavedView, module) -> list[str]:
    """The columns of `view` the list of `module` no longer offers."""
    allowed = set(config.all_columns(module))
    return [name for name in view.columns if name not in allowed]
