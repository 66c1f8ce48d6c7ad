"""The forecast's pages and its API routes (under /api/v1/analytics/, beside the pipeline's)."""

from django.urls import path

from kontor.forecasts import api, views

urlpatterns = [
    path("api/v1/analytics/forecast/", api.ForecastView.as_view(), name="api-forecast"),
    path("api/v1/analytics/quotas/", api.QuotasView.as_view(), name="api-quotas"),
    path("forecast/", views.forecast, name="forecast"),
    path("forecast/quotas/", views.quotas, name="forecast-quotas"),
]
