"""/api/v1/mailboxes/: the mailboxes a user keeps (admins: the shared ones; everyone: their
own) and the unmatched inbox, for integrations and scripts; the same actions as the pages.

A password is write-only; saving checks the connection first (a structured 400 naming why,
nothing saved). Mailboxes the caller may not keep, and inbox mails they may not work, are 404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.core import permissions
from kontor.emails.models import Email
from kontor.mailboxes import actions
from kontor.mailboxes.inbox_views import INBOX_SIZE
from kontor.mailboxes.models import Mailbox, MailboxMessage


class MailboxSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, required=False, allow_blank=True)
    personal = serializers.BooleanField(default=False, help_text="The caller's own mailbox.")

    class Meta:
        model = Mailbox
        fields = (
            "id",
            "name",
            "email_address",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "active",
            "private_default",
            "personal",
            "last_polled_at",
            "last_error",
            "last_error_at",
        )
        read_only_fields = ("last_polled_at", "last_error", "last_error_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["personal"] = instance.personal
        data["last_error"] = instance.error_message
        return data


class InboxItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mailbox = serializers.UUIDField(source="mailbox_id")
    email = serializers.UUIDField(source="email_id")
    subject = serializers.CharField()
    from_addr = serializers.CharField()
    from_name = serializers.CharField()
    date_sent = serializers.DateTimeField()


MAILBOX_LIST = inline_serializer(
    name="MailboxList", fields={"results": MailboxSerializer(many=True)}
)
INBOX_LIST = inline_serializer(name="InboxList", fields={"results": InboxItemSerializer(many=True)})
CREATED_LEAD = inline_serializer(name="InboxLead", fields={"lead": serializers.UUIDField()})


def _kept_by(user):
    """The mailboxes `user` keeps: their own, and the shared ones for admins."""
    mine = Mailbox.objects.filter(owner=user)
    if permissions.is_admin(user):
        return mine | Mailbox.objects.filter(owner__isnull=True)
    return mine


def _save(request, mailbox: Mailbox, serializer: MailboxSerializer) -> Response:
    serializer.is_valid(raise_exception=True)
    values = dict(serializer.validated_data)
    password = values.pop("password", "")
    personal = values.pop("personal", mailbox.personal)
    if mailbox._state.adding:
        if personal:
            if Mailbox.objects.filter(owner=request.user).exists():
                raise serializers.ValidationError({"personal": [_("You have a mailbox already.")]})
            mailbox.owner = request.user
        elif not permissions.is_admin(request.user):
            raise Http404
    for name, value in values.items():
        setattr(mailbox, name, value)
    actions.save_mailbox(mailbox, password=password, actor=request.user)
    code = status.HTTP_201_CREATED if serializer.instance is None else status.HTTP_200_OK
    return Response(MailboxSerializer(mailbox).data, status=code)


class MailboxList(APIView):
    @extend_schema(tags=["mailboxes"], responses=MAILBOX_LIST, operation_id="v1_mailboxes_list")
    def get(self, request):
        mailboxes = _kept_by(request.user).order_by("name", "pk")
        return Response({"results": MailboxSerializer(mailboxes, many=True).data})

    @extend_schema(
        tags=["mailboxes"], request=MailboxSerializer, responses={201: MailboxSerializer}
    )
    def post(self, request):
        return _save(request, Mailbox(), MailboxSerializer(data=request.data))


class MailboxDetail(APIView):
    @extend_schema(tags=["mailboxes"], responses=MailboxSerializer)
    def get(self, request, pk):
        return Response(MailboxSerializer(get_object_or_404(_kept_by(request.user), pk=pk)).data)

    @extend_schema(tags=["mailboxes"], request=MailboxSerializer, responses=MailboxSerializer)
    def patch(self, request, pk):
        mailbox = get_object_or_404(_kept_by(request.user), pk=pk)
        return _save(request, mailbox, MailboxSerializer(mailbox, data=request.data, partial=True))

    @extend_schema(tags=["mailboxes"], responses={204: None})
    def delete(self, request, pk):
        actions.delete_mailbox(get_object_or_404(_kept_by(request.user), pk=pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class Inbox(APIView):
    @extend_schema(tags=["mailboxes"], responses=INBOX_LIST, operation_id="v1_mailboxes_inbox_list")
    def get(self, request):
        waiting = list(
            MailboxMessage.objects.filter(
                actions.usable_q(request.user), state=MailboxMessage.UNMATCHED
            ).order_by("-received_at", "-pk")[:INBOX_SIZE]
        )
        emails = Email.objects.filter(pk__in=[m.email_id for m in waiting]).only(
            "id", "name", "from_addr", "from_name", "date_sent"
        )
        by_id = {e.pk: e for e in emails}
        rows = [
            {
                "id": m.pk,
                "mailbox_id": m.mailbox_id,
                "email_id": m.email_id,
                "subject": by_id[m.email_id].name,
                "from_addr": by_id[m.email_id].from_addr,
                "from_name": by_id[m.email_id].from_name,
                "date_sent": by_id[m.email_id].date_sent,
            }
            for m in waiting
            if m.email_id in by_id
        ]
        return Response({"results": InboxItemSerializer(rows, many=True).data})


class InboxAction(APIView):
    """POST …/inbox/<id>/create-lead/ (201 with the lead's id) or …/dismiss/ (204)."""

    verb = ""

    @extend_schema(tags=["mailboxes"], request=None, responses={201: CREATED_LEAD, 204: None})
    def post(self, request, pk):
        message = get_object_or_404(
            MailboxMessage.objects.select_related("mailbox").filter(
                actions.usable_q(request.user), state=MailboxMessage.UNMATCHED
            ),
            pk=pk,
        )
        try:
            if self.verb == "create-lead":
                lead = actions.create_lead(message, actor=request.user)
                return Response({"lead": str(lead.pk)}, status=status.HTTP_201_CREATED)
            actions.dismiss(message, actor=request.user)
        except PermissionDenied as refused:
            raise Http404 from refused
        return Response(status=status.HTTP_204_NO_CONTENT)
