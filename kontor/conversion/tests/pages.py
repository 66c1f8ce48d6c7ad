"""What the tests of the lead conversion page share: its URL, the POST data of its form as
shown, and a snapshot of every model a conversion touches (to prove a refusal wrote nothing)."""

from django.urls import reverse

from kontor.accounts.models import Account
from kontor.activities.models import Call, Meeting, MeetingInvitee, Note, Task
from kontor.contacts.models import Contact
from kontor.core.models import ChangeLog
from kontor.core.testing import form_data
from kontor.leads.models import Lead
from kontor.opportunities.models import Opportunity, OpportunityContact
from kontor.targets.models import Target

MODELS = (
    Target,
    Lead,
    Contact,
    Account,
    Opportunity,
    OpportunityContact,
    Call,
    Meeting,
    MeetingInvitee,
    Task,
    Note,
    ChangeLog,
)


def snapshot(*records) -> dict:
    """Row counts of every model the conversions touch, and the stored state of `records`."""
    counts = {m.__name__: getattr(m, "with_deleted", m.objects).count() for m in MODELS}
    state = {}
    for record in records:
        fresh = type(record).with_deleted.get(pk=record.pk)
        state[str(record.pk)] = {
            f.attname: getattr(fresh, f.attname) for f in type(record)._meta.concrete_fields
        }
    return {"counts": counts, "state": state}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def convert_url(record) -> str:
    slug = "targets" if isinstance(record, Target) else "leads"
    return reverse(f"{slug}:convert", args=[record.pk])


def lead_form(client, lead, **changes) -> dict:
    """The POST data of the unchanged lead conversion form, with `changes` (None removes)."""
    conversion = client.get(convert_url(lead)).context["conversion"]
    data = {}
    for form in (*conversion.parts.values(), conversion.hand_over):
        data.update(form_data(form))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def with_parts(*parts) -> dict:
    """Tick the checkboxes of the optional parts `parts`, untick the others."""
    return {
        f"{p}-create": "on" if p in parts else None
        for p in ("opportunity", "call", "meeting", "task")
    }
