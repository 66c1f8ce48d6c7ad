"""/api/v1/analytics/reports/ (mounted in kontor/urls.py before the API's include)."""

from django.urls import path

from kontor.reports import api

urlpatterns = [
    path("", api.ReportListView.as_view(), name="api-reports"),
    path("<int:pk>/result/", api.ReportResultView.as_view(), name="api-report-result"),
]
