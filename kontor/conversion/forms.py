"""The conversion forms: Target → Lead, and the one-page Lead → Contact / Account / Opportunity.

For the people who convert records in the browser. Each part of a conversion is a Django form
(kontor/conversion/parts.py) whose prefix is the part's name in the action's errors. The forms
only parse what was typed and pre-fill from the record (kontor/conversion/mapping.py); the
action validates the records, decides and writes.
"""

from datetime import datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from kontor.conversion import duplicates, mapping
from kontor.conversion.actions import lead_owner
from kontor.conversion.parts import (
    AccountPart,
    CallPart,
    ContactPart,
    HandOverForm,
    MeetingPart,
    OpportunityPart,
    PartForm,
    TaskPart,
    add_action_errors,
    part_formfield,
)
from kontor.core import config, preferences, registry
from kontor.core.matching import company_key, domain_of
from kontor.core.records.tables import link_texts
from kontor.leads.models import Lead

# --- Target → Lead --------------------------------------------------------------------------

#: Set by the conversion itself (status New, stage ML), so not offered on the form.
SET_BY_CONVERSION = ("status", "lifecycle_stage")


class LeadPart(PartForm):
    set_by_conversion = SET_BY_CONVERSION


def lead_form_class() -> type[PartForm]:
    fields = [n for n in registry.get("leads").form_fields if n not in SET_BY_CONVERSION]
    return forms.modelform_factory(
        Lead, form=LeadPart, fields=fields, formfield_callback=part_formfield
    )


class TargetConversion:
    """The lead form pre-filled from the target, plus the hand-over of its activities."""

    def __init__(self, target, user, data=None):
        values = {**mapping.lead_from_target(target), "assigned_user": lead_owner(target, user)}
        initial = {k: getattr(v, "pk", v) for k, v in values.items()}
        self.lead = lead_form_class()(data=data, prefix="lead", user=user, initial=initial)
        self.hand_over = HandOverForm(data=data)

    def is_valid(self) -> bool:
        return all([self.lead.is_valid(), self.hand_over.is_valid()])

    def action_kwargs(self) -> dict:
        return {
            "data": self.lead.record_data(),
            "activities": self.hand_over.cleaned_data["activities"],
        }

    def add_errors(self, error: ValidationError) -> None:
        add_action_errors({"lead": self.lead}, self.hand_over, error)


# --- Lead → Contact / Account / Opportunity -------------------------------------------------


def contact_reasons(contact, lead) -> list[str]:
    """Why a contact is suggested: what it shares with the lead."""
    reasons = []
    if contact.email1 and contact.email1 in {lead.email1, lead.email2}:
        reasons.append(_("same email"))
    phones = {lead.phone_work_e164, lead.phone_mobile_e164} - {""}
    if phones & {contact.phone_work_e164, contact.phone_mobile_e164}:
        reasons.append(_("same phone"))
    if (contact.last_name, contact.first_name) == (lead.last_name, lead.first_name):
        reasons.append(_("same name"))
    return reasons


def account_reasons(account, lead) -> list[str]:
    """Why an account is suggested: same name without legal form, or same web domain."""
    reasons = []
    if account.name_key and account.name_key == company_key(lead.account_name):
        reasons.append(_("same name"))
    if account.domain and account.domain in {domain_of(lead.website), domain_of(lead.email1)}:
        reasons.append(_("same web domain"))
    return reasons


def _local(when) -> datetime:
    return timezone.localtime(when).replace(second=0, microsecond=0)


def _only(values: dict, form_class) -> dict:
    names = form_class.record_names()
    return {k: getattr(v, "pk", v) for k, v in values.items() if k in names}


