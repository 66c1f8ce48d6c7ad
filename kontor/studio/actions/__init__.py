"""Studio's writes: every configuration change an admin makes, each one transaction with an
entry in the admin change log, and the caches of dropdowns and configuration invalidated.

Split by verb group: `dropdowns` (lists and values), `fields` (required marks and custom
fields), `layouts`, `transfer` (export and import of the whole configuration).
"""

from django.db import transaction

from kontor.core import config as core_config
from kontor.core import dropdowns as core_dropdowns
from kontor.core.admin_log import AdminChange, log_admin_change


def log_change(*, actor, area: str, target: str, summary: str, detail=None) -> AdminChange:
    """Write one entry of the administration change log and forget the cached configuration.

    The caches are cleared now (later reads in this transaction see the change) and again on
    commit (a request that read the old rows meanwhile does not keep them for five minutes).
    """
    core_dropdowns.invalidate()
    core_config.invalidate()
    transaction.on_commit(_invalidate)
    return log_admin_change(actor=actor, area=area, target=target, summary=summary, detail=detail)


def _invalidate() -> None:
    core_dropdowns.invalidate()
    core_config.invalidate()
