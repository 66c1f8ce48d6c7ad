from django.urls import include, path

from kontor.users import admin_views, throttle_views, views

urlpatterns = [
    path("settings/", views.settings_view, name="user-settings"),
    path("settings/navigation/", views.navigation_view, name="user-settings-navigation"),
    path("settings/language/", views.switch_language, name="switch-language"),
    path("", include("kontor.users.account_urls")),
    path("", include("kontor.users.two_factor_urls")),
    path("admin/users/", admin_views.user_list, name="admin-users"),
    path("admin/users/new/", admin_views.user_edit, name="admin-user-new"),
    path("admin/users/<int:pk>/", admin_views.user_edit, name="admin-user"),
    path("admin/users/<int:pk>/access/", admin_views.user_access, name="admin-user-access"),
    path("admin/teams/", admin_views.team_list, name="admin-teams"),
    path("admin/teams/new/", admin_views.team_edit, name="admin-team-new"),
    path("admin/teams/<int:pk>/", admin_views.team_edit, name="admin-team"),
    path("admin/teams/<int:pk>/delete/", admin_views.team_delete, name="admin-team-delete"),
    path("admin/roles/", admin_views.role_list, name="admin-roles"),
    path("admin/roles/new/", admin_views.role_edit, name="admin-role-new"),
    path("admin/roles/<int:pk>/", admin_views.role_edit, name="admin-role"),
    path("admin/roles/<int:pk>/delete/", admin_views.role_delete, name="admin-role-delete"),
    path(
        "admin/sign-in-throttles/",
        throttle_views.throttle_list,
        name="admin-signin-throttles",
    ),
    path(
        "admin/sign-in-throttles/clear/",
        throttle_views.throttle_clear,
        name="admin-signin-throttles-clear",
    ),
]
