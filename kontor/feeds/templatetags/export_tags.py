"""Template helpers of the export menu: which formats a list or record offers this user."""

from django import template

from kontor.core import permissions
from kontor.core.people import Person

register = template.Library()


@register.filter
def can_export(module, user) -> bool:
    """`{% if module|can_export:request.user %}`: may this user export this module's records?"""
    return permissions.can(user, "export", module.model)


@register.filter
def has_vcard(module) -> bool:
    """People (contacts, leads, targets) export as vCard."""
    return issubclass(module.model, Person)


@register.filter
def has_ical(module) -> bool:
    """Calls and meetings export as iCalendar."""
    return module.slug in ("calls", "meetings")
