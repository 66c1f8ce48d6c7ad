from django.urls import path

from kontor.webforms import views

app_name = "webforms"

urlpatterns = [
    path("admin/webforms/", views.admin_list, name="admin-list"),
    path("admin/webforms/new/", views.admin_edit, name="admin-create"),
    path("admin/webforms/<int:pk>/", views.admin_edit, name="admin-edit"),
    path("f/<str:key>/", views.public_page, name="page"),
    path("f/<str:key>/submit/", views.public_submit, name="submit"),
]
