"""A lead's lifecycle: when it entered each stage (ML → MQL → SQL), for the lead's page.

The stages are a dropdown list (admins may rename or add stages); the times come from the
change log, which records every stage change with its time (docs/domain.md §1 and §3).
"""

from django.contrib.contenttypes.models import ContentType

from kontor.core import dropdowns
from kontor.core.models import ChangeLog


def stage_history(lead) -> list[dict]:
    """Each stage of the list with when the lead last entered it (None if never), in order."""
    entered: dict[str, object] = {}
    rows = (
        ChangeLog.objects.filter(
            record_type=ContentType.objects.get_for_model(lead),
            record_id=lead.pk,
            action=ChangeLog.Action.UPDATE,
            field="lifecycle_stage",
        )
        .order_by("at", "id")
        .values_list("old_value", "new_value", "at")
    )
    first = True
    for old, new, at in rows:
        if first and old:
            entered[old] = lead.date_entered  # the stage it was created in
        entered[new], first = at, False
    if first:
        entered[lead.lifecycle_stage] = lead.stage_entered_at or lead.date_entered
    return [
        {
            "key": o.key,
            "label": o.label,
            "entered": entered.get(o.key),
            "current": o.key == lead.lifecycle_stage,
        }
        for o in dropdowns.options("lead_stage", include_inactive=True)
        if o.active or o.key in entered
    ]
