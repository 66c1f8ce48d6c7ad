"""The administration pages of the V8 API's OAuth2 clients."""

from django.urls import path

from kontor.suiteapi.clients import views

urlpatterns = [
    path("oauth-clients/", views.client_list, name="suiteapi-oauth-clients"),
    path(
        "oauth-clients/<int:pk>/revoke/", views.client_revoke, name="suiteapi-oauth-client-revoke"
    ),
]
