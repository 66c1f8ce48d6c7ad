"""Studio's admin pages, under /admin/studio/."""

from django.urls import path

from kontor.studio.views import changes, dropdowns, fields, settings

app_name = "studio"

urlpatterns = [
    path("dropdowns/", dropdowns.lists, name="dropdowns"),
    path("dropdowns/<str:name>/", dropdowns.edit, name="dropdown"),
    path("dropdowns/<str:name>/<int:pk>/delete/", dropdowns.delete, name="dropdown-delete"),
    path("fields/", fields.index, name="fields"),
    path("fields/<str:slug>/", fields.module, name="module"),
    path("fields/<str:slug>/custom/<int:pk>/", fields.custom_edit, name="custom-edit"),
    path("fields/<str:slug>/layout/", fields.layout, name="layout"),
    path("settings/", settings.installation, name="settings"),
    path("changes/", changes.log, name="changes"),
    path("export/", changes.export, name="export"),
    path("import/", changes.import_config, name="import"),
]
