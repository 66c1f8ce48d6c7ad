"""Upsert of leads and contacts by external id or e-mail, one at a time or in bulk.

For shops and other systems that send the same person again and again: the record they mean is
found by its id in that system (`ExternalId`, per source) or else by its e-mail address, and
updated — restored first when it is in the trash; otherwise created (and the external id
remembered). Concurrent upserts of the same key wait for each other (a transaction-scoped
advisory lock on PostgreSQL; SQLite writes one transaction at a time anyway), so two requests
for one new e-mail yield one record; the same locks (`kontor.core.locks`) keep web form
submissions and import chunks of the same key apart.

A key is matched against every record of the type, not only those the caller may see: a key
that leads to a record the caller may not change (hidden from them, or in the trash without
their right to restore it) is refused with `KeyInUse`, whose message is the same whichever of
these it is and names no record (docs/api.md, "Upsert"). Matching only what the caller sees
would create a second record of that person without telling anyone.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kontor.core import locks, permissions
from kontor.core.actions import restore_records, save_record
from kontor.core.context import current_origin
from kontor.core.models import ExternalId

UPSERT_SLUGS = ("leads", "contacts")

#: The one answer to a key of a record the caller may not change, per key field.
IN_USE = {
    "external_id": gettext_lazy(
        "This external id is already in use by a record you cannot edit; ask an administrator."
    ),
    "email1": gettext_lazy(
        "This e-mail address is already in use by a record you cannot edit; ask an administrator."
    ),
}


class Ambiguous(Exception):
    """More than one record the caller may change has this e-mail address."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class KeyInUse(Exception):
    """The key `field` ("external_id" or "email1") leads to a record the caller may not
    change; the message is the same for every such record and names none of them."""

    def __init__(self, field: str):
        self.field, self.message = field, str(IN_USE[field])
        super().__init__(self.message)


@dataclass
class UpsertResult:
    record: object
    created: bool
    #: the record was in the trash and is back (a restore in its change log)
    restored: bool = False


def _may_change(record, actor) -> bool:
    """Edit rights on `record`, and restore rights too when it is in the trash (the same
    rights the restore verb asks for: an upsert is no way around them)."""
    verbs = ("edit", "restore") if record.deleted else ("edit",)
    return all(permissions.allows(actor, verb, record) for verb in verbs)


def _by_external_id(model, source: str, external_id: str, actor):
    """(the link, its record) for this external id; (None, None) when unknown, (link, None)
    when its record is gone for good (the id is free again)."""
    link = ExternalId.objects.filter(
        source=source, external_id=external_id, record_type=ContentType.objects.get_for_model(model)
    ).first()
    if link is None:
        return None, None
    record = model.with_deleted.filter(pk=link.record_id).first()
    if record is not None and not _may_change(record, actor):
        raise KeyInUse("external_id")
    return link, record


def _by_email(model, email: str, actor):
    """The record with this e-mail address: the one in use, else the one trashed last."""
    if not email:
        return None
    # One query through the e-mail index, records in use first: the same statements whether
    # the record found is in the trash or not.
    found = list(
        model.with_deleted.filter(email1=email).order_by(
            "deleted", "-deleted_at", "date_entered", "pk"
        )[:2]
    )
    if found and found[0].deleted:
        found = found[:1]
    else:
        found = [record for record in found if not record.deleted]
    if not all(_may_change(record, actor) for record in found):
        raise KeyInUse("email1")
    if len(found) > 1:
        raise Ambiguous(_("Several records have this e-mail address; send an external id."))
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

    Raises KeyInUse when the key leads to a record `actor` may not change, Ambiguous when
    several records they may change have the e-mail address, ValidationError (nothing
    written) for invalid values. `keys_locked`: the caller's transaction holds the model's
    e-mail and external-id namespaces (`lock_bulk`), so the per-key locks are not taken."""
    if bool(source) != bool(external_id):
        raise ValidationError({"external_id": _("Send both the source and the id.")})
    # Before any lookup, so that this answer never depends on which records exist.
    if not permissions.can(actor, "create", model):
        raise PermissionDenied(
            _("You may not create %(what)s.") % {"what": model._meta.verbose_name_plural}
        )
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
    if record is None:
        record = _by_email(model, email, actor)
    created, restored = record is None, record is not None and record.deleted
    if created:
        record = model()
    for name, value in values.items():
        setattr(record, name, value)
    if validate:
        # What save_record checks, before a restore: refused values leave the trash as it was.
        record.full_clean(exclude=["id", "created_by", "modified_by"])
    if restored:
        restore_records([record], actor=actor)
    save_record(record, actor=actor, validate=False)
    if external_id and link is None:
        ExternalId.objects.create(
            source=source,
            external_id=external_id,
            record_type=ContentType.objects.get_for_model(model),
            record_id=record.pk,
            origin=current_origin(),
        )
    elif link is not None and link.record_id != record.pk:
        link.record_id, link.origin = record.pk, current_origin()
        link.save(update_fields=["record_id", "origin"])
    return UpsertResult(record, created, restored)


def lock_bulk(model) -> None:
    """For a bulk upsert of up to 1,000 items in one transaction: the model's e-mail and
    external-id namespaces at once, instead of thousands of key locks taken in item order
    (two such calls with overlapping keys could deadlock)."""
    locks.lock_namespace(
        locks.namespace(model, locks.EMAIL), locks.namespace(model, locks.EXTERNAL)
    )
