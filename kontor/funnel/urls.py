"""The funnel's page, its drill-down and its API route."""

from django.urls import path

from kontor.funnel import api, views

app_name = "funnel"
urlpatterns = [
    path("api/v1/analytics/funnel/", api.FunnelView.as_view(), name="api"),
    path("funnel/", views.funnel_page, name="page"),
    path("funnel/records/", views.drill, name="drill"),
]
