from django.urls import path

from kontor.mailboxes import admin_views, inbox_views

app_name = "mailboxes"
urlpatterns = [
    path("admin/", admin_views.mailbox_list, name="admin-list"),
    path("admin/new/", admin_views.mailbox_edit, name="admin-create"),
    path("admin/<uuid:pk>/", admin_views.mailbox_edit, name="admin-edit"),
    path("admin/<uuid:pk>/delete/", admin_views.mailbox_delete, name="admin-delete"),
    path("mine/", admin_views.my_mailbox, name="mine"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox_views.message_detail, name="message"),
    path("inbox/<int:pk>/create-lead/", inbox_views.create_lead, name="create-lead"),
    path("inbox/<int:pk>/dismiss/", inbox_views.dismiss, name="dismiss"),
    path("inbox/<int:pk>/private/", inbox_views.mark_private, name="private"),
    path("mail/<uuid:pk>/private/", inbox_views.mark_email_private, name="email-private"),
]
