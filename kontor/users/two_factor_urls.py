"""URLs of two-factor sign-in: the sign-in's second step, the set-up and an admin's reset."""

from django.urls import path

from kontor.users import two_factor_views as views

urlpatterns = [
    path("login/code/", views.code_step, name="two-factor-code"),
    path("login/two-factor-setup/", views.signin_setup, name="two-factor-signin-setup"),
    path("settings/two-factor/", views.settings_setup, name="two-factor-setup"),
    path("settings/two-factor/begin/", views.settings_begin, name="two-factor-begin"),
    path("settings/two-factor/off/", views.settings_disable, name="two-factor-disable"),
    path(
        "admin/users/<int:pk>/two-factor/reset/",
        views.admin_reset,
        name="admin-user-two-factor-reset",
    ),
]
