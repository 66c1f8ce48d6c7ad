"""The currencies' API routes (kontor/urls.py includes them beside the API's)."""

from django.urls import path

from kontor.currencies.api import CurrencyDetail, CurrencyList

urlpatterns = [
    path("api/v1/currencies/", CurrencyList.as_view(), name="api-currencies"),
    path("api/v1/currencies/<str:code>/", CurrencyDetail.as_view(), name="api-currency"),
]
