"""The calendar's page, its event feed, quick create and moves."""

from django.urls import path

from kontor.calendar import views

app_name = "calendar"
urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("events/", views.event_feed, name="events"),
    path("new/", views.create, name="create"),
    path("<slug:kind>/<uuid:pk>/move/", views.move, name="move"),
]
