from django.urls import include, path

from kontor.activities import views

urlpatterns = [
    path("tasks/<uuid:pk>/complete/", views.complete_task_view, name="task-complete"),
    path("notes/<uuid:pk>/download/", views.download_attachment, name="note-download"),
    # Calendar files and the per-user feed (kontor.feeds, activities/calendar.py).
    path("", include("kontor.feeds.urls")),
]
