"""URLs of the import pages (namespace "imports")."""

from django.urls import path

from kontor.imports import views

app_name = "imports"
urlpatterns = [
    path("<slug:slug>/", views.upload, name="upload"),
    path("batch/<uuid:pk>/", views.batch_page, name="batch"),
    path("batch/<uuid:pk>/progress/", views.progress, name="progress"),
    path("batch/<uuid:pk>/resume/", views.resume, name="resume"),
    path("batch/<uuid:pk>/undo/", views.undo_view, name="undo"),
    path("batch/<uuid:pk>/not-imported.csv", views.failed_rows, name="failed"),
]
