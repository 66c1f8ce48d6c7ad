"""URLs of the notification centre (the reminders panel's are under each activity module's,
added in the app's ready())."""

from django.urls import path

from kontor.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("read-all/", views.mark_all_read, name="read-all"),
    path("bell/", views.bell, name="bell"),
]
