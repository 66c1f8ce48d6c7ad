from django.urls import path

from kontor.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("admin/webhooks/", views.subscription_list, name="list"),
    path("admin/webhooks/new/", views.subscription_edit, name="create"),
    path("admin/webhooks/<int:pk>/", views.subscription_detail, name="detail"),
    path("admin/webhooks/<int:pk>/edit/", views.subscription_edit, name="edit"),
    path("admin/webhooks/<int:pk>/delete/", views.subscription_delete, name="delete"),
    path("admin/webhooks/deliveries/<uuid:pk>/resend/", views.delivery_resend, name="resend"),
]
