"""Integration endpoints: POST /api/v1/<leads|contacts>/upsert/ and /api/v1/<type>/bulk/.

For shops and other systems that push records. An upsert body is the record's fields plus an
optional "external_id": {"source": "shop", "id": "C-1042"}; the record is found by that id,
else by "email1", and updated (200) or created (201). A bulk body is {"mode": "create" |
"upsert", "items": [...]} with up to 1,000 items, each written in a savepoint of its own: the
good items are written, each refused one gets its errors in its result (docs/api.md, "Bulk").
"""

from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kontor.api import upsert as upserts
from kontor.api.errors import Conflict, field_errors, flat_errors
from kontor.api.idempotency import idempotent
from kontor.api.serializers import serializer_for
from kontor.core import actions

MAX_BULK = 1000


class ExternalIdSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=64)
    id = serializers.CharField(max_length=255)


def _parse(view, item, *, with_external: bool):
    """(validated values, source, external id) of one item, or raise its errors."""
    if not isinstance(item, dict):
        raise exceptions.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    item = dict(item)
    source = external = ""
    if with_external and "external_id" in item:
        ref = ExternalIdSerializer(data=item.pop("external_id"))
        if not ref.is_valid():
            raise exceptions.ValidationError({"external_id": ref.errors})
        source, external = ref.validated_data["source"], ref.validated_data["id"]
    serializer = view.get_serializer(data=item, partial=with_external)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data), source, external


def _write(view, item, mode: str, *, keys_locked: bool = False):
    """Write one item; returns (record, created)."""
    model = view.module.model
    if mode == "upsert":
        values, source, external = _parse(view, item, with_external=True)
        if not external and not values.get("email1"):
            raise exceptions.ValidationError(
                {"email1": [_("Send an e-mail address or an external id to match on.")]}
            )
        try:
            result = upserts.upsert(
                model,
                values,
                actor=view.request.user,
                source=source,
                external_id=external,
                keys_locked=keys_locked,
            )
        except upserts.Ambiguous as ambiguous:
            raise KeyConflict(ambiguous.message, "ambiguous", "email1") from None
        except upserts.KeyInUse as in_use:
            raise KeyConflict(in_use.message, "key_in_use", in_use.field) from None
        return result.record, result.created, result.restored
    values, _s, _e = _parse(view, item, with_external=False)
    record = model(**values)
    actions.save_record(record, actor=view.request.user)
    return record, True, False


class KeyConflict(Conflict):
    """409 of an upsert whose key cannot be used: `field` is the key ("email1", "external_id")."""

    def __init__(self, message: str, code: str, field: str):
        super().__init__(message, code)
        self.field = field


def _item_error(error) -> tuple[str, dict]:
    """(code, {field: [messages]}) of a refused bulk item."""
    if isinstance(error, ValidationError):
        return "invalid", flat_errors(field_errors(error))
    if isinstance(error, exceptions.ValidationError):
        return "invalid", flat_errors(error.detail)
    if isinstance(error, KeyConflict):
        return error.get_codes(), {error.field: [str(error.detail)]}
    if isinstance(error, PermissionDenied):
        return "permission_denied", {"non_field_errors": [str(error)]}
    return error.get_codes(), {"non_field_errors": [str(error.detail)]}


def _bulk_item(view, index: int, item, mode: str) -> dict:
    """Write one item in a savepoint of its own; its result, or its errors and nothing written."""
    try:
        with transaction.atomic():
            record, created, restored = _write(view, item, mode, keys_locked=mode == "upsert")
    except (exceptions.APIException, ValidationError, PermissionDenied) as error:
        code, errors = _item_error(error)
        return {"index": index, "result": "error", "code": code, "errors": errors}
    return {
        "index": index,
        "result": "created" if created else "updated",
        "id": str(record.pk),
        "restored": restored,
    }


UPSERT_RESPONSE = {
    code: inline_serializer(
        f"UpsertResult{code}",
        fields={
            "result": serializers.ChoiceField(["created", "updated"]),
            "restored": serializers.BooleanField(),
            "record": serializers.DictField(),
        },
    )
    for code in (200, 201)
}
BULK_REQUEST = inline_serializer(
    "BulkRequest",
    fields={
        "mode": serializers.ChoiceField(["create", "upsert"], required=False),
        "items": serializers.ListField(child=serializers.DictField(), max_length=MAX_BULK),
    },
)
BULK_RESPONSE = inline_serializer(
    "BulkResult",
    fields={
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "failed": serializers.IntegerField(),
        "results": serializers.ListField(
            child=inline_serializer(
                "BulkItemResult",
                fields={
                    "index": serializers.IntegerField(),
                    "result": serializers.ChoiceField(["created", "updated", "error"]),
                    "id": serializers.UUIDField(required=False),
                    "restored": serializers.BooleanField(required=False),
                    "code": serializers.CharField(required=False),
                    "errors": serializers.DictField(
                        child=serializers.ListField(child=serializers.CharField()),
                        required=False,
                    ),
                },
            )
        ),
    },
)


def upsert_endpoint(module):
    @extend_schema(request=serializer_for(module), responses=UPSERT_RESPONSE, tags=[module.slug])
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    @idempotent
    def upsert(self, request):
        """Update the record with this external id or e-mail address, or create it."""
        self.require("edit")
        try:
            record, created, restored = _write(self, request.data, "upsert")
        except ValidationError as error:
            raise exceptions.ValidationError(field_errors(error)) from None
        return Response(
            {
                "result": "created" if created else "updated",
                "restored": restored,
                "record": self.get_serializer(record).data,
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    return upsert


def bulk_endpoint(module):
    modes = ("create", "upsert") if module.slug in upserts.UPSERT_SLUGS else ("create",)

    @extend_schema(request=BULK_REQUEST, responses={200: BULK_RESPONSE}, tags=[module.slug])
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    @idempotent
    def bulk(self, request):
        """Create (or upsert) up to 1,000 records, each in a savepoint of its own: a result per
        item, the refused ones with their errors and nothing of theirs written."""
        body = request.data
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise exceptions.ValidationError({"items": [_("Send a list of records.")]})
        mode, items = body.get("mode", "create"), body["items"]
        if mode not in modes or set(body) - {"mode", "items"}:
            raise exceptions.ValidationError(
                {"mode": [_("Choose one of: %(modes)s.") % {"modes": ", ".join(modes)}]}
            )
        if not 1 <= len(items) <= MAX_BULK:
            raise exceptions.ValidationError(
                {"items": [_("Send from 1 to %(max)d records.") % {"max": MAX_BULK}]}
            )
        self.require("create")
        with transaction.atomic():
            if mode == "upsert":
                upserts.lock_bulk(self.module.model)
            results = [_bulk_item(self, index, item, mode) for index, item in enumerate(items)]
        counts = Counter(result["result"] for result in results)
        return Response(
            {
                "created": counts["created"],
                "updated": counts["updated"],
                "failed": counts["error"],
                "results": results,
            }
        )

    return bulk


def actions_for(module) -> dict:
    found = {"bulk": bulk_endpoint(module)}
    if module.slug in upserts.UPSERT_SLUGS:
        found["upsert"] = upsert_endpoint(module)
    return found
