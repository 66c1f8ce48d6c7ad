"""Upsert of leads and contacts by external id or e-mail, one at a time or in bulk.

For shops and other systems that send the same person again and again: the record they mean is
found by its id in that system (`ExternalId`, per source) or else by its e-mail address, and
updated; otherwise created (and the external id remembered). Concurrent upserts of the same key
wait for each other (a transaction-scoped advisory lock on PostgreSQL; SQLite writes one
transaction at a time anyway), so two requests for one new e-mail yield one record; the same
locks (`kontor.core.locks`) keep web form submissions and import chunks of the same key apart.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.core import locks, permissions
from kontor.core.actions import save_record
from kontor.core.context import current_origin
from kontor.core.models import ExternalId

UPSERT_SLUGS = ("leads", "contacts")


class Ambiguous(Exception):
    """More than one record matches; `ids` names them."""

    def __init__(self, message: str, ids: list):
        super().__init__(message)
        self.message, self.ids = message, ids


@dataclass
class UpsertResult:
    record: object
    created: bool


def _by_external_id(model, source: str, external_id: str, actor):
    link = ExternalId.objects.filter(
        source=source, external_id=external_id, record_type=ContentType.objects.get_for_model(model)
    ).first()
    if link is None:
        return None, None
    return link, model.objects.visible_to(actor, "edit").filter(pk=link.record_id).first()


def _by_email(model, email: str, actor):
    if not email:
        return None
    found = list(
        model.objects.visible_to(actor, "edit")
        .filter(email1=email.strip().lower())
        .order_by("date_entered", "pk")[:3]
    )
    if len(found) > 1:
        raise Ambiguous(
            _("Several records have this e-mail address; send an external id."),
            [str(r.pk) for r in found],
        )
    return found[0] if found else None


@transaction.atomic
def upsert(
    model,
    values: dict,
    *,
    actor,
    source: str = "",
    external_id: str = "",
    validate: bool = True,
    keys_locked: bool = False,
) -> UpsertResult:
    """Update the record `values` (and the external id) point at, or create it.

    `keys_locked`: the caller's transaction holds the model's e-mail and external-id
    namespaces (`lock_bulk`), so the per-key locks are not taken."""
    if bool(source) != bool(external_id):
        raise ValidationError({"external_id": _("Send both the source and the id.")})
    email = (values.get("email1") or "").strip().lower()
    if not keys_locked:
        locks.lock_keys(
            [
                (locks.namespace(model, locks.EMAIL), email),
                (
                    locks.namespace(model, locks.EXTERNAL),
                    f"{source}:{external_id}" if external_id else "",
                ),
            ]
        )
    link, record = (None, None)
    if external_id:
        link, record = _by_external_id(model, source, external_id, actor)
        if link is not None and record is None:
            raise PermissionDenied(_("The record of this external id cannot be changed by you."))
    if record is None:
        record = _by_email(model, email, actor)
    created = record is None
    if created:
        if not permissions.can(actor, "create", model):
            raise PermissionDenied(
                _("You may not create %(what)s.") % {"what": model._meta.verbose_name_plural}
            )
        record = model()
    for name, value in values.items():
        setattr(record, name, value)
    save_record(record, actor=actor, validate=validate)
    if external_id and link is None:
        ExternalId.objects.create(
            source=source,
            external_id=external_id,
            record_type=ContentType.objects.get_for_model(model),
            record_id=record.pk,
            origin=current_origin(),
        )
    return UpsertResult(record, created)


def lock_bulk(model) -> None:
    """For a bulk upsert of up to 1,000 items in one transaction: the model's e-mail and
    external-id namespaces at once, instead of thousands of key locks taken in item order
    (two such calls with overlapping keys could deadlock)."""
    locks.lock_namespace(
        locks.namespace(model, locks.EMAIL), locks.namespace(model, locks.EXTERNAL)
    )
