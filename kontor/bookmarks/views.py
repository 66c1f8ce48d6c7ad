"""Favourites and recently viewed records in the pages: the star on a record's page, the
"Favourites" menu of the navigation and the command palette's list (Ctrl+K)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render

from kontor.bookmarks import actions, records
from kontor.core import permissions, registry
from kontor.core.records.views import ModuleView


def record_page_context(module, record, user) -> dict:
    """Added to every record page (kontor.core.extensions): remembers the view and says
    whether the record is one of the user's favourites, for the star."""
    actions.note_view(user, module, record.pk)
    return {"is_favourite": records.is_favourite(user, module, record.pk)}


class FavouriteView(ModuleView):
    """POST: star the record, or take its star away. A record the user may not see is not
    found (404) and nothing changes."""

    http_method_names = ["post"]

    def post(self, request, pk):
        record = self.get_object()
        starred = actions.toggle_favourite(request.user, self.module, record, actor=request.user)
        if request.headers.get("HX-Request"):
            context = {"module": self.module, "record": record, "is_favourite": starred}
            return render(request, "core/_favourite_button.html", context)
        return HttpResponseRedirect(record.get_absolute_url())


@login_required
def favourites_menu(request):
    """The items of the navigation's "Favourites" menu, loaded when it opens."""
    return render(
        request,
        "bookmarks/_menu.html",
        {
            "favourites": records.favourites(request.user),
            "recent": records.recent(request.user),
        },
    )


@login_required
def palette(request):
    """The command palette's entries (Ctrl+K): go to a module, create a record, the recently
    viewed records and the favourites. The palette filters them as the user types."""
    user = request.user
    return render(
        request,
        "bookmarks/_palette.html",
        {
            "go": [m for m in registry.modules() if permissions.can(user, "list", m.model)],
            "create": [m for m in registry.modules() if permissions.can(user, "create", m.model)],
            "favourites": records.favourites(user),
            "recent": records.recent(user),
        },
    )
