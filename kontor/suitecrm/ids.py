"""Kontor ids for SuiteCRM ids.

A migrated record keeps its SuiteCRM id as its Kontor id when that id is UUID-shaped (nearly
all: SuiteCRM's `create_guid` makes 36 hex characters in 8-4-4-4-12 groups). Any other id
(the installer's admin user "1", demo ids such as "seed_jim_id", ids an API client chose) gets
a UUID derived from the table and the id, the same on every run, so a second run finds the
record again. Either way the SuiteCRM id is also kept in `core.ExternalId` (source "suitecrm").
"""

import re
import uuid

_UUID_SHAPED = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
#: The namespace of the derived ids (a fixed, random UUID: never change it).
NAMESPACE = uuid.UUID("6f1d2c3e-8a4b-4c5d-9e6f-7a8b9c0d1e2f")


def is_uuid_shaped(suitecrm_id: str) -> bool:
    return bool(_UUID_SHAPED.match(suitecrm_id or ""))


def kontor_id(table: str, suitecrm_id: str) -> uuid.UUID:
    """The Kontor id of the row `suitecrm_id` of SuiteCRM's `table`."""
    if is_uuid_shaped(suitecrm_id):
        return uuid.UUID(suitecrm_id)
    return uuid.uuid5(NAMESPACE, f"{table}:{suitecrm_id}")
