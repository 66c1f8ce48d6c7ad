from django.urls import path

from kontor.feeds import views

urlpatterns = [
    path("settings/calendar-feed/", views.feed_settings, name="calendar-feed"),
    path("calendar/<str:token>.ics", views.feed, name="calendar-feed-ics"),
    path("calls/export.ics", views.ics_export, {"slug": "calls"}, name="calls-ics"),
    path("meetings/export.ics", views.ics_export, {"slug": "meetings"}, name="meetings-ics"),
]
