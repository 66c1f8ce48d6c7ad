"""POST /api/v1/targets/<id>/convert/ and /api/v1/leads/<id>/convert/: the conversions.

Added to the API's target and lead endpoints through `kontor.api.verbs.add` (in this app's
AppConfig.ready()): the API does not know the conversion.

For integrators who move a record along the journey: the bodies mirror the conversion forms
(kontor/conversion/forms.py) and call the same actions, so the rules, the duplicate handling by
choice and the all-or-nothing transaction are the UI's. Errors of a part are keyed
"<part>.<field>" ("contact.last_name"); a record converted before is a 409 naming the result.

Lead body: every key optional.
  contact: {"id": <uuid>} selects a contact; an object of contact fields creates one from the
           lead's values overridden by these (the default: {}).
  account: {"id": <uuid>} selects; an object of account fields creates (the default in B2B
           mode); null means none (B2C mode only; the default there without a company name).
  opportunity, call, meeting, task: an object of fields creates that record (opportunity
           values default from the lead; a call is logged as Held unless "status" says
           Planned); absent or null creates none.
  contact_role: the contact's role on the opportunity; activities: "move" | "copy" | "leave".
Target body: {"lead": {lead fields overriding the target's values}, "activities": "move"}.
The lead is assigned to the target's owner when their roles show leads, else to the caller;
"warnings" in the answer says when the assignee the caller chose may not see leads.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kontor.accounts.models import Account
from kontor.api.errors import Conflict
from kontor.api.idempotency import idempotent
from kontor.api.serializers import serializer_for
from kontor.contacts.models import Contact
from kontor.conversion.actions import (
    ACTIVITY_MODES,
    ConversionRefused,
    assignee_warning,
    visible,
)
from kontor.conversion.actions import convert_lead as convert_lead_action
from kontor.conversion.actions import convert_target as convert_target_action
from kontor.core import config, registry

PART_MODULES = {
    "contact": "contacts",
    "account": "accounts",
    "opportunity": "opportunities",
    "call": "calls",
    "meeting": "meetings",
    "task": "tasks",
}
SET_BY_CONVERSION = {"status", "lifecycle_stage", "parent", "account", "contact", "custom"}


def _part_values(view, part: str, data) -> dict:
    """The validated field values of one part (errors keyed "<part>.<field>")."""
    if not isinstance(data, dict):
        raise exceptions.ValidationError({part: [_("Send an object of fields.")]})
    module = registry.get(PART_MODULES.get(part, "leads"))
    refused = sorted(set(data) & SET_BY_CONVERSION - ({"status"} if part == "call" else set()))
    if refused:
        raise exceptions.ValidationError(
            {f"{part}.{n}": [_("Set by the conversion.")] for n in refused}
        )
    serializer = serializer_for(module)(
        data=data, partial=True, context=view.get_serializer_context()
    )
    if not serializer.is_valid():
        raise exceptions.ValidationError({part: serializer.errors})
    return dict(serializer.validated_data)


def _choose(view, part: str, data, model):
    """(selected record, values to create) of the contact or account part."""
    if isinstance(data, dict) and set(data) == {"id"}:
        try:
            record = visible(model, data["id"], view.request.user)
        except Exception:  # noqa: BLE001 - a malformed id is not visible either
            record = None
        if record is None:
            raise exceptions.ValidationError({f"{part}.id": [_("Choose a record you can see.")]})
        return record, None
    return None, _part_values(view, part, data)


def _as_api_errors(error) -> dict:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {key.replace("-", ".", 1): messages for key, messages in error.message_dict.items()}


def _activities(body: dict) -> str:
    mode = body.get("activities", "move")
    if mode not in ACTIVITY_MODES:
        raise exceptions.ValidationError({"activities": [_("Choose move, copy or leave.")]})
    return mode


def _refused(refused: ConversionRefused, user):
    """409 naming the earlier conversion's result only when `user` may see it."""
    existing = getattr(refused, "existing", None)
    if existing is not None:
        existing = visible(type(existing), existing.pk, user)
    exc = Conflict(refused.message)
    exc.existing = str(existing.pk) if existing is not None else None
    return exc


def _data(view, record):
    if record is None:
        return None
    module = registry.for_model(type(record))
    return serializer_for(module)(record, context=view.get_serializer_context()).data


