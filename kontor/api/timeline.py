"""GET /api/v1/<type>/<id>/timeline/: the journey timeline of a record page, as JSON.

The same events as the record page (kontor/core/records/timeline.py), through the same permission
filter; texts are plain, as typed (the page's links become `url`): the event's text is HTML made
for the page, so its tags are dropped and its entities decoded; names and changed values are
plain text already (the page escapes them when it renders) and are passed on as they are.
"""

import html

from django.utils.html import strip_tags
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kontor.api.pagination import whole_number
from kontor.core import registry
from kontor.core.records import timeline as journey

MAX_EVENTS = 200


def _text(value) -> str:
    """The plain text of a piece of the page's HTML."""
    return html.unescape(strip_tags(str(value))) if value is not None else ""


def _plain(value) -> str:
    return str(value) if value is not None else ""


def event_data(event) -> dict:
    # The record the event belongs to: a linked record, else the activity's own row (its type
    # and id, without building its model instance).
    if event.owner is not None:
        model, pk = type(event.owner), event.owner.pk
    elif event.activity is not None:
        model, pk = event.activity.model, event.activity.pk
    else:
        model, pk = None, None
    module = registry.find(model) if model is not None else None
    return {
        "at": event.at,
        "kind": event.kind,
        "text": _text(event.text),
        "actor": _plain(event.actor),
        "url": event.url or "",
        "record_type": module.slug if module else "",
        "record_id": str(pk) if module else "",
        "changes": [
            {"field": _plain(c["label"]), "old": _plain(c["old"]), "new": _plain(c["new"])}
            for c in event.changes
        ],
    }


class TimelineEventSerializer(serializers.Serializer):
    """One event of GET …/timeline/ (the schema of `event_data`)."""

    at = serializers.DateTimeField()
    kind = serializers.CharField()
    text = serializers.CharField()
    actor = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    record_type = serializers.CharField(allow_blank=True)
    record_id = serializers.CharField(allow_blank=True)
    changes = serializers.ListField(child=serializers.DictField())


class TimelineSerializer(serializers.Serializer):
    events = TimelineEventSerializer(many=True)


def timeline_action():
    @extend_schema(
        responses=TimelineSerializer,
        parameters=[
            OpenApiParameter(
                "limit",
                int,
                description=f"At most this many events "
                f"(1–{MAX_EVENTS}, default 100), newest first.",
            )
        ],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def timeline(self, request, pk=None):
        """The record's timeline: changes, conversions and activities, newest first."""
        record = self.access("view")
        raw = request.query_params.get("limit", "100")
        limit = whole_number(raw)
        if limit is None or not 1 <= limit <= MAX_EVENTS:
            raise exceptions.ValidationError({"limit": [f"1–{MAX_EVENTS}"]})
        events = journey.timeline(record, request.user, limit)
        return Response({"events": [event_data(e) for e in events]})

    return timeline
