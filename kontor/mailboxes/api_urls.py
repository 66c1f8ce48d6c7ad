"""The mailboxes' API routes (kontor/urls.py includes them beside the API's)."""

from django.urls import path

from kontor.mailboxes import api

urlpatterns = [
    path("api/v1/mailboxes/", api.MailboxList.as_view(), name="api-mailboxes"),
    path("api/v1/mailboxes/inbox/", api.Inbox.as_view(), name="api-mailbox-inbox"),
    path(
        "api/v1/mailboxes/inbox/<int:pk>/create-lead/",
        api.InboxAction.as_view(verb="create-lead"),
        name="api-mailbox-create-lead",
    ),
    path(
        "api/v1/mailboxes/inbox/<int:pk>/dismiss/",
        api.InboxAction.as_view(verb="dismiss"),
        name="api-mailbox-dismiss",
    ),
    path("api/v1/mailboxes/<uuid:pk>/", api.MailboxDetail.as_view(), name="api-mailbox"),
]
