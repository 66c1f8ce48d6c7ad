"""What v4_1's set_entry writes besides the record itself, for API clients that choose ids.

SuiteCRM lets a client create a record under an id of its choice (`new_with_id`). A UUID-shaped
id becomes the Kontor id; any other (`^[A-Za-z0-9_-]+$`) gets the id the SuiteCRM migration
derives for it and is kept as the record's SuiteCRM id (`core.ExternalId`, source "suitecrm"),
so the record answers under it like a migrated one.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from kontor.core.actions import save_record
from kontor.core.context import current_origin
from kontor.core.models import ExternalId
from kontor.suitecrm.ids import is_uuid_shaped, kontor_id
from kontor.suitecrm.models import SOURCE


def chosen_pk(table: str, suitecrm_id: str) -> uuid.UUID:
    """The Kontor id of a record created under the client's `suitecrm_id`."""
    return kontor_id(table, suitecrm_id.lower() if is_uuid_shaped(suitecrm_id) else suitecrm_id)


def create_with_id(record, suitecrm_id: str, *, actor):
    """Save the new `record` (its pk already `chosen_pk`) and remember a SuiteCRM id that is
    not its Kontor id; one transaction, with the record's change log."""
    with transaction.atomic():
        save_record(record, actor=actor)
        if not is_uuid_shaped(suitecrm_id):
            ExternalId.objects.create(
                source=SOURCE,
                external_id=suitecrm_id,
                record_type=ContentType.objects.get_for_model(record),
                record_id=record.pk,
                origin=current_origin(),
            )
    return record
