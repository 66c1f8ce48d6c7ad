"""Pages of the shared kernel: health check, search across modules, error pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from kontor.core import admin_area, permissions, registry, search, suggest

GLOBAL_SEARCH_ROWS = 8


def healthz(request):
    """200 "ok" while the process answers: liveness, for load balancers and orchestrators.
    No database or cache access; what the server depends on is /readyz (kontor.ops.health)."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def global_search(request):
    """Search every module the user may list; a few matches each, links to the full lists."""
    term = request.GET.get("q", "").strip()
    groups = []
    if term:
        for module in registry.modules():
            if not permissions.can(request.user, "list", module.model):
                continue
            queryset = search.search(module.model.objects.visible_to(request.user, "list"), term)
            rows = list(queryset.order_by("-date_modified", "-pk")[: GLOBAL_SEARCH_ROWS + 1])
            if rows:
                groups.append(
                    {
                        "module": module,
                        "rows": rows[:GLOBAL_SEARCH_ROWS],
                        "more": len(rows) > GLOBAL_SEARCH_ROWS,
                    }
                )
    return render(request, "core/search.html", {"q": term, "groups": groups})


@login_required
def search_suggest(request):
    """The type-ahead under the top search (an HTML fragment for HTMX): a few matches of each
    record type the user may see, with context (kontor.core.suggest)."""
    term = request.GET.get("q", "").strip()[:200]
    groups = suggest.groups(request.user, term)
    shown = term if len(search.normalize(term)) >= suggest.MIN_LENGTH else ""
    return render(request, "core/_suggest.html", {"q": shown, "groups": groups})


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return HttpResponse(render(request, "500.html").content, status=500)


@admin_area.admin_required
def admin_index(request):
    """The administration start page: every admin page, grouped."""
    return render(request, "admin_area/index.html")
