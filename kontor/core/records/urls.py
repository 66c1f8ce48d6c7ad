"""URLs of every registered module, all from the generic views: /<slug>/, /<slug>/<id>/ …"""

from django.urls import include, path

from kontor.core import registry
from kontor.core.records import export, vcard, views

VERBS = [
    ("", views.ListView, "list"),
    ("count/", views.CountView, "count"),
    ("new/", views.CreateView, "create"),
    ("trash/", views.TrashView, "trash"),
    ("export.csv", export.ExportView, "export"),
    ("export.xlsx", export.XlsxExportView, "export-xlsx"),
    ("export.vcf", vcard.VcardExportView, "export-vcf"),
    ("mass/", views.MassActionView, "mass"),
    ("columns/", views.ColumnsView, "columns"),
    ("lookup/", views.LookupView, "lookup"),
    ("<uuid:pk>/", views.DetailView, "detail"),
    ("<uuid:pk>/edit/", views.EditView, "edit"),
    ("<uuid:pk>/delete/", views.DeleteView, "delete"),
    ("<uuid:pk>/restore/", views.RestoreView, "restore"),
    ("<uuid:pk>/teams/", views.TeamsView, "teams"),
    ("<uuid:pk>/vcard.vcf", vcard.VcardView, "vcard"),
]


def module_patterns(module) -> list:
    """The standard URLs of one module, plus the extra ones it declares (`extra_urls`)."""
    patterns = [path(route, view.as_view(module=module), name=name) for route, view, name in VERBS]
    patterns += [
        path(route, view.as_view(module=module), name=name)
        for route, view, name in getattr(module, "extra_urls", ())
    ]
    return patterns


def urlpatterns_for_modules() -> list:
    return [path(f"{m.slug}/", include((module_patterns(m), m.slug))) for m in registry.modules()]
