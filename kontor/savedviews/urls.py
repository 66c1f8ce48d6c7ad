"""Saved views: saving a list as a view, changing, deleting and arranging views."""

from django.urls import path

from kontor.savedviews import views

app_name = "savedviews"

urlpatterns = [
    path("<slug:slug>/", views.manage, name="manage"),
    path("<slug:slug>/new/", views.new, name="new"),
    path("view/<int:pk>/edit/", views.edit, name="edit"),
    path("view/<int:pk>/update/", views.update, name="update"),
    path("view/<int:pk>/delete/", views.delete, name="delete"),
    path("view/<int:pk>/default/", views.default, name="default"),
]
