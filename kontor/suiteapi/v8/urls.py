"""The routes of SuiteCRM's V8 JSON:API, under `Api/` and SuiteCRM 7's `Api/index.php/`
(kontor.suiteapi.urls mounts them at the site root and under `legacy/`)."""

from django.urls import include, path, re_path

from kontor.suiteapi.v8 import records, relations, views

_MODULE = r"(?P<moduleName>[A-Za-z_]\w*)"

_v8 = [
    path("logout", views.logout, name="v8-logout"),
    path("current-user", views.current_user, name="v8-current-user"),
    path("meta/modules", views.meta_modules, name="v8-meta-modules"),
    re_path(rf"^meta/fields/{_MODULE}$", views.meta_fields, name="v8-meta-fields"),
    path("module", records.module_collection, name="v8-module"),
    re_path(rf"^module/{_MODULE}$", records.module_list, name="v8-list"),
    re_path(rf"^module/{_MODULE}/(?P<id>[^/]+)$", records.module_record, name="v8-record"),
    re_path(
        rf"^module/{_MODULE}/(?P<id>[^/]+)/relationships$",
        relations.relationship_any,
        name="v8-relationships",
    ),
    re_path(
        rf"^module/{_MODULE}/(?P<id>[^/]+)/relationships/(?P<linkFieldName>\w+)$",
        relations.relationship,
        name="v8-relationship",
    ),
    re_path(
        rf"^module/{_MODULE}/(?P<id>[^/]+)/relationships/(?P<linkFieldName>\w+)/"
        r"(?P<relatedBeanId>[^/]+)$",
        relations.relationship_delete,
        name="v8-relationship-delete",
    ),
    re_path(r"^(?P<rest>.*)$", views.unknown),
]

_api = [
    path("access_token", views.access_token, name="v8-access-token"),
    path("V8/", include(_v8)),
    re_path(r"^(?P<rest>.*)$", views.unknown),
]

# SuiteCRM 7's `Api/index.php/` first: `Api/`'s own catch-all would answer it otherwise.
urlpatterns = [
    path("Api/index.php/", include(_api)),
    path("Api/", include(_api)),
]