class LeadConversion:
    """Every part of the lead conversion form, pre-filled from the lead; the duplicate
    suggestions are looked up before anything is created."""

    def __init__(self, lead, user, data=None):
        self.lead, self.user = lead, user
        now = _local(timezone.now())
        name = str(lead)
        no_account = config.mode() == "b2c" and not lead.account_name
        opportunity = mapping.opportunity_from_lead(lead)
        # The new opportunity is proposed in the currency the user chose in their settings.
        opportunity["currency"] = preferences.default_currency(user) or opportunity["currency"]
        # The common case is one click (as Odoo's wizard does): a record that already matches
        # is proposed; creating anyway is one choice away.
        # A POST brings its own choices: the suggestions are looked up only for a page shown.
        first_contact = (
            "new"
            if data is not None
            else next((str(c.pk) for c, _r in self.contact_suggestions), "new")
        )
        first_account = (
            "new"
            if data is not None
            else next((str(a.pk) for a, _r in self.account_suggestions), "new")
        )
        initials = {
            "contact": {
                **_only(
                    {**mapping.contact_from_lead(lead), "assigned_user": lead.assigned_user},
                    ContactPart,
                ),
                "choice": first_contact,
            },
            "account": {
                **_only(mapping.account_from_lead(lead), AccountPart),
                "choice": "none" if no_account else first_account,
            },
            "opportunity": {
                **_only(opportunity, OpportunityPart),
                "create": bool(lead.opportunity_name or lead.opportunity_amount),
            },
            "call": {
                "assigned_user": user.pk,
                "name": _("Call with %(name)s") % {"name": name},
                "date_start": now,
                "duration_minutes": 15,
                "status": "Held",
            },
            "meeting": {
                "assigned_user": user.pk,
                "name": _("Meeting with %(name)s") % {"name": name},
                "date_start": (now + timedelta(days=1)).replace(hour=10, minute=0),
                "duration_minutes": 60,
            },
            "task": {
                "assigned_user": user.pk,
                "date_due": (now + timedelta(days=7)).replace(hour=17, minute=0),
                "priority": "Medium",
            },
        }
        classes = {
            "contact": ContactPart,
            "account": AccountPart,
            "opportunity": OpportunityPart,
            "call": CallPart,
            "meeting": MeetingPart,
            "task": TaskPart,
        }
        self.parts = {}
        for part, form_class in classes.items():
            self.parts[part] = form_class(data=data, prefix=part, user=user, initial=initials[part])
            setattr(self, part, self.parts[part])
        self.hand_over = HandOverForm(data=data)

    @cached_property
    def contact_suggestions(self) -> list[tuple]:
        """(contact, reasons) of contacts like the lead, surest first."""
        contacts = duplicates.similar_contacts(self.lead, self.user)
        return [
            (c, contact_reasons(c, self.lead)) for c in link_texts(self.user, contacts, "account")
        ]

    @cached_property
    def account_suggestions(self) -> list[tuple]:
        """(account, reasons) of accounts like the lead's company, surest first."""
        return [
            (a, account_reasons(a, self.lead))
            for a in duplicates.similar_accounts(self.lead, self.user)
        ]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in (*self.parts.values(), self.hand_over)])

    @property
    def errors(self) -> bool:
        return any(form.errors for form in (*self.parts.values(), self.hand_over))

    def action_kwargs(self) -> dict:
        """The keyword arguments of convert_lead for what was chosen and typed."""
        kwargs = {"activities": self.hand_over.cleaned_data["activities"]}
        kind, value = self.contact.selection()
        kwargs["contact" if kind == "existing" else "new_contact"] = value
        kind, value = self.account.selection()
        if kind == "existing":
            kwargs["account"] = value
        elif kind == "new":
            kwargs["new_account"] = value
        for part in ("opportunity", "call", "meeting", "task"):
            form = self.parts[part]
            if form.creates():
                kwargs[part] = form.record_data()
        if "opportunity" in kwargs:
            kwargs["contact_role"] = self.opportunity.cleaned_data.get("contact_role") or ""
        return kwargs

    def add_errors(self, error: ValidationError) -> None:
        add_action_errors(self.parts, self.hand_over, error)
