"""The API's URLs: /api/v1/<record type>/…, the schema, its docs, and the token page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from kontor.api import tokens
from kontor.api.viewsets import viewset_for
from kontor.core import registry


def _router() -> DefaultRouter:
    router = DefaultRouter(trailing_slash=True)
    for module in registry.modules():
        router.register(module.slug, viewset_for(module), basename=f"api-{module.slug}")
    return router


urlpatterns = [
    path("api/v1/", include(_router().urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("settings/api-tokens/", tokens.token_list, name="api-tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", tokens.token_revoke, name="api-token-revoke"),
]
