"""The e-mail API, for integrations that send mail from Kontor or keep its templates.

POST /api/v1/emails/send/ sends through the same action as the compose page (kontor.emails.
actions.send_email): {"to", "cc", "bcc", "subject", "body", "body_html", "parent" ("<slug>:<uuid>"),
"attachments": [{"filename", "content" (base64), "mime_type"}]}; 201 with the stored e-mail,
400 with field errors (an opted-out recipient, an invalid address) and nothing stored. The list
and read of /api/v1/emails/ are the record API's. /api/v1/email-templates/ is the templates'
create, read, update and delete, for admins only (404 for others).
"""

import base64
import binascii

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from kontor.api.auth import TokenScope
from kontor.api.errors import field_errors
from kontor.api.serializers import serializer_for
from kontor.core import permissions
from kontor.emails.actions import Attachment, Outgoing, send_email
from kontor.emails.models import EmailTemplate


class AttachmentSerializer(serializers.Serializer):
    filename = serializers.CharField(max_length=255)
    content = serializers.CharField(help_text="base64")
    mime_type = serializers.CharField(required=False, allow_blank=True, default="")


class SendSerializer(serializers.Serializer):
    to = serializers.CharField()
    cc = serializers.CharField(required=False, allow_blank=True, default="")
    bcc = serializers.CharField(required=False, allow_blank=True, default="")
    subject = serializers.CharField(max_length=255)
    body = serializers.CharField(max_length=100_000)
    body_html = serializers.CharField(required=False, allow_blank=True, default="")
    parent = serializers.CharField(required=False, allow_blank=True, default="")
    attachments = AttachmentSerializer(many=True, required=False, default=list)


def send_endpoint():
    from kontor.core import registry

    @extend_schema(
        request=SendSerializer,
        tags=["emails"],
        responses={201: serializer_for(registry.get("emails"))},
    )
    @action(detail=False, methods=["post"], filter_backends=[])
    def send(self, request):
        """Send an e-mail, logged on `parent` and its chain."""
        from kontor.emails.models import Email
        from kontor.emails.views import parent_of

        if not permissions.can(request.user, "create", Email):
            raise exceptions.NotFound
        body = SendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            parent = parent_of(request.user, data["parent"])
        except Http404:
            raise exceptions.ValidationError({"parent": [_("No such record.")]}) from None
        files = []
        for i, item in enumerate(data["attachments"]):
            try:
                content = base64.b64decode(item["content"], validate=True)
            except (binascii.Error, ValueError):
                raise exceptions.ValidationError(
                    {f"attachments.{i}.content": [_("Not base64.")]}
                ) from None
            files.append(Attachment(item["filename"], content, item["mime_type"]))
        mail = Outgoing(
            to=data["to"],
            cc=data["cc"],
            bcc=data["bcc"],
            subject=data["subject"],
            body=data["body"],
            body_html=data["body_html"],
            attachments=files,
        )
        try:
            email = send_email(mail, parent=parent, actor=request.user)
        except ValidationError as error:
            raise exceptions.ValidationError(field_errors(error)) from None
        serializer = serializer_for(self.module)(email, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    return send


class AdminOnly(BasePermission):
    def has_permission(self, request, view):
        if not permissions.is_admin(request.user):
            raise exceptions.NotFound
        return True


class TemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailTemplate
        fields = (
            "id",
            "name",
            "language",
            "type",
            "description",
            "subject",
            "body",
            "body_html",
            "date_modified",
        )


@extend_schema(tags=["email-templates"])
class TemplateViewSet(viewsets.ModelViewSet):
    """E-mail templates (admins only)."""

    queryset = EmailTemplate.objects.all()
    serializer_class = TemplateSerializer
    permission_classes = [TokenScope, AdminOnly]
    pagination_class = None  # a few dozen at most


_router = SimpleRouter(trailing_slash=True)
_router.register("", TemplateViewSet, basename="api-email-templates")

urlpatterns = [path("api/v1/email-templates/", include(_router.urls))]
