"""The pages of saved views: save the list as a view, change, update, delete a view, make it the
default, and arrange one's views. Each write is one action (kontor.savedviews.actions).

A view the user does not see is not found (404), whatever its id; a view they see but do not
own is refused with a message and stays as it is.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kontor.core import catalog, config, permissions, preferences
from kontor.core.records import tables
from kontor.savedviews import actions, forms, queries
from kontor.savedviews.models import SavedView


def _module_or_404(user, slug: str):
    try:
        module = catalog.get(slug)
    except KeyError:
        raise Http404 from None
    if not permissions.can(user, "list", module.model):
        raise Http404
    return module


def _view_or_404(user, pk) -> SavedView:
    return get_object_or_404(SavedView.objects.visible_to(user).select_related("team"), pk=pk)


def _back(request, default: str) -> str:
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, {request.get_host()}, require_https=request.is_secure()
    ):
        return back
    return default


def _errors(form, error: ValidationError) -> None:
    """An action's field errors onto `form` (unknown fields: onto the form as a whole)."""
    for field, errors in error.message_dict.items():
        field = _FORM_FIELDS.get(field, field)
        form.add_error(field if field in form.fields else None, errors)


#: The form field that shows an action's error on `share` or `team`
_FORM_FIELDS = {"share": "shared_with", "team": "shared_with"}


def shown_columns(user, module, query: str) -> list[str]:
    """The columns the list of `module` shows `user` at the address with query `query`."""
    asked = QueryDict(query).get(queries.PARAM, "")
    view = next((v for v in queries.views_for(user, module) if str(v.pk) == asked), None)
    if view is not None and view.columns:
        return list(view.columns)
    return list(preferences.list_columns(user, module.slug) or config.list_columns(module))


@login_required
def new(request, slug):
    """Save the list as a view: the form (loaded into the list's tabs), and saving it."""
    module = _module_or_404(request.user, slug)
    if request.method == "POST":
        form = forms.NewViewForm(request.POST, user=request.user)
        if form.is_valid():
            share, team = form.share_and_team()
            query = form.cleaned_data["query"]
            try:
                view = actions.create_view(
                    module.slug,
                    name=form.cleaned_data["name"],
                    query=query,
                    columns=shown_columns(request.user, module, query)
                    if form.cleaned_data["with_columns"]
                    else [],
                    share=share,
                    team=team,
                    actor=request.user,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
                return HttpResponseRedirect(queries.address(view, module))
        status = 400
    else:
        # The address without its page; its open view (`view=`) says which columns are shown.
        params = request.GET.copy()
        params.pop("cursor", None)
        form = forms.NewViewForm(initial={"query": params.urlencode()}, user=request.user)
        status = 200
    context = {"form": form, "module": module, "action": request.path}
    if request.headers.get("HX-Request"):
        return render(request, "savedviews/_new_form.html", context, status=status)
    return render(request, "savedviews/new.html", context, status=status)


def _may_change(request, view: SavedView) -> bool:
    """May the user change `view`? If not, a message says why (they only see it)."""
    if view.owner_id == request.user.pk or permissions.is_admin(request.user):
        return True
    messages.error(request, _("Only the owner of a view or an administrator may change it."))
    return False


@login_required
def edit(request, pk):
    """Rename a view, share it otherwise and choose its columns."""
    view = _view_or_404(request.user, pk)
    module = _module_or_404(request.user, view.module)
    if not _may_change(request, view):
        return HttpResponseRedirect(queries.address(view, module))
    choices = [(c.name, c.label) for c in tables.columns(module, config.all_columns(module))]
    data = request.POST if request.method == "POST" else None
    form = forms.ViewForm(
        data,
        user=request.user,
        initial={"name": view.name, "shared_with": forms.shared_value(view)},
    )
    columns = forms.ColumnsForm(data, choices=choices, initial={"columns": view.columns})
    if data is not None and form.is_valid() and columns.is_valid():
        share, team = form.share_and_team()
        try:
            actions.change_view(
                view,
                name=form.cleaned_data["name"],
                share=share,
                team=team,
                columns=columns.cleaned_data["columns"],
                actor=request.user,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("The view “%(name)s” is saved.") % {"name": view.name})
            return HttpResponseRedirect(queries.address(view, module))
    context = {
        "form": form,
        "columns_form": columns,
        "view": view,
        "module": module,
        "unknown_columns": queries.unknown_columns(view, module),
    }
    return render(request, "savedviews/edit.html", context, status=400 if data else 200)


@login_required
@require_POST
def update(request, pk):
    """Give a view the list's current filters, search and sort."""
    view = _view_or_404(request.user, pk)
    module = _module_or_404(request.user, view.module)
    if not _may_change(request, view):
        return HttpResponseRedirect(queries.address(view, module))
    actions.change_view(view, query=request.POST.get("query", ""), actor=request.user)
    messages.success(request, _("The view “%(name)s” now has these filters.") % {"name": view.name})
    return HttpResponseRedirect(queries.address(view, module))


@login_required
@require_POST
def delete(request, pk):
    """Delete a view."""
    view = _view_or_404(request.user, pk)
    module = _module_or_404(request.user, view.module)
    if not _may_change(request, view):
        return HttpResponseRedirect(queries.address(view, module))
    actions.delete_view(view, actor=request.user)
    messages.success(request, _("The view “%(name)s” is deleted.") % {"name": view.name})
    return HttpResponseRedirect(f"{module.url('list')}?{queries.PARAM}={queries.ALL}")


@login_required
@require_POST
def default(request, pk):
    """Make a view the one the user's list opens with (on=1), or stop doing so."""
    view = _view_or_404(request.user, pk)
    module = _module_or_404(request.user, view.module)
    if request.POST.get("on") == "1":
        actions.set_default(view, module.slug, actor=request.user)
        messages.success(
            request, _("The list now opens with the view “%(name)s”.") % {"name": view.name}
        )
    else:
        actions.set_default(None, module.slug, actor=request.user)
        messages.success(request, _("The list now opens with all records."))
    return HttpResponseRedirect(_back(request, queries.address(view, module)))


@login_required
def manage(request, slug):
    """The user's views of a record type: arrange their own (drag, or the buttons for the
    keyboard), and see the ones shared with them."""
    module = _module_or_404(request.user, slug)
    if request.method == "POST":
        move = request.POST.get("move", "")
        if ":" in move:
            view_id, direction = move.rsplit(":", 1)
            actions.move(module.slug, view_id, -1 if direction == "up" else 1, actor=request.user)
        else:
            actions.reorder(module.slug, request.POST.getlist("order"), actor=request.user)
        if request.headers.get("HX-Request"):
            return render(request, "savedviews/_manage_list.html", _manage_context(request, module))
        return HttpResponseRedirect(request.path)
    return render(request, "savedviews/manage.html", _manage_context(request, module))


def _manage_context(request, module) -> dict:
    views = queries.views_for(request.user, module)
    own = [v for v in views if v.owner_id == request.user.pk]
    return {
        "module": module,
        "own": [(v, queries.address(v, module)) for v in own],
        "shared": [(v, queries.address(v, module)) for v in views if v.owner_id != request.user.pk],
        "is_admin": permissions.is_admin(request.user),
    }
