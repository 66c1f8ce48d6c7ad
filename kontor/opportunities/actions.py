"""Opportunity verbs: link a contact with a role, unlink it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kontor.core import dropdowns
from kontor.core.actions import log_event
from kontor.opportunities.models import Opportunity, OpportunityContact


def link_contact(opportunity: Opportunity, contact, role: str = "", *, actor) -> OpportunityContact:
    """Link `contact` to `opportunity` with `role` (or change the role of an existing link)."""
    if role and role not in {o.key for o in dropdowns.options("opportunity_relationship_type_dom")}:
        raise ValidationError(
            {"contact_role": _("“%(value)s” is not a valid choice.") % {"value": role}}
        )
    with transaction.atomic(savepoint=False):
        return _link(opportunity, contact, role, actor=actor)


def _link(opportunity, contact, role: str, *, actor) -> OpportunityContact:
    link, created = OpportunityContact.objects.select_for_update().get_or_create(
        opportunity=opportunity, contact=contact, defaults={"contact_role": role}
    )
    if not created and link.contact_role == role:
        return link
    old = "" if created else f"{contact.pk}:{link.contact_role}"
    if not created:
        link.contact_role = role
        link.save(update_fields=["contact_role"])
    log_event(
        opportunity, "update", actor=actor, field="contacts", old=old, new=f"{contact.pk}:{role}"
    )
    return link


@transaction.atomic
def unlink_contact(opportunity: Opportunity, contact, *, actor) -> bool:
    """Remove the link; returns False when there was none."""
    deleted, _rows = OpportunityContact.objects.filter(
        opportunity=opportunity, contact=contact
    ).delete()
    if deleted:
        log_event(opportunity, "update", actor=actor, field="contacts", old=str(contact.pk), new="")
    return bool(deleted)
