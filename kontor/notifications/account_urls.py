"""The notification centre's URLs outside /notifications/: the preferences page among the
user's settings and the API (kontor/urls.py includes them)."""

from django.urls import path

from kontor.notifications import api, views

urlpatterns = [
    path("settings/notifications/", views.preferences, name="notification-preferences"),
    path("api/v1/notifications/", api.NotificationList.as_view(), name="api-notifications"),
    path("api/v1/notifications/read/", api.MarkRead.as_view(), name="api-notifications-read"),
]
