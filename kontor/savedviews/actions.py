"""The writes of saved views: a user's own bookkeeping of how they look at a list, not changes
of records (no change-log row, as for favourites). Each validates first, with the translated
message on the field that caused it, and writes in one transaction.

Only the owner or an administrator changes a view; whoever sees a view may make it their
default. Callers find the view through `SavedView.objects.visible_to` first (not found: 404).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.core import catalog, config, permissions
from kontor.savedviews import queries
from kontor.savedviews.models import DefaultView, SavedView
from kontor.users.sharing import Share, ShareMessages, share_errors

NAME_MAX = 80


def _module(slug: str, actor):
    """The module `slug` if `actor` may list its records; a ValidationError otherwise."""
    try:
        module = catalog.get(slug)
    except KeyError:
        module = None
    if module is None or not permissions.can(actor, "list", module.model):
        raise ValidationError({"module": [_("Choose a record type you may list.")]})
    return module


def _check_editor(view: SavedView, actor) -> None:
    if view.owner_id != actor.pk and not permissions.is_admin(actor):
        raise PermissionDenied(_("Only the owner of a view or an administrator may change it."))


def _clean(view: SavedView, module, *, name, share, team, actor) -> dict:
    """The checked name, scope and team of `view`; a ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Give the view a name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name may have at most %(max)d characters.") % {"max": NAME_MAX}]
    elif (
        SavedView.objects.filter(owner_id=view.owner_id, module=module.slug, name__iexact=name)
        .exclude(pk=view.pk)
        .exists()
    ):
        errors["name"] = [_("You already have a view of this name here.")]
    messages = ShareMessages(
        share=_("Choose who sees the view: only you, a team or everyone."),
        no_team=_("Choose the team to share the view with."),
        not_member=_("You can share a view only with a team you belong to."),
    )
    team_id = None if team is None else team.pk
    errors.update(share_errors(share, team_id, actor=actor, messages=messages))
    if errors:
        raise ValidationError(errors)
    return {"name": name, "share": share, "team": team if share == Share.TEAM else None}


def _clean_columns(module, columns) -> list[str]:
    allowed = set(config.all_columns(module))
    return [c for c in dict.fromkeys(columns or ()) if c in allowed]


def _clean_query(module, query: str) -> str:
    """The list parameters of the query string `query` worth keeping: the list's own filters,
    its search and its sort, normalised (queries.normalise)."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    known = queries.filter_params(module) | {"q", "sort"}
    for name in list(params):
        if name not in known:
            del params[name]
    return queries.normalise(params)


@transaction.atomic
def create_view(
    slug: str, *, name: str, query: str, columns, share: str, team=None, actor
) -> SavedView:
    """Save the list of record type `slug` as `actor` sees it (`query`: its query string,
    `columns`: the columns shown, empty for each viewer's own) as a view named `name`, last
    among `actor`'s views of the type."""
    module = _module(slug, actor)
    view = SavedView(owner=actor, module=module.slug)
    for attr, value in _clean(view, module, name=name, share=share, team=team, actor=actor).items():
        setattr(view, attr, value)
    view.query = _clean_query(module, query)
    view.columns = _clean_columns(module, columns)
    last = SavedView.objects.filter(owner=actor, module=module.slug).aggregate(m=Max("position"))
    view.position = 0 if last["m"] is None else last["m"] + 1
    view.save()
    return view


@transaction.atomic
def change_view(
    view: SavedView, *, actor, name=None, share=None, team=None, columns=None, query=None
) -> SavedView:
    """Rename `view`, share it otherwise, give it other columns or (`query`) the list's current
    filters, search and sort; what is None stays. Owner or administrator only."""
    _check_editor(view, actor)
    module = _module(view.module, actor)
    if name is not None or share is not None:
        cleaned = _clean(
            view,
            module,
            name=view.name if name is None else name,
            share=view.share if share is None else share,
            team=view.team if share is None else team,
            actor=actor,
        )
        for attr, value in cleaned.items():
            setattr(view, attr, value)
    if columns is not None:
        view.columns = _clean_columns(module, columns)
    if query is not None:
        view.query = _clean_query(module, query)
    view.modified = timezone.now()
    view.save()
    return view


@transaction.atomic
def delete_view(view: SavedView, *, actor) -> None:
    """Delete `view` (and every user's default that named it). Owner or administrator only."""
    _check_editor(view, actor)
    view.delete()


@transaction.atomic
def set_default(view: SavedView | None, slug: str, *, actor) -> None:
    """Make `view` the one `actor`'s list of record type `slug` opens with; None: the whole
    list again. `view` must be one `actor` sees (the caller found it through visible_to)."""
    module = _module(slug, actor)
    if view is None:
        DefaultView.objects.filter(user=actor, module=module.slug).delete()
        return
    if view.module != module.slug:
        raise ValidationError({"view": [_("This view belongs to another record type.")]})
    DefaultView.objects.update_or_create(user=actor, module=module.slug, defaults={"view": view})


@transaction.atomic
def reorder(slug: str, ids, *, actor) -> None:
    """Put `actor`'s views of record type `slug` in the order of `ids`; their views not named
    follow in their old order, ids of other views are ignored."""
    mine = list(
        SavedView.objects.select_for_update()
        .filter(owner=actor, module=slug)
        .order_by("position", "name", "pk")
    )
    by_id = {str(v.pk): v for v in mine}
    named = [by_id[str(i)] for i in dict.fromkeys(ids) if str(i) in by_id]
    ordered = named + [v for v in mine if v not in named]
    changed = []
    for position, view in enumerate(ordered):
        if view.position != position:
            view.position = position
            changed.append(view)
    SavedView.objects.bulk_update(changed, ["position"])


def move(slug: str, view_id, step: int, *, actor) -> None:
    """Move `actor`'s view `view_id` one place up (step -1) or down (+1) among their views of
    record type `slug` (the keyboard's way of reordering)."""
    order = [
        str(pk)
        for pk in SavedView.objects.filter(owner=actor, module=slug)
        .order_by("position", "name", "pk")
        .values_list("pk", flat=True)
    ]
    if str(view_id) not in order:
        return
    i = order.index(str(view_id))
    j = min(max(i + step, 0), len(order) - 1)
    order[i], order[j] = order[j], order[i]
    reorder(slug, order, actor=actor)
