"""SuiteCRM's `index.php` front door, for the web-to-lead entry points (under SuiteCRM 7's and
8's layouts: the including module mounts these at the root and under `legacy/`)."""

from django.urls import path

from kontor.suiteapi.capture import views

urlpatterns = [path("index.php", views.index_php)]
