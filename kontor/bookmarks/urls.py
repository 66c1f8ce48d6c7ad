"""The favourites menu and the command palette's entries (the star is under each module's URLs)."""

from django.urls import path

from kontor.bookmarks import views

urlpatterns = [
    path("favourites/menu/", views.favourites_menu, name="favourites-menu"),
    path("palette/", views.palette, name="palette"),
]
