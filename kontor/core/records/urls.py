"""URLs of every registered module, all from the generic views: /<slug>/, /<slug>/<id>/ …"""

from django.urls import include, path

from kontor.core import extensions, registry
from kontor.core.records import export, fragments, inline, list_extras, list_views, vcard, views

VERBS = [
    ("", list_views.ListView, "list"),
    ("count/", list_views.CountView, "count"),
    ("totals/", list_views.TotalsView, "totals"),
    ("density/", list_extras.DensityView, "density"),
    ("filters/", list_views.FiltersView, "filters"),
    ("new/", views.CreateView, "create"),
    ("trash/", views.TrashView, "trash"),
    ("export.csv", export.ExportView, "export"),
    ("export.xlsx", export.XlsxExportView, "export-xlsx"),
    ("export.vcf", vcard.VcardExportView, "export-vcf"),
    ("mass/", list_views.MassActionView, "mass"),
    ("columns/", list_views.ColumnsView, "columns"),
    ("lookup/", list_views.LookupView, "lookup"),
    ("<uuid:pk>/", views.DetailView, "detail"),
    ("<uuid:pk>/edit/", views.EditView, "edit"),
    ("<uuid:pk>/delete/", views.DeleteView, "delete"),
    ("<uuid:pk>/restore/", views.RestoreView, "restore"),
    ("<uuid:pk>/teams/", views.TeamsView, "teams"),
    ("<uuid:pk>/vcard.vcf", vcard.VcardView, "vcard"),
    ("<uuid:pk>/inline/<str:field>/", inline.InlineView, "inline"),
    ("<uuid:pk>/timeline/", fragments.TimelineView, "timeline"),
    ("<uuid:pk>/related/", fragments.RelatedView, "related"),
    ("<uuid:pk>/stage/", fragments.StageView, "stage"),
]


def module_patterns(module) -> list:
    """The standard URLs of one module, the ones it declares (`extra_urls`) and the ones other
    apps add to it (kontor.core.extensions)."""
    patterns = [path(route, view.as_view(module=module), name=name) for route, view, name in VERBS]
    patterns += [
        path(route, view.as_view(module=module), name=name)
        for route, view, name in (*module.extra_urls, *extensions.urls(module))
    ]
    return patterns


def urlpatterns_for_modules() -> list:
    return [path(f"{m.slug}/", include((module_patterns(m), m.slug))) for m in registry.modules()]
