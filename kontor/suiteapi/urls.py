"""The URLs SuiteCRM's clients call, under SuiteCRM 7's layout and SuiteCRM 8's (`legacy/`)."""

from django.urls import include, path

_routes = [
    path("", include("kontor.suiteapi.v8.urls")),
    path("", include("kontor.suiteapi.v41.urls")),
    path("", include("kontor.suiteapi.capture.urls")),
]

urlpatterns = [
    path("", include(_routes)),
    path("legacy/", include(_routes)),
    path("admin/suitecrm/", include("kontor.suiteapi.capture.admin_urls")),
    path("admin/suitecrm/", include("kontor.suiteapi.clients.urls")),
]
