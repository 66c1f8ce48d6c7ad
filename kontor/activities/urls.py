from django.urls import path

from kontor.activities import views

urlpatterns = [
    path("tasks/<uuid:pk>/complete/", views.complete_task_view, name="task-complete"),
    path("notes/<uuid:pk>/download/", views.download_attachment, name="note-download"),
]
