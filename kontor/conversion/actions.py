"""The conversions of the journey: Target → Lead and Lead → Contact + Account + Opportunity.

Each is one action in one transaction (docs/architecture.md rule 1): the converted record is
locked first, so two users converting it at the same moment yield one conversion and one clear
refusal; any invalid part raises a ValidationError whose keys name the part and field
("contact-last_name") and nothing is written. The UI and the API call these same functions.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kontor.accounts.models import Account
from kontor.activities.actions import hand_over_activities, save_with_invitees
from kontor.activities.models import Call, Meeting, Task
from kontor.contacts.models import Contact
from kontor.conversion import mapping
from kontor.core import config, events, permissions, registry
from kontor.core.actions import log_event, log_teams_change, save_record
from kontor.core.models import ChangeLog
from kontor.leads.models import Lead
from kontor.opportunities.actions import link_contact
from kontor.opportunities.models import Opportunity
from kontor.targets.models import Target

ACTIVITY_MODES = ("move", "copy", "leave")
#: The `field` of the "convert" change-log row of an existing record chosen in a lead
#: conversion (not created by it): its page says it was chosen, not converted from the lead.
CHOSEN = "chosen"


class ConversionRefused(Exception):
    """The record cannot be converted (already converted, deleted); `existing` is the result
    of the earlier conversion, for a link in the message."""

    def __init__(self, message: str, existing=None):
        super().__init__(message)
        self.message, self.existing = message, existing


@dataclass
class LeadConversionResult:
    lead: Lead
    contact: Contact
    account: Account | None
    opportunity: Opportunity | None
    call: Call | None = None
    meeting: Meeting | None = None
    task: Task | None = None
    activities_handed_over: int = 0


def ref(record) -> str:
    """How the change log names a record of another module: "contacts:<uuid>"."""
    return f"{registry.for_model(record).slug}:{record.pk}"


def _require(actor, verb: str, *models) -> None:
    for model in models:
        if not permissions.can(actor, verb, model):
            raise PermissionDenied(
                _("You may not create %(what)s.") % {"what": model._meta.verbose_name_plural}
            )


def _build(model, part: str, data: dict):
    """An unsaved record of `model` from `data`, validated; errors keyed "<part>-<field>"."""
    names = {f.name for f in model._meta.get_fields()}
    record = model(**{k: v for k, v in data.items() if k in names})
    # Links given as loaded records (the owner, the chosen account, the new contact) exist:
    # checking each again would cost a query apiece.
    loaded = [k for k, v in data.items() if k in names and isinstance(v, Model)]
    try:
        record.full_clean(exclude=["id", "created_by", "modified_by", *loaded])
    except ValidationError as error:
        raise ValidationError(
            {
                f"{part}-{field}" if field != "__all__" else part: messages
                for field, messages in error.message_dict.items()
            }
        ) from None
    return record


def _lock(model, record, refused_message: str):
    """The record, re-read under a row lock; refused when it was deleted meanwhile."""
    locked = model.objects.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        raise ConversionRefused(refused_message)
    return locked


@transaction.atomic
def convert_target(
    target: Target, *, actor, data: dict | None = None, activities: str = "move"
) -> Lead:
    """Create a lead from `target` (its values, overridden by `data`), link both ways, mark
    the target Converted and hand its activities to the lead."""
    if activities not in ACTIVITY_MODES:
        raise ValidationError({"activities": _("Choose move, copy or leave.")})
    _require(actor, "create", Lead)
    target = _lock(Target, target, _("This target no longer exists."))
    if target.lead_id or target.status == "Converted":
        raise ConversionRefused(
            _("This target was already converted."), Lead.objects.filter(pk=target.lead_id).first()
        )
    values = {
        **mapping.lead_from_target(target),
        "assigned_user": lead_owner(target, actor),
        **(data or {}),
    }
    lead = _build(Lead, "lead", {**values, "status": "New", "lifecycle_stage": "ML"})
    lead.target = target
    save_record(lead, actor=actor, validate=False)
    target.lead, target.status = lead, "Converted"
    save_record(target, actor=actor)
    hand_over_activities(target, lead, activities, actor=actor)
    _join_teams_of(target, [lead], actor)
    log_event(target, ChangeLog.Action.CONVERT, actor=actor, new=ref(lead))
    events.record_event(events.CONVERTED, target, actor=actor, related={"lead": lead})
    log_event(lead, ChangeLog.Action.CONVERT, actor=actor, old=ref(target))
    return lead


def lead_owner(target: Target, actor):
    """Whom a target's new lead is assigned to unless the converting user chooses: the target's
    owner when their roles show leads (a marketer's target often is not), else the converting
    user, so the lead never lands with someone who cannot open it."""
    owner = target.assigned_user
    if owner is not None and permissions.can(owner, "view", Lead):
        return owner
    return actor


def assignee_warning(lead: Lead) -> str:
    """A translated warning when `lead` is assigned to someone whose roles do not show leads
    (the converting user chose them), else ""."""
    owner = lead.assigned_user
    if owner is None or permissions.can(owner, "view", Lead):
        return ""
    name = owner.get_full_name() or owner.get_username()
    return _(
        "The lead is assigned to %(user)s, who may not see leads. Assign it to someone else, or "
        "give %(user)s a role that shows leads."
    ) % {"user": name}


class _Parts:
    """Collects the errors of every part, so the form shows them all at once."""

    def __init__(self):
        self.errors: dict = {}

    def build(self, model, part: str, data: dict):
        try:
            return _build(model, part, data)
        except ValidationError as error:
            self.errors.update(error.message_dict)
            return None

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)


def visible(model, pk, user):
    """The record `pk` of `model` when `user` may see it, else None: what a conversion links to
    or picks must not be a record the user may not see."""
    if pk is None:
        return None
    return model.objects.visible_to(user, "view").filter(pk=pk).first()


@transaction.atomic
def convert_lead(
    lead: Lead,
    *,
    actor,
    contact: Contact | None = None,
    new_contact: dict | None = None,
    account: Account | None = None,
    new_account: dict | None = None,
    opportunity: dict | None = None,
    contact_role: str = "",
    call: dict | None = None,
    meeting: dict | None = None,
    task: dict | None = None,
    activities: str = "move",
) -> LeadConversionResult:
    """Convert `lead`: select `contact` or create one (lead values overridden by `new_contact`),
    select `account`, create one from `new_account`, or none (B2C only), optionally create an
    opportunity, log a call, schedule a meeting and create a task, and hand the lead's
    activities to the contact. All or nothing."""
    parts = _Parts()
    if activities not in ACTIVITY_MODES:
        parts.fail("activities", _("Choose move, copy or leave."))
    _require(
        actor,
        "create",
        *[
            m
            for m, wanted in (
                (Contact, contact is None),
                (Account, new_account is not None),
                (Opportunity, opportunity is not None),
                (Call, call is not None),
                (Meeting, meeting is not None),
                (Task, task is not None),
            )
            if wanted
        ],
    )
    lead = _lock(Lead, lead, _("This lead no longer exists."))
    if lead.converted:
        raise ConversionRefused(_("This lead was already converted."), lead.contact)
    owner = lead.assigned_user
    # The existing records the caller chose, by id: the checks below re-read them.
    selected = {r.pk for r in (contact, account) if r is not None}

    account = _choose_account(lead, account, new_account, parts, actor, owner)
    contact = _choose_contact(lead, contact, new_contact, account, parts, actor, owner)
    created = None
    if opportunity is not None and not parts.errors:
        created = parts.build(
            Opportunity,
            "opportunity",
            {
                **mapping.opportunity_from_lead(lead),
                "assigned_user": owner,
                **opportunity,
                "account": account,
            },
        )
        if created:
            save_record(created, actor=actor, validate=False)
            try:
                link_contact(created, contact, contact_role, actor=actor)
            except ValidationError as error:
                for message in error.messages:
                    parts.fail("opportunity-contact_role", message)
    result = LeadConversionResult(lead=lead, contact=contact, account=account, opportunity=created)
    if not parts.errors:
        _new_activities(result, call, meeting, task, parts, actor)
    if parts.errors:
        raise ValidationError(parts.errors)

    result.activities_handed_over = hand_over_activities(lead, contact, activities, actor=actor)
    lead.status, lead.converted, lead.converted_at = "Converted", True, timezone.now()
    lead.contact, lead.opportunity = contact, created
    lead.account = account or lead.account
    save_record(lead, actor=actor)
    chain = [r for r in (contact, account, created) if r is not None]
    # Only the records this conversion created join the lead's teams: a chosen existing record
    # keeps its own (who may see it is not the converting user's to widen in passing).
    _join_teams_of(
        lead,
        [
            r
            for r in (*chain, result.call, result.meeting, result.task)
            if r is not None and r.pk not in selected
        ],
        actor,
    )
    log_event(lead, ChangeLog.Action.CONVERT, actor=actor, new=" ".join(ref(r) for r in chain))
    for record in chain:
        log_event(
            record,
            ChangeLog.Action.CONVERT,
            actor=actor,
            field=CHOSEN if record.pk in selected else "",
            old=ref(lead),
        )
    events.record_event(
        events.CONVERTED,
        lead,
        actor=actor,
        related={"contact": contact, "account": account, "opportunity": created},
    )
    return result


def _join_teams_of(source, records, actor) -> None:
    """Records a conversion created join the teams of the record they came from
    (docs/domain.md §6); each record's change of teams is logged as `set_teams` logs it
    (`log_teams_change`)."""
    teams = dict(source.teams.values_list("pk", "name"))
    if not teams:
        return
    for record in records:
        before = dict(record.teams.values_list("pk", "name"))
        if set(teams) <= set(before):
            continue
        permissions.join_teams(type(record), [record.pk], list(teams))
        log_teams_change(record, before, {**before, **teams}, actor=actor)


def _choose_account(lead, account, new_account, parts, actor, owner):
    if account is not None:
        chosen = visible(Account, account.pk, actor)
        if chosen is None:
            parts.fail("account", _("Choose an account you can see."))
        return chosen
    if new_account is not None:
        built = parts.build(
            Account,
            "account",
            {**mapping.account_from_lead(lead), "assigned_user": owner, **new_account},
        )
        if built:
            save_record(built, actor=actor, validate=False)
        return built
    if config.mode() == "b2b":
        parts.fail("account", _("Converting a lead needs an account (B2B mode)."))
    return None


def _choose_contact(lead, contact, new_contact, account, parts, actor, owner):
    if contact is not None:
        chosen = visible(Contact, contact.pk, actor)
        if chosen is None:
            parts.fail("contact", _("Choose a contact you can see."))
        return chosen
    built = parts.build(
        Contact,
        "contact",
        {
            **mapping.contact_from_lead(lead),
            "assigned_user": owner,
            **(new_contact or {}),
            "account": account if account is not None and account.pk else None,
        },
    )
    if built and not parts.errors:
        save_record(built, actor=actor, validate=False)
    return built


def _new_activities(result, call, meeting, task, parts, actor) -> None:
    """The call, meeting and task the conversion form logs or schedules, on the contact."""
    contact = result.contact
    parent = {
        "parent_type": ContentType.objects.get_for_model(contact),
        "parent_id": contact.pk,
        "assigned_user": actor,
    }
    if call is not None:
        built = parts.build(
            Call, "call", {"status": "Held", "direction": "Outbound", **parent, **call}
        )
        if built:
            result.call = save_with_invitees(built, [actor], [contact], actor=actor, validate=False)
    if meeting is not None:
        built = parts.build(Meeting, "meeting", {"status": "Planned", **parent, **meeting})
        if built:
            result.meeting = save_with_invitees(
                built, [actor], [contact], actor=actor, validate=False
            )
    if task is not None:
        built = parts.build(
            Task,
            "task",
            {"status": "Not Started", "priority": "Medium", **parent, "contact": contact, **task},
        )
        if built:
            result.task = save_record(built, actor=actor, validate=False)
