"""Kontor's URL map: home, health, sign-in, settings, and every record module."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from kontor.core import views as core_views
from kontor.core.records.urls import urlpatterns_for_modules
from kontor.dashboards.views import home
from kontor.ops import health, metrics, schedule_views
from kontor.users.two_factor_views import SignInView

urlpatterns = [
    # First: integrations call the API far more often than people open pages, and each pattern
    # tried before a match costs time (about 0.1 ms per API request behind all the others).
    path("", include("kontor.pipeline.urls")),  # /api/v1/analytics/pipeline/
    path("", include("kontor.funnel.urls")),  # /api/v1/analytics/funnel/, /funnel/
    path("", include("kontor.forecasts.urls")),  # /api/v1/analytics/forecast/, /forecast/
    path("api/v1/analytics/reports/", include("kontor.reports.api_urls")),
    path("", include("kontor.api.urls")),
    path("", home, name="home"),
    path("dashboards/", include("kontor.dashboards.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", core_views.admin_index, name="admin-index"),
    path("admin/scheduled-jobs/", schedule_views.scheduled_jobs, name="admin-scheduled-jobs"),
    path("search/", core_views.global_search, name="search"),
    path("search/suggest/", core_views.search_suggest, name="search-suggest"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kontor.users.urls")),
    path("", include("kontor.bookmarks.urls")),
    path("saved-views/", include("kontor.savedviews.urls")),
    path("", include("kontor.savedviews.api_urls")),  # /api/v1/saved-views/
    path("", include("kontor.activities.urls")),
    path("admin/studio/", include("kontor.studio.urls")),
    path("", include("kontor.webhooks.urls")),
    path("", include("kontor.currencies.urls")),
    path("", include("kontor.currencies.api_urls")),  # /api/v1/currencies/
    path("", include("kontor.webforms.urls")),
    path("imports/", include("kontor.imports.urls")),
    path("reports/", include("kontor.reports.urls")),
    path("calendar/", include("kontor.calendar.urls")),
    path("mailboxes/", include("kontor.mailboxes.urls")),
    path("", include("kontor.mailboxes.api_urls")),  # /api/v1/mailboxes/
    path("", include("kontor.suiteapi.urls")),
    path("", include("kontor.invitations.urls")),  # /invitations/<token>/ (public)
    path("notifications/", include("kontor.notifications.urls")),
    path("", include("kontor.emails.urls")),  # /api/v1/email-templates/
    path("", include("kontor.notifications.account_urls")),  # settings, /api/v1/notifications/
    *urlpatterns_for_modules(),
]

handler404 = "kontor.core.views.not_found"
handler500 = "kontor.core.views.server_error"
