"""URLs of a user's own account (password, reset, sessions) and Administration → Sign-ins."""

from django.urls import path

from kontor.users import account_views as views

urlpatterns = [
    path("settings/password/", views.password_change, name="password-change"),
    path("settings/sessions/<int:pk>/end/", views.session_end, name="session-end"),
    path("settings/sessions/end-others/", views.sessions_end_others, name="sessions-end-others"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_done, name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password-reset-complete"),
    path("admin/sign-ins/", views.sign_ins, name="admin-sign-ins"),
]
