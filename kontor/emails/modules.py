"""The E-mails module: the mails sent from Kontor, received into mailboxes or archived, each
logged on the records it concerns (EmailLink), for every user who may see one of them.

An e-mail is an activity: it shows in the History panel of its primary record and on the
timeline of every record it is logged on (a contact's account, an opportunity's contacts).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, UUIDField, Value
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kontor.core.grants import EVERYTHING, TEAM_WORK
from kontor.core.registry import Module, register
from kontor.emails import dropdown_lists as lists
from kontor.emails.models import Email, EmailLink


@register
class EmailModule(Module):
    model = Email
    slug = "emails"
    nav = "more"
    order = 95
    icon = "envelope"
    is_activity = True
    has_activities = False
    add_label = _("Send e-mail")
    list_columns = ("name", "type", "status", "from_addr", "to_addrs", "date_sent")
    extra_columns = ("assigned_user", "cc_addrs", "date_entered")
    search_fields = ("name", "from_addr", "to_addrs", "cc_addrs")
    filters = ("type", "status", "assigned_user", "date_sent")
    default_sort = "-date_sent"
    mass_update_fields = ("assigned_user",)
    suggest_columns = ("from_addr", "date_sent")
    dropdowns = (lists.EMAIL_TYPES, lists.EMAIL_STATUS)
    grants = {"sales_manager": EVERYTHING, "sales_rep": TEAM_WORK, "marketing": TEAM_WORK}
    header_fields = ("type", "status", "date_sent", "assigned_user")
    api_example = {"name": "Unser Angebot", "type": "archived", "status": "archived"}
    panels = (
        (
            _("Overview"),
            (
                "name",
                "type",
                "status",
                "date_sent",
                "from_addr",
                "to_addrs",
                "cc_addrs",
                "assigned_user",
                "private",
                "description",
            ),
        ),
    )

    detail_template = "emails/detail.html"

    @property
    def extra_urls(self) -> tuple:
        from kontor.emails import views

        return (
            ("compose/", views.page(views.compose), "compose"),
            ("sender/", views.page(views.sender_settings), "sender"),
            ("attachments/<int:pk>/", views.page(views.download_attachment), "attachment"),
            ("templates/", views.page(views.template_list), "templates"),
            ("templates/new/", views.page(views.template_edit), "template-create"),
            ("templates/<int:pk>/", views.page(views.template_edit), "template-edit"),
        )

    @property
    def closed_statuses(self) -> tuple:
        return self.model.CLOSED_STATUSES

    @property
    def url_create(self) -> str:
        """ "Send e-mail" (on a record's page, with ?parent=) opens the compose page."""
        return self.url("compose")

    def detail_context(self, record, user) -> dict:
        from kontor.emails.views import email_detail_context

        return email_detail_context(record, user)

    def timeline_queries(self, visible, parents, journey) -> list:
        """The mails logged on a member of the journey (EmailLink), not only on its parent."""
        member = Q(pk=None)
        for (model, pk), (_record, whole) in journey.members.items():
            if not whole:
                continue
            ct = ContentType.objects.get_for_model(model)
            member |= Q(content_type=ct, object_id=pk)
        links = EmailLink.objects.filter(member, email=OuterRef("pk"))
        return [visible.filter(Exists(links)).annotate(via=Value(None, UUIDField()))]

    def timeline_pattern(self, status: str) -> str:
        if status == "send_error":
            return gettext("E-mail not sent: %(name)s")
        if status in ("read", "unread"):
            return gettext("E-mail received: %(name)s")
        if status == "sent":
            return gettext("E-mail sent: %(name)s")
        return gettext("E-mail: %(name)s")
