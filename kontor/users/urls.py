from django.urls import path

from kontor.users import views

urlpatterns = [
    path("settings/", views.settings_view, name="user-settings"),
    path("settings/language/", views.switch_language, name="switch-language"),
]
