"""What a conversion copies: the pre-filled values of the records it creates (docs/domain.md §5).

Both the conversion forms (as initial values) and the actions (as defaults for what the caller
leaves out) use these, so the UI and the API convert alike.
"""

from datetime import timedelta

from django.utils import timezone

from kontor.core import config, registry
from kontor.core.models import Record
from kontor.core.people import ADDRESS_PARTS, Person

#: Bookkeeping and derived fields that a conversion never copies.
NOT_COPIED = Record.AUDIT_EXCLUDE | {
    "custom",
    "deleted",
    "description",
    "status",
    "phone_work_e164",
    "phone_mobile_e164",
}


def person_fields() -> list[str]:
    """The editable fields every person record has (names, e-mail, phones, addresses, GDPR)."""
    return [f.name for f in Person._meta.concrete_fields if f.editable and f.name not in NOT_COPIED]


def values(record, names) -> dict:
    """{name: value} of `record`, foreign keys as objects."""
    return {name: getattr(record, name) for name in names}


def custom_values(record, slug: str) -> dict:
    """The custom values of `record` that the record type `slug` has a same-named field for."""
    stored = record.custom if isinstance(record.custom, dict) else {}
    if not stored:
        return {}
    names = {f.name for f in config.custom_fields(registry.get(slug).model)}
    return {name: value for name, value in stored.items() if name in names}


def lead_from_target(target) -> dict:
    """A new lead's values: every same-named field, lead source kept, status New, stage ML."""
    data = values(target, [*person_fields(), "account_name", "description"])
    data.update(
        status="New",
        lifecycle_stage="ML",
        lead_source=target.lead_source,
        custom=custom_values(target, "leads"),
    )
    return data


def contact_from_lead(lead) -> dict:
    """A new contact's values: the person, e-mails, phones, lead source, campaign, GDPR."""
    return {**values(lead, person_fields()), "custom": custom_values(lead, "contacts")}


def account_from_lead(lead) -> dict:
    """A new account's values: name, phone, website, billing address, description."""
    return {
        "name": lead.account_name,
        "phone_office": lead.phone_work,
        "website": lead.website,
        "email1": "",
        "description": lead.account_description,
        "assigned_user": lead.assigned_user,
        "custom": custom_values(lead, "accounts"),
        **{
            f"billing_address_{part}": getattr(lead, f"primary_address_{part}")
            for part in ADDRESS_PARTS
        },
    }


def opportunity_from_lead(lead) -> dict:
    """A new opportunity's values; the stage and close date follow the conversion policy."""
    late = config.conversion_policy() == "late"
    today = timezone.localdate()
    return {
        "name": lead.opportunity_name or (lead.account_name or str(lead)),
        "amount": lead.opportunity_amount,
        "currency": "EUR",
        "lead_source": lead.lead_source,
        "campaign_name": lead.campaign_name,
        "sales_stage": "Closed Won" if late else "Qualification",
        "date_closed": today if late else today + timedelta(days=30),
        "assigned_user": lead.assigned_user,
        "custom": custom_values(lead, "opportunities"),
    }
