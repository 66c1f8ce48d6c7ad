"""URLs of this part of the SuiteCRM API compatibility: the v4_1 REST endpoint."""

from django.urls import path

from kontor.suiteapi.v41 import views

urlpatterns = [path("service/v4_1/rest.php", views.rest, name="suiteapi-v41")]
