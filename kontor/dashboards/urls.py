"""The dashboards' pages under /dashboards/ (the user's own is the home page, /)."""

from django.urls import path

from kontor.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("widgets/add/", views.add, name="add"),
    path("widgets/order/", views.reorder, name="reorder"),
    path("widgets/<slug:ref>/", views.widget, name="widget"),
    path("widgets/<slug:ref>/remove/", views.remove, name="remove"),
    path("widgets/<slug:ref>/size/", views.resize, name="resize"),
    path("widgets/<slug:ref>/move/", views.move, name="move"),
    path("share/", views.share, name="share"),
    path("<int:pk>/", views.shown, name="shown"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/widgets/<slug:ref>/", views.shared_widget, name="shared-widget"),
]