def lead_kwargs(view, lead, body: dict) -> dict:
    """convert_lead's keyword arguments for an API body (see the module docstring)."""
    unknown = sorted(set(body) - {*PART_MODULES, "contact_role", "activities"})
    if unknown:
        raise exceptions.ValidationError({n: [_("Unknown field.")] for n in unknown})
    kwargs = {"activities": _activities(body)}
    contact, values = _choose(view, "contact", body.get("contact", {}), Contact)
    kwargs["contact" if contact else "new_contact"] = contact or values
    if "account" in body and body["account"] is None:
        pass  # none: the action refuses it in B2B mode
    elif "account" in body or config.mode() == "b2b" or lead.account_name:
        account, values = _choose(view, "account", body.get("account", {}), Account)
        kwargs["account" if account else "new_account"] = account or values
    for part in ("opportunity", "call", "meeting", "task"):
        if body.get(part) is not None:
            kwargs[part] = _part_values(view, part, body[part])
    if body.get("contact_role"):
        if not isinstance(body["contact_role"], str):
            raise exceptions.ValidationError({"contact_role": [_("Send a text.")]})
        kwargs["contact_role"] = body["contact_role"]
    return kwargs


CONVERT_LEAD_REQUEST = inline_serializer(
    "ConvertLeadRequest",
    fields={
        "contact": serializers.DictField(required=False),
        "account": serializers.DictField(required=False, allow_null=True),
        "opportunity": serializers.DictField(required=False, allow_null=True),
        "call": serializers.DictField(required=False, allow_null=True),
        "meeting": serializers.DictField(required=False, allow_null=True),
        "task": serializers.DictField(required=False, allow_null=True),
        "contact_role": serializers.CharField(required=False, allow_blank=True),
        "activities": serializers.ChoiceField(ACTIVITY_MODES, required=False),
    },
)
CONVERT_TARGET_REQUEST = inline_serializer(
    "ConvertTargetRequest",
    fields={
        "lead": serializers.DictField(required=False),
        "activities": serializers.ChoiceField(ACTIVITY_MODES, required=False),
    },
)


def _result_schema(name: str, parts: tuple, **extra) -> serializers.Serializer:
    fields = {**{part: serializers.DictField(allow_null=True) for part in parts}, **extra}
    return inline_serializer(name, fields=fields)


def _body(request) -> dict:
    body = request.data
    if not isinstance(body, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    return body


def convert_lead_endpoint():
    @extend_schema(
        request=CONVERT_LEAD_REQUEST,
        tags=["leads"],
        responses={
            201: _result_schema(
                "LeadConversion",
                ("lead", "contact", "account", "opportunity", "call", "meeting", "task"),
            )
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def convert(self, request, pk=None):
        """Convert the lead into a contact, an account and more, in one transaction."""
        lead = self.access("edit")
        body = _body(request)
        from django.core.exceptions import ValidationError

        try:
            result = convert_lead_action(lead, actor=request.user, **lead_kwargs(self, lead, body))
        except ConversionRefused as refused:
            raise _refused(refused, request.user) from None
        except ValidationError as error:
            raise exceptions.ValidationError(_as_api_errors(error)) from None
        return Response(
            {
                "lead": _data(self, result.lead),
                "contact": _data(self, result.contact),
                "account": _data(self, result.account),
                "opportunity": _data(self, result.opportunity),
                "call": _data(self, result.call),
                "meeting": _data(self, result.meeting),
                "task": _data(self, result.task),
                "activities_handed_over": result.activities_handed_over,
            },
            status=status.HTTP_201_CREATED,
        )

    return convert


def convert_target_endpoint():
    @extend_schema(
        request=CONVERT_TARGET_REQUEST,
        tags=["targets"],
        responses={
            201: _result_schema(
                "TargetConversion",
                ("target", "lead"),
                warnings=serializers.ListField(child=serializers.CharField()),
            )
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    @idempotent
    def convert(self, request, pk=None):
        """Convert the target into a lead; both stay linked."""
        target = self.access("edit")
        body = _body(request)
        unknown = sorted(set(body) - {"lead", "activities"})
        if unknown:
            raise exceptions.ValidationError({n: [_("Unknown field.")] for n in unknown})
        mode = _activities(body)
        data = _part_values(self, "lead", body.get("lead") or {})
        from django.core.exceptions import ValidationError

        try:
            lead = convert_target_action(target, actor=request.user, data=data, activities=mode)
        except ConversionRefused as refused:
            raise _refused(refused, request.user) from None
        except ValidationError as error:
            raise exceptions.ValidationError(_as_api_errors(error)) from None
        target.refresh_from_db()
        warning = assignee_warning(lead)
        return Response(
            {
                "target": _data(self, target),
                "lead": _data(self, lead),
                "warnings": [warning] if warning else [],
            },
            status=status.HTTP_201_CREATED,
        )

    return convert
