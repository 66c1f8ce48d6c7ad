"""The saved views' API routes (kontor/urls.py includes them beside the API's)."""

from django.urls import path

from kontor.savedviews.api import SavedViewDetail, SavedViewList

urlpatterns = [
    path("api/v1/saved-views/", SavedViewList.as_view(), name="api-saved-views"),
    path("api/v1/saved-views/<int:pk>/", SavedViewDetail.as_view(), name="api-saved-view"),
]
