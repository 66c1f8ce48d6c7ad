"""Structured errors of the REST API (docs/api.md).

Every error answers `{"detail": "<message>", "code": "<code>", "errors": {"<field>": [...]}}`:
400 with field errors for bad input (Django ValidationErrors of the actions included), 401
without valid credentials, 403 for a verb the caller may not use, 404 for a record that does not
exist or may not be seen (the same answer), 409 for conflicts, 429 when rate limited.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from kontor.api.throttles import refusal_throttled


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class ErrorSerializer(serializers.Serializer):
    """The body of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    existing = serializers.CharField(
        required=False, allow_null=True, help_text="409 of a conversion: the earlier result's id."
    )


def field_errors(error: DjangoValidationError) -> dict:
    """A Django ValidationError as {field: [messages]} ("__all__" becomes "non_field_errors")."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if k == "__all__" else k): v for k, v in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def _flatten(data, prefix="") -> dict:
    """DRF's nested error data as {"field" or "items.3.email1": [messages]}."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list) and data and all(isinstance(v, str) for v in data):
        return {prefix or "non_field_errors": [str(v) for v in data]}
    if isinstance(data, list):
        out = {}
        for index, value in enumerate(data):
            if value:
                out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(data)]}


def flat_errors(data) -> dict:
    """DRF's nested error data (or `field_errors`) as {"field" or "external_id.source":
    [messages]}, without NUL characters: the per-item errors of a bulk answer."""
    return {_no_nul(k): [_no_nul(m) for m in v] for k, v in _flatten(data).items()}


def exception_handler(exc, context):
    exc = refusal_throttled(exc, context.get("request")) or exc
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_handler(exc, context)
    if response is None:
        return None
    codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(response.data)
        body = {
            "detail": _("The request has errors; see the fields."),
            "code": "invalid",
            "errors": {_no_nul(k): [_no_nul(m) for m in v] for k, v in errors.items()},
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = {"detail": _no_nul(detail), "code": codes if isinstance(codes, str) else "error"}
        if hasattr(exc, "existing"):
            body["existing"] = exc.existing
    return Response(body, status=response.status_code, headers=_headers(response))


def _no_nul(text) -> str:
    """An error text without NUL characters (an unknown field's name may hold one): a stored
    answer (Idempotency-Key) is JSON in PostgreSQL, which cannot hold them."""
    return str(text).replace("\x00", "\ufffd")


def _headers(response) -> dict:
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
