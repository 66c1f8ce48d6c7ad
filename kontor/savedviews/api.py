"""/api/v1/saved-views/: the token's user's saved views (docs/saved-views.md, "API").

Lists and reads the views the user sees (their own, their teams', everyone's); creates views of
their own; changes and deletes only their own (an administrator: any). A view the user does not
see is 404, whatever its id. Token auth, throttling and the structured errors come from the
API's defaults (settings.REST_FRAMEWORK); writes go through kontor.savedviews.actions, whose
ValidationError is the 400 and whose refusal is the 403.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kontor.core import catalog
from kontor.savedviews import actions, queries
from kontor.savedviews.models import SavedView
from kontor.users.models import Team
from kontor.users.sharing import Share

ERROR = inline_serializer(
    "SavedViewError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)


class SavedViewSerializer(serializers.ModelSerializer):
    """A saved view as the API shows and takes it."""

    shared_with = serializers.ChoiceField(
        source="share", choices=Share.choices, default=Share.PRIVATE
    )
    team = serializers.IntegerField(source="team_id", allow_null=True, required=False)
    filters = serializers.SerializerMethodField(
        help_text="The view's list parameters as the list reads them (unknown ones left out)."
    )
    url = serializers.SerializerMethodField(help_text="The list address that opens the view.")
    is_default = serializers.SerializerMethodField(
        help_text="Whether the user's list of this record type opens with the view."
    )
    owner = serializers.IntegerField(source="owner_id", read_only=True)
    query = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The list's query string (filters, q, sort); what the list does not read "
        "is dropped.",
    )
    columns = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = SavedView
        fields = [
            "id",
            "module",
            "name",
            "query",
            "filters",
            "columns",
            "shared_with",
            "team",
            "position",
            "owner",
            "is_default",
            "url",
            "created",
            "modified",
        ]
        read_only_fields = ["id", "position", "owner", "created", "modified"]
        extra_kwargs = {"name": {"required": False, "allow_blank": True, "max_length": 200}}

    def get_filters(self, view) -> dict[str, list[str]]:
        return dict(queries.apply(view).lists())

    def get_url(self, view) -> str:
        try:
            return queries.address(view, catalog.get(view.module))
        except KeyError:  # a record type no longer installed
            return ""

    def get_is_default(self, view) -> bool:
        return bool(getattr(view, "is_default", False))


def _team(data):
    team_id = data.get("team_id")
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise serializers.ValidationError({"team": [_("Choose the team to share the view with.")]})
    return team


def _visible(user, pk) -> SavedView:
    return get_object_or_404(queries.visible(user), pk=pk)


class SavedViewList(APIView):
    """The views the user sees, or save a new one of their own."""

    @extend_schema(
        operation_id="saved_views_list",
        parameters=[
            OpenApiParameter(
                "module", str, description="Only views of this record type (its slug)."
            )
        ],
        responses={200: SavedViewSerializer(many=True)},
        tags=["saved views"],
    )
    def get(self, request):
        views = queries.visible(request.user, request.query_params.get("module") or None)
        return Response(SavedViewSerializer(views, many=True).data)

    @extend_schema(
        operation_id="saved_views_create",
        request=SavedViewSerializer,
        responses={201: SavedViewSerializer, 400: ERROR},
        tags=["saved views"],
    )
    def post(self, request):
        serializer = SavedViewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        view = actions.create_view(
            data.get("module", ""),
            name=data.get("name", ""),
            query=data.get("query", ""),
            columns=data.get("columns", []),
            share=data.get("share", Share.PRIVATE),
            team=_team(data),
            actor=request.user,
        )
        return Response(SavedViewSerializer(view).data, status=status.HTTP_201_CREATED)


class SavedViewDetail(APIView):
    """One view the user sees; change or delete it (owner or administrator)."""

    @extend_schema(
        operation_id="saved_views_read",
        responses={200: SavedViewSerializer, 404: ERROR},
        tags=["saved views"],
    )
    def get(self, request, pk):
        return Response(SavedViewSerializer(_visible(request.user, pk)).data)

    @extend_schema(
        operation_id="saved_views_update",
        request=SavedViewSerializer,
        responses={200: SavedViewSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        tags=["saved views"],
    )
    def patch(self, request, pk):
        view = _visible(request.user, pk)
        serializer = SavedViewSerializer(view, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sharing = "share" in data or "team_id" in data
        actions.change_view(
            view,
            name=data.get("name"),
            share=data.get("share", view.share) if sharing else None,
            team=_team(data) if "team_id" in data else view.team,
            columns=data.get("columns"),
            query=data.get("query"),
            actor=request.user,
        )
        return Response(SavedViewSerializer(_visible(request.user, pk)).data)

    @extend_schema(
        operation_id="saved_views_delete",
        responses={204: None, 403: ERROR, 404: ERROR},
        tags=["saved views"],
    )
    def delete(self, request, pk):
        actions.delete_view(_visible(request.user, pk), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
