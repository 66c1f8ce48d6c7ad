"""The addresses of Administration → Currencies (currencies, rates, the rate import), for
administrators; the API's are in api_urls.py."""

from django.urls import path

from kontor.currencies import views

app_name = "currencies"
urlpatterns = [
    path("admin/currencies/", views.currency_list, name="list"),
    path("admin/currencies/new/", views.currency_new, name="create"),
    path("admin/currencies/import/", views.rate_import_view, name="import"),
    path("admin/currencies/rates/<int:pk>/", views.rate_edit, name="rate-edit"),
    path("admin/currencies/rates/<int:pk>/delete/", views.rate_delete, name="rate-delete"),
    path("admin/currencies/<str:code>/", views.currency_detail, name="detail"),
    path("admin/currencies/<str:code>/base/", views.currency_base, name="base"),
    path("admin/currencies/<str:code>/rates/", views.rate_add, name="rate-add"),
]
