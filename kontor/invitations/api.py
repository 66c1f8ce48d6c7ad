"""GET and PUT /api/v1/meetings/<id>/invitees/: a meeting's invitees and their answers.

Added to the API's meetings endpoint through `kontor.api.verbs.add` (this app's ready()), so
integrations invite people as the form does: PUT calls the same action
(`save_with_invitees`), after which the invitations are sent.

Body of PUT, each key optional (a key left out keeps those invitees):
  {"users": [<user id>, …], "contacts": [<uuid>, …], "leads": [<uuid>, …]}
Contacts and leads must be visible to the caller; ones already invited that the caller may not
see may stay. Users must be active. The answer of GET and PUT:
  {"users": [{"id": 7, "accept_status": "accept"}, …], "contacts": […], "leads": […]}
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kontor.activities.actions import KINDS, invited, save_with_invitees
from kontor.contacts.models import Contact
from kontor.leads.models import Lead

MODELS = {"contacts": Contact, "leads": Lead}

INVITEES = inline_serializer(
    "MeetingInvitees",
    fields={
        kind: serializers.ListField(child=serializers.DictField(), required=False)
        for kind, _fk in KINDS
    },
)
INVITEES_REQUEST = inline_serializer(
    "MeetingInviteesRequest",
    fields={
        kind: serializers.ListField(child=serializers.CharField(), required=False)
        for kind, _fk in KINDS
    },
)


def answers(meeting) -> dict:
    """{"users": [{"id", "accept_status"}], "contacts": […], "leads": […]} of `meeting`."""
    result = {kind: [] for kind, _fk in KINDS}
    for row in meeting.invitees.order_by("pk"):
        for kind, fk in KINDS:
            pk = getattr(row, f"{fk}_id")
            if pk:
                shown = pk if kind == "users" else str(pk)
                result[kind].append({"id": shown, "accept_status": row.accept_status})
    return result


def _chosen(kind: str, ids, current: list, user) -> list:
    """The records of `ids`: active users; contacts or leads the caller may see, or that were
    invited already (hidden from the caller, they may stay)."""
    refused = exceptions.ValidationError({kind: [_("Choose records you can see.")]})
    if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
        raise refused
    wanted = {str(i) for i in ids}
    try:
        if kind == "users":
            users = get_user_model().objects.filter(is_active=True)
            rows = list(users.filter(pk__in=[int(i) for i in wanted]))
        else:
            rows = list(MODELS[kind].objects.visible_to(user, "view").filter(pk__in=wanted))
            found = {str(r.pk) for r in rows}
            rows += [r for r in current if str(r.pk) in wanted - found]
    except (TypeError, ValueError, ValidationError):
        raise refused from None
    if {str(r.pk) for r in rows} != wanted:
        raise refused
    return rows


def invitees_endpoint():
    @extend_schema(request=INVITEES_REQUEST, responses={200: INVITEES}, tags=["meetings"])
    @action(detail=True, methods=["get", "put"], filter_backends=[])
    def invitees(self, request, pk=None):
        """The meeting's invitees with their answers; PUT sets who is invited."""
        if request.method == "GET":
            return Response(answers(self.access("view")))
        meeting = self.access("edit")
        body = request.data
        if not isinstance(body, dict):
            raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        unknown = sorted(set(body) - {kind for kind, _fk in KINDS})
        if unknown:
            raise exceptions.ValidationError({n: [_("Unknown field.")] for n in unknown})
        current = invited(meeting)
        wanted = {
            kind: _chosen(kind, body[kind], current[kind], request.user)
            if kind in body
            else current[kind]
            for kind, _fk in KINDS
        }
        save_with_invitees(meeting, **wanted, actor=request.user, validate=False)
        return Response(answers(meeting))

    return invitees
