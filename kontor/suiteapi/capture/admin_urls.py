"""The administration page of the web-to-lead capture (mounted once, not under `legacy/`)."""

from django.urls import path

from kontor.suiteapi.capture import admin_views

urlpatterns = [
    path("web-to-lead/", admin_views.capture_admin, name="suiteapi-capture-admin"),
]
