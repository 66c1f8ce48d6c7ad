from django.urls import path

from kontor.invitations import views

app_name = "invitations"

urlpatterns = [
    path("invitations/<str:token>/", views.answer, name="answer"),
]
