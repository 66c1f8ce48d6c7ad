"""/api/v1/notifications/: the token's user's notifications, newest first, and marking them
read (docs/api.md, "Notifications"). Only one's own: another user's id is 404 or simply not
marked. Token auth, throttling and errors come from the API's defaults."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.notifications import actions, texts
from kontor.notifications.models import Notification

LIMIT = 50


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "subject", "url", "actor", "when", "created_at", "read_at"]

    def get_text(self, n) -> str:
        return texts.message(n)

    def get_url(self, n) -> str:
        return texts.absolute(n.url) if n.url else ""


class PageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    unread = serializers.IntegerField()


class ReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=500)
    all = serializers.BooleanField(required=False, default=False)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


class NotificationList(APIView):
    """The user's notifications, newest first, `LIMIT` a page (`?before=<id>` for the next)."""

    @extend_schema(
        operation_id="notifications_list",
        parameters=[
            OpenApiParameter("before", int, description="Only notifications older than this id."),
            OpenApiParameter("unread", bool, description="Only the unread ones."),
        ],
        responses={200: PageSerializer},
        tags=["notifications"],
    )
    def get(self, request):
        mine = Notification.objects.filter(user=request.user)
        before = request.query_params.get("before", "")
        if before.isdigit():
            mine = mine.filter(pk__lt=int(before))
        if request.query_params.get("unread") in ("1", "true"):
            mine = mine.filter(read_at__isnull=True)
        page = list(mine.select_related("actor").order_by("-id")[: LIMIT + 1])
        following = None
        if len(page) > LIMIT:
            query = request.GET.copy()
            query["before"] = page[LIMIT - 1].pk
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        data = NotificationSerializer(page[:LIMIT], many=True).data
        return Response({"results": data, "next": following, "unread": unread})


class MarkRead(APIView):
    """Mark the notifications `ids` (of the user's) read, or `all` of them."""

    @extend_schema(
        operation_id="notifications_mark_read",
        request=ReadSerializer,
        responses={200: MarkedSerializer},
        tags=["notifications"],
    )
    def post(self, request):
        body = ReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["all"]:
            marked = actions.mark_all_read(actor=request.user)
        else:
            ids = body.validated_data.get("ids") or []
            marked = actions.mark_read_ids(ids, actor=request.user)
        unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
        return Response({"marked": marked, "unread": unread})
