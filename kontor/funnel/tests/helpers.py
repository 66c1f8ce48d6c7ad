"""Journeys along the real actions, at fixed times: the times the actions stamped (now) are
moved to the given ones afterwards, in the records and in their change-log rows."""

from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType

from kontor.conversion.actions import convert_lead, convert_target
from kontor.core.actions import save_record
from kontor.core.models import ChangeLog
from kontor.funnel.models import STAGES, Journey
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def created_at(record, when: datetime) -> None:
    """`record` (and its stage stamp) was created at `when`."""
    model = type(record)
    values = {"date_entered": when}
    if model is Lead:
        values["stage_entered_at"] = when
    if model is Opportunity:
        values["stage_entered"] = when
    model.with_deleted.filter(pk=record.pk).update(**values)


def change(record, field: str, value: str, when: datetime, *, actor):
    """Save `field` = `value` through save_record, as if at `when`."""
    record = type(record).with_deleted.get(pk=record.pk)
    setattr(record, field, value)
    save_record(record, actor=actor)
    ChangeLog.objects.filter(
        record_type=ContentType.objects.get_for_model(record),
        record_id=record.pk,
        field=field,
        new_value=value,
        at__gt=when,
    ).update(at=when)
    return record


def target(actor, when: datetime, **values) -> Target:
    record = save_record(Target(last_name="Ziel", lead_source="Web Site", **values), actor=actor)
    created_at(record, when)
    return record


def lead(actor, when: datetime, **values) -> Lead:
    values = {"last_name": "Kraus", "lead_source": "Web Site", **values}
    record = save_record(Lead(**values), actor=actor)
    created_at(record, when)
    return record


def to_lead(record: Target, when: datetime, *, actor) -> Lead:
    converted = convert_target(record, actor=actor)
    created_at(converted, when)
    return converted


def to_opportunity(record: Lead, when: datetime, *, actor) -> Opportunity:
    result = convert_lead(
        Lead.objects.get(pk=record.pk),
        actor=actor,
        new_account={"name": "Kraus GmbH"},
        opportunity={"name": "Deal", "amount": 1000, "sales_stage": "Prospecting"},
    )
    created_at(result.opportunity, when)
    return result.opportunity


def rows() -> dict:
    """Every journey as comparable values, by start id."""
    fields = ["target_id", "lead_id", "opportunity_id", "cohort_at", "lead_source"]
    fields += ["campaign_name", "owner_id", "trashed", *[f"{s}_at" for s in STAGES]]
    return {str(j["id"]): j for j in Journey.objects.values("id", *fields)}
