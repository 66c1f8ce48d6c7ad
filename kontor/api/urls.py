"""The API's URLs: /api/v1/<record type>/…, the schema, its docs, and the token page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, SimpleRouter

from kontor.api import tokens
from kontor.api.auth import SchemaAccess
from kontor.api.viewsets import viewset_for
from kontor.core import registry


def _record_urls() -> list:
    """One include per record type under its own prefix: Django tries a type's two dozen
    routes only after its prefix matched, not every type's routes in turn (one flat router's
    150 patterns cost a tenth of a millisecond per API request). No `.json` suffix routes:
    `?format=json` or the Accept header choose the format."""
    found, root = [], {}
    for module in registry.modules():
        router = SimpleRouter(trailing_slash=True)
        basename = f"api-{module.slug}"
        router.register("", viewset_for(module), basename=basename)
        found.append(path(f"{module.slug}/", include(router.urls)))
        root[module.slug] = f"{basename}-list"
    found.append(path("", APIRootView.as_view(api_root_dict=root), name="api-root"))
    return found


urlpatterns = [
    path("api/v1/", include(_record_urls())),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[SchemaAccess]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", permission_classes=[SchemaAccess]
        ),
        name="api-docs",
    ),
    path("settings/api-tokens/", tokens.token_list, name="api-tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
]
