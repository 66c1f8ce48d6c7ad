"""Template helpers of the import: whether to offer the Import button on a list."""

from django import template

from kontor.core import permissions

register = template.Library()


@register.filter
def can_import(module, user) -> bool:
    """`{% if module|can_import:request.user %}`: may this user import into this module?"""
    return permissions.can(user, "import", module.model)
