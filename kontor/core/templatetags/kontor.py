"""Small template helpers of Kontor's generic pages."""

from django import template

register = template.Library()


@register.filter
def getfield(form, name):
    """The bound field `name` of `form` (templates cannot index with a variable)."""
    return form[name]
