"""The report pages, under /reports/."""

from django.urls import path

from kontor.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("fields/", views.report_fields, name="fields"),
    path("start/", views.report_start, name="start"),
    path("preview/", views.report_preview, name="preview"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/result/", views.report_result, name="result"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/duplicate/", views.report_duplicate, name="duplicate"),
    path("<int:pk>/delete/", views.report_delete, name="delete"),
    path("<int:pk>/export.<str:extension>", views.report_export, name="export"),
]
